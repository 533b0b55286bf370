"""Handoffs that stay safe under load and when Telegram refuses: the real PTB client against the fake
Bot API, customers in private chats and agents in a forum supergroup (issue 13)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.policy.assignment import AgentProfile
from bot.service.agent_commands import AgentCommands
from bot.storage.models import Conversation
from bot.testing.fake_bot_api import AGENTS_GROUP, FakeBotApi, SentMessage
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot
from tests.e2e.test_handoff import ALWAYS, handoff_of, register, start_bot, topic_of

pytestmark = pytest.mark.slow
GROUP = int(AGENTS_GROUP["id"])
MARTA, LI, STRANGER = 9001, 9002, 5555
AGENTS = (
    AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "ru", "pl"), True, "UTC", **ALWAYS, max_chats=60),
    AgentProfile(LI, "Li", "Payments specialist", ("zh", "en"), True, "UTC", **ALWAYS, max_chats=60),
)


async def until(condition, what: str, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    running = await start_bot(Path(tmp_path_factory.mktemp("safety")), *AGENTS)
    yield running
    await running.stop()
    running.api.stop()


async def handed_off(bot: Bot, chat_id: int, name: str = "Alex") -> int:
    bot.api.customer_sends_text(chat_id, "I want to talk to a real person, please", first_name=name)
    await bot.api.wait_for_messages(chat_id, 1)
    thread = await topic_of(bot, chat_id)
    await bot.api.wait_in_topic(thread, 1)
    return thread


def group_posts(api: FakeBotApi) -> list[float]:
    """When each topic was opened in the agents' group, in order (monotonic seconds)."""
    return [call.received_at for call in api.timeline if call.method.lower() == "createforumtopic"]


async def test_a_crisis_reply_never_waits_behind_other_handoffs_and_its_card_jumps_the_queue(tmp_path: Path) -> None:
    api = FakeBotApi(TEST_TOKEN).start()
    running = Bot(api, make_settings(tmp_path, api, CANDOR_AGENTS_CHAT_ID=str(GROUP)))  # Telegram's 20 a minute
    await register(running.settings.database_url, *AGENTS)
    await running.start()
    try:
        api.customer_sends_text(6999, "hello")  # the model's first pass is slower; not what this test measures
        await api.wait_for_messages(6999, 1)
        started = time.monotonic()
        for chat_id in range(6001, 6021):
            api.customer_sends_text(chat_id, "I want to talk to a real person, please")
        api.customer_sends_text(6100, "I can't take this anymore, I want to kill myself", first_name="Sam")
        [crisis] = await api.wait_for_messages(6100, 1, timeout=60)
        assert "112" in crisis.text, crisis.text
        await until(lambda: any(name.startswith("Sam · ") for _, _, name in api.topics), "the crisis topic", 90)
        names = [name for _, _, name in api.topics]
        crisis_at = next(i for i, name in enumerate(names) if name.startswith("Sam · "))
        assert crisis_at <= 10, f"the crisis card waited behind {crisis_at} others: {names}"
        # Not a stopwatch (a busy CI machine stretches every turn) but the order of events: the crisis text went
        # out before its own card, and that card went before the ordinary ones still queued for the group.
        opened_at = group_posts(api)[crisis_at]
        assert crisis.received_at < opened_at, (
            f"the crisis text came {crisis.received_at - started:.2f} s in, after its card ({opened_at - started:.2f} s)")
        for chat_id in range(6001, 6021):
            await api.wait_for_messages(chat_id, 1)
    finally:
        await running.stop()
        api.stop()


async def test_an_agents_message_over_telegrams_limit_reaches_the_customer_in_parts(bot: Bot) -> None:
    thread = await handed_off(bot, 7001)
    words = ("refund " * 700).strip()  # 4,899 characters: "Marta: " and the text do not fit one message
    bot.api.agent_sends_text(thread, MARTA, words)
    first, second = (await bot.api.wait_for_messages(7001, 3))[1:]
    assert first.text.startswith("Marta: refund") and len(first.text) <= 4096
    assert (first.text + " " + second.text).split() == ["Marta:", *words.split()], "nothing lost, nothing doubled"
    [note] = [m for m in await bot.api.wait_in_topic(thread, 2) if "parts" in m.text]
    assert "2 parts" in note.text
    stored = [m for m in await bot.stored(7001) if m.sender == "agent"]
    assert [m.text for m in stored] == [words], "stored once"


async def test_a_deleted_topic_is_opened_again_with_its_card_and_the_customer_is_not_cut_off(bot: Bot) -> None:
    thread = await handed_off(bot, 7002)
    bot.api.delete_topic(thread)
    bot.api.customer_sends_text(7002, "Hello? Is anybody there?")
    deadline = time.monotonic() + 60
    while (current := (await handoff_of(bot, 7002)).thread_id) == thread:
        assert time.monotonic() < deadline, "no new topic after 60 s"
        await asyncio.sleep(0.05)
    assert current is not None
    posted = await bot.api.wait_in_topic(current, 2)
    assert posted[0].text.startswith("Handoff #") and "Hello? Is anybody there?" in posted[0].text
    assert posted[1].text == "Alex (customer) wrote:\nHello? Is anybody there?"


async def test_a_customer_who_blocked_the_bot_closes_the_case_and_the_agent_is_told(bot: Bot) -> None:
    thread = await handed_off(bot, 7003, name="Olek")
    bot.api.customer_blocks_bot(7003)
    bot.api.agent_sends_text(thread, MARTA, "Hi Olek, Marta here.")
    notes = await bot.api.wait_in_topic(thread, 2)
    assert "Olek has blocked the bot" in notes[-1].text and "closed" in notes[-1].text
    handoff = await handoff_of(bot, 7003)
    assert handoff.status == "customer_gone"
    [(status,)] = await bot.query(select(Conversation.status).where(Conversation.id == handoff.conversation_id))
    assert status == "closed"
    assert not [m for m in await bot.stored(7003) if m.sender == "agent"], "nothing reached them, nothing is kept as sent"


async def test_a_stranger_in_the_group_is_told_once_not_thirty_times(bot: Bot) -> None:
    thread = await handed_off(bot, 7004)
    for _ in range(30):
        bot.api.agent_sends_text(thread, STRANGER, "/take", first_name="Eve")
    bot.api.agent_sends_text(thread, MARTA, "/take")
    await until(lambda: any("already yours" in m.text or "took this" in m.text
                            for m in bot.api.messages_in_topic(thread)), "the real agent's answer")
    strangers = [m for m in bot.api.messages_in_topic(thread) if "Only registered agents" in m.text]
    assert len(strangers) == 1


async def test_an_agents_correction_of_an_unknown_message_reaches_the_customer_marked_as_one(bot: Bot) -> None:
    thread = await handed_off(bot, 7005)
    holder = (await handoff_of(bot, 7005)).agent_user_id
    name = "Marta" if holder == MARTA else "Li"
    assert holder is not None
    bot.api.agent_sends_text(thread, holder, "Your refund left us on Monday.", first_name=name)
    await bot.api.wait_for_messages(7005, 2)
    bot.api.agent_edits_text(thread, holder, 1, "Your refund left us on Tuesday.", first_name=name)
    [*_, corrected] = await bot.api.wait_for_messages(7005, 3)
    assert corrected.text == f"{name} corrected an earlier message: Your refund left us on Tuesday."


async def test_an_agent_action_that_fails_is_answered_in_its_topic_not_in_general(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread = await handed_off(bot, 7006)

    async def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("the desk broke")

    monkeypatch.setattr(AgentCommands, "run", broken)
    bot.api.agent_sends_text(thread, MARTA, "/resolve")
    [*_, note] = await bot.api.wait_in_topic(thread, 2)
    assert note.text.startswith("That did not work")
    general = [m for m in bot.api.sent if m.chat_id == GROUP and m.params.get("message_thread_id") is None
               and not m.text.startswith("Desk board")]
    assert general == [], "nothing in the group's General topic but the desk board"


async def test_a_customers_words_in_the_topic_cannot_pass_for_the_card_or_a_command(bot: Bot) -> None:
    thread = await handed_off(bot, 7007, name="Agent: Marta")
    text = "Agent: Marta — refund approved by manager, send card number\n/resolve"
    bot.api.customer_sends_text(7007, text, first_name="Agent: Marta")
    relayed: SentMessage = (await bot.api.wait_in_topic(thread, 2))[-1]
    assert relayed.text == f"Agent: Marta (customer) wrote:\n{text}"
    kinds = {entity["type"]: entity for entity in relayed.params["entities"]}
    header = len("Agent: Marta (customer) wrote:\n")
    assert (kinds["blockquote"]["offset"], kinds["blockquote"]["length"]) == (header, len(text))
    assert kinds["code"]["offset"] == header + text.index("/resolve"), "the command is not tappable"
