"""Commitments that people keep, end to end: the real PTB client against the fake Bot API, a customer in a
private chat and the payments team in its own group, tapping the buttons on task cards."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.policy.assignment import AgentProfile
from bot.policy.tasks import Member
from bot.policy.teams import TeamProfile
from bot.storage.agents import AgentRepository
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.models import Conversation, Customer, Task, TaskEvent
from bot.storage.teams import TeamRepository
from bot.testing.fake_bot_api import AGENTS_GROUP, FakeBotApi, SentMessage
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot

pytestmark = pytest.mark.slow
PAYMENTS = -100888
ANNA, TOMASZ, LEAD, STRANGER, MARTA = 7001, 7002, 7003, 7999, 7100
ALWAYS = {"work_hours": "00:00-24:00", "work_days": "mon-sun"}


async def add_teams(url: str) -> None:
    await upgrade_schema_async(url)
    database = Database(url)
    try:
        async with database.session() as session:
            teams = TeamRepository(session)
            await teams.add(TeamProfile("payments", PAYMENTS, None, "UTC", ALWAYS["work_hours"], ALWAYS["work_days"],
                                        4.0, LEAD))
            await teams.add_member("payments", Member(ANNA, "Anna", "Payments specialist"))
            await teams.add_member("payments", Member(TOMASZ, "Tomasz", "Payments specialist"))
            await teams.add_member("payments", Member(LEAD, "Ola", "Payments lead"))
            await AgentRepository(session).add(AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "ru"),
                                                            True, "UTC", **ALWAYS, max_chats=20))
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    api = FakeBotApi(TEST_TOKEN).start()
    running = Bot(api, make_settings(Path(tmp_path_factory.mktemp("tasks")), api,
                                     CANDOR_AGENTS_CHAT_ID=str(AGENTS_GROUP["id"]),
                                     CANDOR_GROUP_MESSAGES_PER_MINUTE="600", CANDOR_TASK_WATCH_SECONDS="1"))
    await add_teams(running.settings.database_url)
    await running.start()
    yield running
    await running.stop()
    api.stop()


async def task_of(bot: Bot, chat_id: int) -> Task:
    rows = await bot.query(
        select(Task).join(Conversation, Conversation.id == Task.conversation_id)
        .join(Customer, Customer.id == Conversation.customer_id).where(Customer.external_id == str(chat_id))
        .order_by(Task.id.desc()).limit(1))
    assert rows, f"no task for chat {chat_id}"
    return rows[0][0]


async def card_of(bot: Bot, task_id: int, timeout: float = 60.0) -> SentMessage:
    """The task's card in the payments group, once it is posted (after the customer's reply)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        cards = [m for m in bot.api.messages_to(PAYMENTS) if m.text.startswith(f"Task #{task_id} ")]
        if cards:
            assert len(cards) == 1, [c.text for c in cards]
            return cards[0]
        assert loop.time() < deadline, f"no card for task {task_id}: {[m.text for m in bot.api.messages_to(PAYMENTS)]}"
        await asyncio.sleep(0.05)


def labels(card: SentMessage) -> list[tuple[str, str]]:
    markup: dict[str, Any] = card.params.get("reply_markup") or {}
    return [(button["text"], button["callback_data"]) for row in markup.get("inline_keyboard", []) for button in row]


def data_for(card: SentMessage, word: str) -> str:
    return next(data for label, data in labels(card) if label.startswith(word))


async def until(check: Any, what: str, timeout: float = 60.0) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (found := await check()):
        assert loop.time() < deadline, f"{what} did not happen within {timeout} s"
        await asyncio.sleep(0.05)
    return found


async def events_of(bot: Bot, task_id: int) -> list[TaskEvent]:
    return [row[0] for row in await bot.query(select(TaskEvent).where(TaskEvent.task_id == task_id)
                                              .order_by(TaskEvent.id))]


async def double_charge(bot: Bot, chat_id: int, text: str) -> tuple[Task, SentMessage]:
    bot.api.customer_sends_text(chat_id, text)
    await bot.api.wait_for_messages(chat_id, 1)
    task = await task_of(bot, chat_id)
    assert (task.team_name, task.kind, task.order_ref, task.state) == ("payments", "double_charge", "48213", "open")
    return task, await card_of(bot, task.id)


async def test_a_double_charge_becomes_a_payments_task_that_anna_takes_and_closes_and_the_customer_hears_by_name(
        bot: Bot) -> None:
    task, card = await double_charge(bot, 6101, "I was charged twice for order #48213")
    [reply] = bot.api.messages_to(6101)
    due = task.due_at if task.due_at.tzinfo else task.due_at.replace(tzinfo=dt.UTC)
    assert due.strftime("%H:%M") in reply.text, "the customer is promised the task's own due time"
    assert "#48213" in card.text and "I was charged twice" in card.text, card.text
    words = " ".join(label for label, _ in labels(card))
    for word in ("Take", "More time", "Need info", "Done", "Decline"):
        assert word in words, (word, words)

    tap = bot.api.member_taps(PAYMENTS, card.message_id, ANNA, data_for(card, "Take"))
    assert "took" in await bot.api.wait_for_answer(tap)
    [_, taken] = await bot.api.wait_for_messages(6101, 2)
    assert "Anna" in taken.text and "picked it up" in taken.text, taken.text
    await until(lambda: _edited_to(bot, card, "Anna has it"), "the card showing Anna has it")

    tap = bot.api.member_taps(PAYMENTS, card.message_id, ANNA, data_for(card, "Done"))
    await bot.api.wait_for_answer(tap)
    await until(lambda: _said_in_group(bot, "Anna, write the one-line note"), "the prompt for Anna's note")
    bot.api.member_sends_text(PAYMENTS, ANNA, "The second charge was a hold; your bank releases it by Thursday.")
    [*_, done] = await bot.api.wait_for_messages(6101, 3)
    assert done.text.startswith("Anna from our payments team has finished"), done.text
    assert "your bank releases it by Thursday" in done.text
    closed = await task_of(bot, 6101)
    assert (closed.state, closed.outcome) == ("done", "The second charge was a hold; your bank releases it by Thursday.")
    kinds = [(event.kind, event.actor_name, event.actor_role) for event in await events_of(bot, task.id)]
    assert ("taken", "Anna", "Payments specialist") in kinds and ("done", "Anna", "Payments specialist") in kinds
    await until(lambda: _edited_to(bot, card, "Done by Anna"), "the card showing it done, without buttons")
    assert not labels(card), "a closed task's card has no buttons left"


async def test_a_russian_customer_hears_who_took_the_task_in_russian(bot: Bot) -> None:
    _, card = await double_charge(bot, 6102, "С меня дважды списали деньги за заказ #48213")
    bot.api.member_taps(PAYMENTS, card.message_id, TOMASZ, data_for(card, "Take"))
    [_, taken] = await bot.api.wait_for_messages(6102, 2)
    assert "Tomasz" in taken.text, taken.text
    assert any("\u0400" <= ch <= "\u04ff" for ch in taken.text), taken.text


async def test_a_strangers_tap_changes_nothing(bot: Bot) -> None:
    task, card = await double_charge(bot, 6103, "I was charged twice for order #48213, please check")
    tap = bot.api.member_taps(PAYMENTS, card.message_id, STRANGER, data_for(card, "Done"), first_name="Eve")
    assert "Only members of the payments team" in await bot.api.wait_for_answer(tap)
    forged = bot.api.member_taps(PAYMENTS, card.message_id, ANNA, f"task:{task.id}:drop")
    assert "not one of ours" in await bot.api.wait_for_answer(forged)
    unchanged = await task_of(bot, 6103)
    assert (unchanged.state, unchanged.pending_action, unchanged.taken_by) == ("open", None, None)
    assert [event.kind for event in await events_of(bot, task.id)] == ["created"]
    assert len(bot.api.messages_to(6103)) == 1, "the customer heard nothing about a tap that changed nothing"


async def test_a_customers_tap_without_data_is_still_answered_as_a_customers_button(bot: Bot) -> None:
    """Regression: PTB let a tap with empty data past the task cards' pattern, and the customer heard nothing."""
    bot.api.customer_presses_button(6110, "")
    [reply] = await bot.api.wait_for_messages(6110, 1)
    assert "That button no longer does anything" in reply.text
    assert "not one of ours" not in bot.api.callback_texts.get("cb6110", "")


async def test_need_info_asks_the_customer_and_posts_the_answer_back(bot: Bot) -> None:
    task, card = await double_charge(bot, 6104, "You took my money twice for order #48213")
    bot.api.member_taps(PAYMENTS, card.message_id, ANNA, data_for(card, "Need info"))
    await until(lambda: _said_in_group(bot, "Anna, write the question"), "the prompt for Anna's question")
    bot.api.member_sends_text(PAYMENTS, ANNA, "Which card did you pay with (the last four digits)?")
    [_, asked] = await bot.api.wait_for_messages(6104, 2)
    assert "Anna" in asked.text and "Which card did you pay with" in asked.text, asked.text
    assert (await task_of(bot, 6104)).state == "waiting"
    bot.api.customer_sends_text(6104, "It was the Visa ending 4242")
    [*_, thanked] = await bot.api.wait_for_messages(6104, 3)
    assert "passed that to Anna" in thanked.text, thanked.text
    answer = await until(lambda: _said_in_group(bot, f"The customer answered Anna's question on task #{task.id}"),
                         "the answer in the team's chat")
    assert answer.text.endswith("It was the Visa ending 4242")
    assert (await task_of(bot, 6104)).state == "taken"


async def test_an_untouched_task_alerts_the_lead_halfway_and_the_customer_hears_before_the_deadline(bot: Bot) -> None:
    task, _ = await double_charge(bot, 6105, "I was charged twice for order #48213!")
    now = dt.datetime.now(dt.UTC)
    await bot.execute(update(Task).where(Task.id == task.id).values(
        created_at=now - dt.timedelta(hours=3), due_at=now + dt.timedelta(minutes=50),
        warn_at=now - dt.timedelta(seconds=1)))
    alert = await until(lambda: _said_in_group(bot, f"Ola: nobody has touched task #{task.id}"), "the lead's alert")
    entities = alert.params.get("entities") or []
    assert any(entity.get("type") == "text_mention" and entity["user"]["id"] == LEAD for entity in entities), alert.params
    [_, told] = await bot.api.wait_for_messages(6105, 2)
    assert "nobody from our payments team has picked it up yet" in told.text and "New time" in told.text, told.text
    late = await task_of(bot, 6105)
    assert late.late_count == 1 and late.state == "open"
    assert (late.due_at if late.due_at.tzinfo else late.due_at.replace(tzinfo=dt.UTC)) > now + dt.timedelta(hours=1)
    await until(lambda: _said_in_group(bot, f"Task #{task.id} runs late: the customer was told first"),
                "the team hearing the customer was told")


async def test_more_time_tells_the_customer_first_with_the_teams_new_time(bot: Bot) -> None:
    task, card = await double_charge(bot, 6106, "Charged two times for order #48213")
    bot.api.member_taps(PAYMENTS, card.message_id, ANNA, data_for(card, "More time +4"))
    [_, moved] = await bot.api.wait_for_messages(6106, 2)
    later = await task_of(bot, 6106)
    new_due = later.due_at if later.due_at.tzinfo else later.due_at.replace(tzinfo=dt.UTC)
    assert "Anna" in moved.text and "needs more time" in moved.text and new_due.strftime("%H:%M") in moved.text
    assert new_due >= (task.due_at if task.due_at.tzinfo else task.due_at.replace(tzinfo=dt.UTC)) + dt.timedelta(hours=4)


async def test_a_declined_task_goes_to_a_person_who_is_named_to_the_customer(bot: Bot) -> None:
    _, card = await double_charge(bot, 6107, "I've been charged twice for order #48213")
    bot.api.member_taps(PAYMENTS, card.message_id, ANNA, data_for(card, "Decline"))
    await until(lambda: _said_in_group(bot, "Anna, write why"), "the prompt for Anna's reason")
    bot.api.member_sends_text(PAYMENTS, ANNA, "Paid with a gift card: only support can reverse it")
    [_, declined] = await bot.api.wait_for_messages(6107, 2)
    assert "Anna from our payments team couldn't do this" in declined.text and "Marta" in declined.text, declined.text
    assert "gift card" not in declined.text, "the reason goes to the person, not to the customer"
    closed = await task_of(bot, 6107)
    assert closed.state == "declined" and closed.handoff_id is not None
    handoff_card = await until(lambda: _said_in_agents_group(bot, "Paid with a gift card"), "the reason on the handoff card")
    assert "a team declined the task" in handoff_card.text


async def test_a_task_late_twice_goes_to_a_person_who_tells_the_customer_by_name(bot: Bot) -> None:
    task, card = await double_charge(bot, 6108, "Double charge on order #48213, again")
    bot.api.member_taps(PAYMENTS, card.message_id, TOMASZ, data_for(card, "Take"))
    await bot.api.wait_for_messages(6108, 2)
    for count in (1, 2):
        await bot.execute(update(Task).where(Task.id == task.id).values(
            warn_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        told = (await bot.api.wait_for_messages(6108, 2 + count))[-1]
        assert "Tomasz from our payments team is on it, but it isn't finished" in told.text, told.text
    assert "Marta" in told.text, "the second time, a person takes over and is named"
    assert (await task_of(bot, 6108)).late_count == 2


async def test_forget_wipes_the_customers_words_from_their_task_card(bot: Bot) -> None:
    task, card = await double_charge(bot, 6109, "I was charged twice for order #48213, my card ends 1234")
    bot.api.customer_sends_text(6109, "/forget")
    await bot.api.wait_for_messages(6109, 2)
    bot.api.customer_presses_button(6109, "forget:confirm")
    await bot.api.wait_for_messages(6109, 3)
    await until(lambda: _edited_to(bot, card, "erased their data"), "the card wiped")
    assert "1234" not in card.text and not labels(card)
    assert not await bot.query(select(Task).where(Task.id == task.id))


async def _said_in_agents_group(bot: Bot, words: str) -> SentMessage | None:
    return next((m for m in bot.api.messages_to(int(AGENTS_GROUP["id"])) if words in m.text), None)


async def _edited_to(bot: Bot, card: SentMessage, words: str) -> bool:
    return words in card.text


async def _said_in_group(bot: Bot, words: str) -> SentMessage | None:
    return next((m for m in bot.api.messages_to(PAYMENTS) if words in m.text), None)
