"""Handoff to a named person, end to end: the real PTB client against the fake Bot API, as a
customer in a private chat and as agents in a forum supergroup."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.policy.assignment import AgentProfile
from bot.storage.agents import AgentRepository
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.models import Conversation, Customer, Flag, Handoff
from bot.testing.fake_bot_api import AGENTS_GROUP, FakeBotApi
from knowledge import load_pack
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot

pytestmark = pytest.mark.slow
GROUP = int(AGENTS_GROUP["id"])
MARTA, LI, STRANGER = 9001, 9002, 5555
CONCRETE_TIME = re.compile(r"\d{1,2}:\d{2}")
ALWAYS = {"work_hours": "00:00-24:00", "work_days": "mon-sun"}


async def register(settings_url: str, *profiles: AgentProfile) -> None:
    await upgrade_schema_async(settings_url)
    database = Database(settings_url)
    try:
        async with database.session() as session:
            for profile in profiles:
                await AgentRepository(session).add(profile)
    finally:
        await database.dispose()


async def start_bot(tmp: Path, *profiles: AgentProfile, **settings: str) -> Bot:
    api = FakeBotApi(TEST_TOKEN).start()
    # The fake Bot API has no group limit to respect, so the agents' topic need not wait for Telegram's 20 a minute.
    running = Bot(api, make_settings(tmp, api, CANDOR_AGENTS_CHAT_ID=str(GROUP), CANDOR_GROUP_MESSAGES_PER_MINUTE="600",
                                     **settings))
    await register(running.settings.database_url, *profiles)
    await running.start()
    return running


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    running = await start_bot(
        Path(tmp_path_factory.mktemp("handoff")),
        AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "ru", "pl"), True, "UTC", **ALWAYS, max_chats=20),
        AgentProfile(LI, "Li", "Payments specialist", ("zh", "en"), True, "UTC", **ALWAYS, max_chats=20),
    )
    yield running
    await running.stop()
    running.api.stop()


async def handoff_of(bot: Bot, chat_id: int) -> Handoff:
    [(handoff,)] = await bot.query(
        select(Handoff).join(Conversation, Conversation.id == Handoff.conversation_id)
        .join(Customer, Customer.id == Conversation.customer_id).where(Customer.external_id == str(chat_id))
        .order_by(Handoff.id.desc()).limit(1)
    )
    return handoff


async def topic_of(bot: Bot, chat_id: int, timeout: float = 60.0) -> int:
    """The customer's forum topic, once the card (posted after the customer's reply) is out."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (handoff := await handoff_of(bot, chat_id)).thread_id is None:
        assert asyncio.get_running_loop().time() < deadline, f"no topic for chat {chat_id} after {timeout} s"
        await asyncio.sleep(0.05)
    return int(handoff.thread_id)


@pytest.mark.parametrize(
    ("chat_id", "text", "agent"),
    [
        (4001, "I want to talk to a real person, please", "Marta"),
        (4002, "Соедините меня с живым человеком, пожалуйста", "Marta"),
        (4003, "Chcę porozmawiać z konsultantem", "Marta"),
        (4004, "我要转人工客服", "Li"),
    ],
    ids=["en", "ru", "pl", "zh"],
)
async def test_asking_for_a_person_in_any_language_hands_off_to_a_named_agent_with_a_card(
    bot: Bot, chat_id: int, text: str, agent: str
) -> None:
    bot.api.customer_sends_text(chat_id, text, first_name="Alex")
    [reply] = await bot.api.wait_for_messages(chat_id, 1)
    assert agent in reply.text and CONCRETE_TIME.search(reply.text), reply.text
    assert "support@example.shop" in reply.text, "the customer learns how to reach the team if it is urgent"
    handoff = await handoff_of(bot, chat_id)
    assert (handoff.reason, handoff.status) == ("asked_for_person", "active")
    thread = await topic_of(bot, chat_id)
    assert any(t == thread and name == f"Alex · with {agent} · #{handoff.id}" for _, t, name in bot.api.topics)
    [card] = await bot.api.wait_in_topic(thread, 1)
    for part in ("Handoff #", "Why a person: the customer asked for a person", f"Status: with {agent}",
                 "First reply due by", "Feelings: ", "Wants: ", "Their words:", f"“{text}”", "Promised: nothing open",
                 "Next step: ", "/resolve"):
        assert part in card.text, (part, card.text)
    assert not re.search(r"Feelings: .*\d", card.text), "feelings in words, not scores"


async def test_strong_worry_that_does_not_ease_hands_off(bot: Bot) -> None:
    bot.api.customer_sends_text(4010, "I'm terrified, my parcel with my son's medicine hasn't arrived and I'm panicking")
    await bot.api.wait_for_messages(4010, 1)
    bot.api.customer_sends_text(4010, "I'm so scared, it still isn't here and he needs it tonight, I'm really frightened")
    [_, second] = await bot.api.wait_for_messages(4010, 2)
    handoff = await handoff_of(bot, 4010)
    assert handoff.reason == "high_emotion" and handoff.detail.startswith("anxiety")
    assert "Marta" in second.text or "Li" in second.text
    assert handoff.anxiety_before is not None and handoff.anxiety_before >= 0.7


async def test_the_same_problem_unsolved_after_two_tries_hands_off(bot: Bot) -> None:
    for count, text in enumerate(["Where is my order #48213?", "Where is my order? It still has not come",
                                  "Where is my order? I have asked twice now"], start=1):
        bot.api.customer_sends_text(4020, text)
        await bot.api.wait_for_messages(4020, count)
    handoff = await handoff_of(bot, 4020)
    assert handoff.reason == "repeated_failure"
    moves = [m.move for m in await bot.stored(4020) if m.sender == "bot"]
    assert moves == ["answer", "answer", "hand_off"]


async def test_money_lost_to_fraud_goes_to_a_person_at_once(bot: Bot) -> None:
    bot.api.customer_sends_text(4030, "Someone stole my card details and used them in your shop, this is fraud")
    [reply] = await bot.api.wait_for_messages(4030, 1)
    handoff = await handoff_of(bot, 4030)
    assert (handoff.reason, handoff.detail) == ("sensitive", "money lost or fraud")
    assert CONCRETE_TIME.search(reply.text)


async def test_self_harm_words_get_crisis_wording_and_a_person_at_once(bot: Bot) -> None:
    bot.api.customer_sends_text(4040, "I can't take this anymore, I want to kill myself")
    [reply] = await bot.api.wait_for_messages(4040, 1)
    assert "112" in reply.text and "alone" in reply.text
    assert (await handoff_of(bot, 4040)).reason == "self_harm"


async def test_messages_relay_both_ways_and_resolve_returns_the_customer_to_the_bot(bot: Bot) -> None:
    bot.api.customer_sends_text(4050, "Can I speak to a human about my refund?", first_name="Ola")
    await bot.api.wait_for_messages(4050, 1)
    thread = await topic_of(bot, 4050)
    agent = (await handoff_of(bot, 4050)).agent_user_id
    assert agent in (MARTA, LI)
    name = "Marta" if agent == MARTA else "Li"

    bot.api.customer_sends_text(4050, "The refund was for order #5512, 49.90 EUR", first_name="Ola")
    await bot.api.wait_in_topic(thread, 2)
    relayed = bot.api.messages_in_topic(thread)[-1]
    assert relayed.text == "Ola (customer) wrote:\nThe refund was for order #5512, 49.90 EUR"
    assert [(e["type"], e["offset"]) for e in relayed.params["entities"]] == [("blockquote", 22)], "quoted, as theirs"
    bot.api.customer_sends_photo(4050, caption=None)
    for _ in range(100):
        if any(c.get("message_thread_id") == thread for c in bot.api.copies):
            break
        await asyncio.sleep(0.05)
    assert any(c.get("message_thread_id") == thread and int(c["chat_id"]) == GROUP for c in bot.api.copies)
    assert len(bot.api.messages_to(4050)) == 1, "the bot keeps quiet while a person has the conversation"

    bot.api.agent_sends_text(thread, agent, "Hi Ola, I can see the refund; it left us yesterday.", first_name=name)
    [_, relayed] = await bot.api.wait_for_messages(4050, 2)
    assert relayed.text == f"{name}: Hi Ola, I can see the refund; it left us yesterday."
    handoff = await handoff_of(bot, 4050)
    assert handoff.first_reply_at is not None, "time to first human reply is measured"

    bot.api.agent_sends_text(thread, agent, "/resolve")
    [_, _, back] = await bot.api.wait_for_messages(4050, 3)
    assert name in back.text and "Candor" in back.text
    notes = await bot.api.wait_in_topic(thread, 3)  # the card, the quote and the note (the photo is a copy)
    in_their_language = load_pack().wording_for("en" if agent == MARTA else "zh").agents.resolved.format(agent=name)
    assert any(m.text == in_their_language for m in notes), "the note is in the agent's first language"
    resolved = (await bot.query(select(Handoff).where(Handoff.id == handoff.id)))[0][0]
    assert resolved.status == "resolved" and resolved.resolved_at is not None

    bot.api.customer_sends_text(4050, "How long does a refund take?", first_name="Ola")
    [*_, answer] = await bot.api.wait_for_messages(4050, 4)
    assert "5–10 business days" in answer.text, "back with the bot, the customer gets answers again"


async def test_an_agents_photo_reaches_the_customer_under_their_name(bot: Bot) -> None:
    bot.api.customer_sends_text(4055, "I need to talk to someone about a damaged parcel")
    await bot.api.wait_for_messages(4055, 1)
    thread = await topic_of(bot, 4055)
    agent = (await handoff_of(bot, 4055)).agent_user_id
    assert agent is not None
    bot.api.agent_sends_photo(thread, agent)
    for _ in range(100):
        if any(int(c["chat_id"]) == 4055 for c in bot.api.copies):
            break
        await asyncio.sleep(0.05)
    [copy] = [c for c in bot.api.copies if int(c["chat_id"]) == 4055]
    assert int(copy["from_chat_id"]) == GROUP and copy["caption"] in ("Marta", "Li"), "one message, their name on it"
    assert len(bot.api.messages_to(4055)) == 1, "no bare name sent before the photo"


async def answered_then_handed_off(bot: Bot, chat_id: int) -> int:
    """The bot answers a refund question, then the customer asks for a person; returns their topic."""
    bot.api.customer_sends_text(chat_id, "Where is my refund?")
    await bot.api.wait_for_messages(chat_id, 1)
    bot.api.customer_sends_text(chat_id, "Please put me through to an operator")
    await bot.api.wait_for_messages(chat_id, 2)
    return await topic_of(bot, chat_id)


async def test_transfer_and_flag_from_the_topic(bot: Bot) -> None:
    thread = await answered_then_handed_off(bot, 4060)
    holder = (await handoff_of(bot, 4060)).agent_user_id
    other, other_name = (LI, "Li") if holder == MARTA else (MARTA, "Marta")
    assert holder is not None

    bot.api.agent_sends_text(thread, holder, "/flag the refund answer ignored that the item was already returned")
    await bot.api.wait_in_topic(thread, 3)  # the card, the bot's answer shown, the note
    [(flag,)] = await bot.query(select(Flag).where(Flag.agent_user_id == holder))
    assert "already returned" in flag.note and flag.message_id is not None

    bot.api.agent_sends_text(thread, holder, f"/transfer {other_name}")
    [*_, told] = await bot.api.wait_for_messages(4060, 3)
    assert other_name in told.text and CONCRETE_TIME.search(told.text)
    assert (await handoff_of(bot, 4060)).agent_user_id == other


async def test_a_customer_typing_agent_commands_changes_nothing(bot: Bot) -> None:
    bot.api.customer_sends_text(4070, "I need a human")
    await bot.api.wait_for_messages(4070, 1)
    before = await handoff_of(bot, 4070)
    for command in ("/resolve", "/take", "/transfer Marta", "/flag nonsense"):
        bot.api.customer_sends_text(4070, command)
    replies = await bot.api.wait_for_messages(4070, 5)
    assert all("not something I can do here" in r.text for r in replies[1:])
    after = await handoff_of(bot, 4070)
    assert (after.status, after.agent_user_id) == (before.status, before.agent_user_id) == ("active", before.agent_user_id)
    assert not (await bot.query(select(Flag).where(Flag.conversation_id == after.conversation_id)))


async def test_someone_who_is_not_an_agent_cannot_use_agent_commands_or_write_to_customers(bot: Bot) -> None:
    bot.api.customer_sends_text(4080, "Let me talk to a person")
    await bot.api.wait_for_messages(4080, 1)
    thread = await topic_of(bot, 4080)
    bot.api.agent_sends_text(thread, STRANGER, "/resolve", first_name="Mallory")
    bot.api.agent_sends_text(thread, STRANGER, "Send me your card number", first_name="Mallory")
    notes = await bot.api.wait_in_topic(thread, 2)
    assert any("Only registered agents" in m.text for m in notes)
    assert (await handoff_of(bot, 4080)).status == "active"
    assert len(bot.api.messages_to(4080)) == 1, "nothing a stranger writes reaches the customer"


async def test_forged_button_data_changes_nothing(bot: Bot) -> None:
    bot.api.customer_sends_text(4090, "I want to speak to a real person")
    await bot.api.wait_for_messages(4090, 1)
    before = await handoff_of(bot, 4090)
    answered = len(bot.api.callback_answers)
    for data in ("take:1", f"resolve:{before.id}", "rate:1:5", "x" * 64):
        bot.api.customer_presses_button(4090, data)
    deadline = asyncio.get_running_loop().time() + 60
    while len(bot.api.callback_answers) < answered + 4 or len(bot.api.messages_to(4090)) < 1:
        assert asyncio.get_running_loop().time() < deadline, "the taps were not answered"
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # room for a wrong change to land, were there one
    after = await handoff_of(bot, 4090)
    assert (after.status, after.agent_user_id) == (before.status, before.agent_user_id)


async def test_after_hours_the_customer_is_told_the_real_time_a_person_will_look(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    start = (now + dt.timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    hours = f"{start:%H}:00-{(start + dt.timedelta(hours=1)):%H}:00" if start.hour < 23 else "23:00-24:00"
    running = await start_bot(tmp_path, AgentProfile(MARTA, "Marta", "Customer care specialist", ("en",), True,
                                                     "UTC", hours, "mon-sun", (), 3))
    try:
        running.api.customer_sends_text(4100, "I want to talk to a person")
        [reply] = await running.api.wait_for_messages(4100, 1)
        expected = start + dt.timedelta(minutes=15)
        assert f"{expected:%H:%M}" in reply.text and "Marta" in reply.text, reply.text
        assert "Nobody from our team is free right now" in reply.text
        handoff = await handoff_of(running, 4100)
        assert handoff.status == "queued" and handoff.agent_user_id is None

        thread = await topic_of(running, 4100)
        running.api.agent_sends_text(thread, MARTA, "/take")
        [_, taken] = await running.api.wait_for_messages(4100, 2)
        assert "Marta" in taken.text and CONCRETE_TIME.search(taken.text), "an early take tells the customer at once"
        assert (await handoff_of(running, 4100)).status == "active"
    finally:
        await running.stop()
        running.api.stop()


async def forget_after_a_handoff(bot: Bot, chat_id: int, refuse_delete: bool = False) -> tuple[int, str]:
    """A customer with an agents' topic confirms /forget; returns the topic and the bot's last reply."""
    bot.api.customer_sends_text(chat_id, "I want to talk to a real person, please", first_name="Zofia")
    await bot.api.wait_for_messages(chat_id, 1)
    thread = await topic_of(bot, chat_id)
    await bot.api.wait_in_topic(thread, 1)
    if refuse_delete:
        bot.api.refuse_to_delete_topic(thread)
    bot.api.customer_sends_text(chat_id, "/forget", first_name="Zofia")
    await bot.api.wait_for_messages(chat_id, 2)
    bot.api.customer_presses_button(chat_id, "forget:confirm")
    [*_, done] = await bot.api.wait_for_messages(chat_id, 3)
    return thread, done.text


async def nothing_kept_about(bot: Bot, chat_id: int, thread: int) -> None:
    assert await bot.query(select(Customer).where(Customer.external_id == str(chat_id))) == []
    assert await bot.query(select(Handoff).where(Handoff.thread_id == thread)) == []
    assert await bot.stored(chat_id) == []


async def test_forget_deletes_the_customers_topic_in_the_agents_group_and_says_so(bot: Bot) -> None:
    thread, done = await forget_after_a_handoff(bot, 4300)
    assert thread in bot.api.deleted_topics
    assert "deleted everything" in done and "the chat our support team had about you" in done, done
    await nothing_kept_about(bot, 4300, thread)


async def test_a_topic_the_bot_may_not_delete_is_scrubbed_and_the_erasure_still_stands(bot: Bot) -> None:
    thread, done = await forget_after_a_handoff(bot, 4310, refuse_delete=True)
    assert thread not in bot.api.deleted_topics
    assert (thread, "Erased customer") in bot.api.renamed_topics
    note = bot.api.messages_in_topic(thread)[-1].text
    assert "erased" in note and "Zofia" not in note, note
    assert "still in our support team's chat" in done and "couldn't delete it" in done, "a copy remains: said so"
    await nothing_kept_about(bot, 4310, thread)
