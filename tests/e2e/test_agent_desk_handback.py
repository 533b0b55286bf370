"""Every reply has a deadline, and handback continues the case (issue 18, items 5 and 6), end to end: the real
PTB client against the fake Bot API, customers in private chats and two agents of different languages in a forum
supergroup (Marta: English and Polish; Li: Chinese and English, and the lead)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.policy.assignment import AgentProfile
from bot.storage.models import Agent, Message
from bot.testing.fake_bot_api import FakeBotApi, SentMessage
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot
from tests.e2e.test_handoff import GROUP, handoff_of, register, topic_of

pytestmark = pytest.mark.slow
MARTA, LI = 9101, 9102
ALWAYS = {"work_hours": "00:00-24:00", "work_days": "mon-sun"}
AGENTS = (
    AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "pl"), True, "UTC", **ALWAYS, max_chats=20),
    AgentProfile(LI, "Li", "Payments specialist", ("zh", "en"), True, "UTC", **ALWAYS, max_chats=20, is_lead=True),
)
CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}")


async def start(tmp: Path, **settings: str) -> Bot:
    api = FakeBotApi(TEST_TOKEN).start()
    running = Bot(api, make_settings(tmp, api, CANDOR_AGENTS_CHAT_ID=str(GROUP), CANDOR_GROUP_MESSAGES_PER_MINUTE="600",
                                     CANDOR_DESK_CHECK_SECONDS="0.5", **settings))
    await register(running.settings.database_url, *AGENTS)
    await running.start()
    return running


async def stop(running: Bot) -> None:
    await running.stop()
    running.api.stop()


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    """Reply deadlines as shipped (minutes), so nothing in these stories runs late on its own."""
    running = await start(Path(tmp_path_factory.mktemp("handback")))
    yield running
    await stop(running)


@pytest.fixture
async def hurried(tmp_path: Path) -> AsyncIterator[Bot]:
    """A desk whose replies are due within about a second, and whose lead is nudged a second later."""
    running = await start(tmp_path, CANDOR_AGENT_REPLY_MINUTES="0.02", CANDOR_LEAD_NUDGE_MINUTES="0.02")
    yield running
    await stop(running)


async def until(check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Wait until ``check()`` (sync or async) gives something truthy, and return it."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = check()
        if asyncio.iscoroutine(found):
            found = await found
        if found:
            return found
        assert asyncio.get_running_loop().time() < deadline, f"waited {timeout} s for {what}"
        await asyncio.sleep(0.05)


def mentioned(message: SentMessage) -> set[int]:
    return {int(e["user"]["id"]) for e in message.params.get("entities") or [] if e.get("type") == "text_mention"}


def mentions_of(api: FakeBotApi, thread: int, user_id: int) -> list[SentMessage]:
    """Posts in the topic that mention this person, the pinned card (which mentions its owner) left out."""
    return [m for m in api.messages_in_topic(thread) if user_id in mentioned(m) and not m.text.startswith("Handoff #")]


async def handed_to(running: Bot, chat_id: int, text: str, agent: int | None, first_name: str = "Olga") -> int:
    """The customer asks for a person and gets ``agent`` (None: whoever is fair); returns the topic once its card
    is out."""
    before = len(running.api.messages_to(chat_id))
    running.api.customer_sends_text(chat_id, text, first_name=first_name)
    await running.api.wait_for_messages(chat_id, before + 1)
    thread = await topic_of(running, chat_id)
    await running.api.wait_in_topic(thread, 1)
    assert (await handoff_of(running, chat_id)).agent_user_id == (agent or (await handoff_of(running, chat_id)).agent_user_id)
    return thread


async def agent_says(running: Bot, chat_id: int, thread: int, agent: int, text: str) -> SentMessage:
    before = len(running.api.messages_to(chat_id))
    running.api.agent_sends_text(thread, agent, text, first_name="Marta" if agent == MARTA else "Li")
    return (await running.api.wait_for_messages(chat_id, before + 1))[-1]


# -- item 5: every reply has a deadline -------------------------------------------------------------------------
async def test_a_customer_waiting_on_their_agent_has_the_agent_then_the_lead_nudged_and_hears_one_honest_time(
        hurried: Bot) -> None:
    api = hurried.api
    thread = await handed_to(hurried, 6001, "I want to talk to a real person, please", MARTA)
    await agent_says(hurried, 6001, thread, MARTA, "Hi Olga, Marta here. Which order is it?")
    assert (await handoff_of(hurried, 6001)).waiting_since is None, "her answer left nobody waiting"

    api.customer_sends_text(6001, "It's order #70011, the refund never came", first_name="Olga")
    [nudge] = await until(lambda: mentions_of(api, thread, MARTA), "Marta to be mentioned in the topic")
    assert nudge.text.startswith("Marta, Olga has been waiting for your answer since"), nudge.text
    [lead] = await until(lambda: mentions_of(api, thread, LI), "the lead to be mentioned")
    assert lead.text.startswith("Li：Olga") and "已经提醒过 Marta" in lead.text, "in the lead's own language: " + lead.text
    holding = await until(lambda: [m for m in api.messages_to(6001) if "has your messages" in m.text],
                          "the customer's holding message")
    assert holding[0].text.startswith("Marta has your messages and will answer by ") and CLOCK_TIME.search(
        holding[0].text), holding[0].text
    waiting = await handoff_of(hurried, 6001)
    assert waiting.nudge_stage == 3 and waiting.waiting_since is not None

    api.customer_sends_text(6001, "Hello? Are you still there?", first_name="Olga")
    await until(lambda: any("Are you still there?" in m.text for m in api.messages_in_topic(thread)),
                "the customer's words in the topic")
    still = await handoff_of(hurried, 6001)
    assert (still.waiting_since, still.reply_due_at, still.nudge_stage) == (
        waiting.waiting_since, waiting.reply_due_at, 3), "the timer keeps running: no new wait, no new ladder"
    await asyncio.sleep(2.5)  # several desk checks, each a chance for a second holding message were there one
    assert len([m for m in api.messages_to(6001) if "has your messages" in m.text]) == 1, "never twice for one wait"
    assert len(mentions_of(api, thread, MARTA)) == 1

    await agent_says(hurried, 6001, thread, MARTA, "Sorry Olga! The refund left us this morning.")
    answered = await handoff_of(hurried, 6001)
    assert (answered.waiting_since, answered.reply_due_at, answered.nudge_stage) == (None, None, 0)


async def test_a_colleagues_words_in_the_topic_do_not_answer_the_waiting_customer(hurried: Bot) -> None:
    thread = await handed_to(hurried, 6002, "Can I speak to a human?", MARTA)
    await agent_says(hurried, 6002, thread, MARTA, "Hello, Marta here.")
    hurried.api.customer_sends_text(6002, "My parcel is damaged", first_name="Olga")
    await until(lambda: any("damaged" in m.text for m in hurried.api.messages_in_topic(thread)), "the relay")
    hurried.api.agent_sends_text(thread, LI, "I can take a look if Marta is busy", first_name="Li")
    await until(lambda: mentions_of(hurried.api, thread, MARTA), "Marta to be nudged all the same")
    assert (await handoff_of(hurried, 6002)).waiting_since is not None


# -- item 6: handback continues the case ------------------------------------------------------------------------
async def test_resolve_with_a_note_tells_the_customer_keeps_the_note_and_the_bot_goes_on_with_the_case(bot: Bot) -> None:
    api = bot.api
    api.customer_sends_text(6101, "I was charged twice for my order", first_name="Olga")
    [asked] = await api.wait_for_messages(6101, 1)
    assert "order number" in asked.text
    thread = await handed_to(bot, 6101, "I want to talk to a person", MARTA)
    api.customer_sends_text(6101, "My order number is #60311 and my email is olga@example.com", first_name="Olga")
    await until(lambda: [m for m in api.messages_in_topic(thread) if "(customer)" in m.text and "#60311" in m.text],
                "her details relayed to the topic")  # the card and the bot's last answer come first
    await agent_says(bot, 6101, thread, MARTA, "I see it: the second charge is a hold.")

    note = "It was a bank hold on order #60311; it drops off by Friday."
    back = await agent_says(bot, 6101, thread, MARTA, f"/resolve {note}")
    assert "Marta" in back.text and f'"{note}"' in back.text and "Candor" in back.text, back.text
    handoff = await handoff_of(bot, 6101)
    assert (handoff.status, handoff.resolution_note) == ("resolved", note)
    [(stored,)] = await bot.query(select(Message).where(Message.conversation_id == handoff.conversation_id,
                                                        Message.sender == "agent", Message.text == note))
    assert stored.move == "agent:Marta", "the console's transcript shows the note as Marta's message"

    thanked = await customer_says(bot, 6101, "Thank you Marta, that helps!")
    assert "how did Marta do?" in thanked.text and thanked.params.get("reply_markup"), thanked.text
    assert "get this right" not in thanked.text, "thanks are answered as thanks, not with the generic question"
    again = await customer_says(bot, 6101, "thanks again")
    assert "how did" not in again.text and not again.params.get("reply_markup"), "the rating is asked once"

    checked = await customer_says(bot, 6101, "I was charged twice, can you check?")
    assert "order number" not in checked.text and "60311" in checked.text, "the order the agent heard is not asked again"


async def customer_says(running: Bot, chat_id: int, text: str) -> SentMessage:
    before = len(running.api.messages_to(chat_id))
    running.api.customer_sends_text(chat_id, text, first_name="Olga")
    return (await running.api.wait_for_messages(chat_id, before + 1))[-1]


async def test_asking_for_the_same_person_again_reopens_the_same_topic_for_them(bot: Bot) -> None:
    thread = await handed_to(bot, 6201, "Chcę porozmawiać z konsultantem", MARTA, first_name="Zofia")
    first = await handoff_of(bot, 6201)
    await agent_says(bot, 6201, thread, MARTA, "/resolve")
    topics_before, edits_before = len(bot.api.topics), len(bot.api.edits)

    reply = await customer_says(bot, 6201, "Chcę znowu porozmawiać z Martą")

    assert "Marta" in reply.text and "nie jest teraz" not in reply.text and CLOCK_TIME.search(reply.text), reply.text
    reopened = await handoff_of(bot, 6201)
    assert reopened.id != first.id and reopened.previous_handoff_id == first.id
    assert (reopened.thread_id, reopened.agent_user_id, reopened.status) == (thread, MARTA, "active")
    [note] = await until(lambda: mentions_of(bot.api, thread, MARTA), "Marta to be mentioned in her old topic")
    assert "Zofia" in note.text and "again" in note.text
    await until(lambda: any(int(e["message_id"]) == first.card_message_id for e in bot.api.edits[edits_before:]),
                "the pinned card to be edited in place")
    assert len(bot.api.topics) == topics_before, "no new topic"
    assert not [m for m in bot.api.messages_in_topic(thread) if m.text.startswith("Handoff #")][1:], "no new card"


async def test_asking_for_the_same_person_while_they_are_away_hears_who_helps_instead(bot: Bot) -> None:
    thread = await handed_to(bot, 6301, "I need a human", None, first_name="Wei")
    holder = (await handoff_of(bot, 6301)).agent_user_id
    (name, other, other_name) = ("Marta", LI, "Li") if holder == MARTA else ("Li", MARTA, "Marta")
    await agent_says(bot, 6301, thread, MARTA if holder == MARTA else LI, "/resolve")
    await bot.execute(update(Agent).where(Agent.telegram_user_id == holder).values(away=True))
    try:
        reply = await customer_says(bot, 6301, f"I'd like to talk to {name} again")
    finally:
        await bot.execute(update(Agent).where(Agent.telegram_user_id == holder).values(away=False))

    assert reply.text.startswith(f"{name} isn't available") and other_name in reply.text, reply.text
    assert CLOCK_TIME.search(reply.text), reply.text
    reopened = await handoff_of(bot, 6301)
    assert (reopened.thread_id, reopened.agent_user_id) == (thread, other), "the same topic, honestly someone else"
    await until(lambda: mentions_of(bot.api, thread, other), f"{other_name} to be mentioned")


async def test_asking_again_for_the_one_away_agent_who_speaks_the_language_waits_for_them(bot: Bot) -> None:
    thread = await handed_to(bot, 6302, "我要转人工客服", LI, first_name="Wei")
    await agent_says(bot, 6302, thread, LI, "/resolve")
    await bot.execute(update(Agent).where(Agent.telegram_user_id == LI).values(away=True))
    try:
        reply = await customer_says(bot, 6302, "我想再找Li")
        reopened = await handoff_of(bot, 6302)
    finally:
        await bot.execute(update(Agent).where(Agent.telegram_user_id == LI).values(away=False))

    assert reply.text.startswith("Li现在不在") and "Marta" not in reply.text and CLOCK_TIME.search(reply.text), reply.text
    assert (reopened.thread_id, reopened.agent_user_id) == (thread, None), "Marta reads no Chinese: Li is away, not gone"


async def test_an_ordinary_question_after_a_handback_is_no_request_for_the_same_person(bot: Bot) -> None:
    thread = await handed_to(bot, 6401, "I need a human", None)
    holder = (await handoff_of(bot, 6401)).agent_user_id
    assert holder is not None
    await agent_says(bot, 6401, thread, holder, "/resolve")
    reply = await customer_says(bot, 6401, "How long does a refund take?")
    assert "5–10 business days" in reply.text
    assert (await handoff_of(bot, 6401)).status == "resolved", "nothing reopened"

