"""Turns through the service on a real SQLite database (keyword scores: no model needed)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.policy.escalation import EscalationRules
from bot.policy.language import choose_language
from bot.policy.model import CustomerTurn, Move, Reply, TurnKind
from bot.policy.tasks import TaskState
from bot.service.customer import CustomerRef
from bot.service.support import SupportService
from bot.storage.conversations import ConversationRepository, StoredMessage
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.models import Handoff, utc_now
from bot.storage.privacy import PrivacyRepository
from bot.storage.promises import PromiseRepository
from bot.storage.tasks import TaskRepository, TaskView
from bot.storage.trainers import TrainerRepository
from bot.testing.collecting_output import CollectingOutput
from knowledge import load_pack
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer
from nlu.types import Analysis, EmotionScores
from tests.conftest import database_url

CUSTOMER = CustomerRef("telegram", "501", "Olga")
START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@dataclass
class Harness:
    service: SupportService
    database: Database
    now: list[dt.datetime] = field(default_factory=lambda: [START])
    scheduled: list[tuple[int, dt.datetime]] = field(default_factory=list)
    output: CollectingOutput = field(default_factory=CollectingOutput)

    async def say(self, text: str, customer: CustomerRef = CUSTOMER) -> Reply:
        return await self.service.handle(customer, CustomerTurn(TurnKind.TEXT, text=text))

    async def tap(self, data: str, customer: CustomerRef = CUSTOMER) -> Reply:
        return await self.service.handle(customer, CustomerTurn(TurnKind.BUTTON), button_data=data)

    async def send(self, channel: str, external_id: str, reply: Reply) -> None:
        """How the service reaches a customer outside their turn (the task watch)."""
        await self.output.to_customer(CustomerRef(channel, external_id), reply)

    async def tasks(self) -> list[TaskView]:
        async with self.database.session() as session:
            return await TaskRepository(session).listing(include_closed=True)

    async def stored(self, customer: CustomerRef = CUSTOMER) -> list[StoredMessage]:
        async with self.database.session() as session:
            return await ConversationRepository(session).messages_of(customer.channel, customer.external_id)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    url = database_url(tmp_path, 'c')
    await upgrade_schema_async(url)
    database, analyzer, pack = Database(url), EmotionAnalyzer(None), load_pack()
    clock: list[dt.datetime] = [START]
    # Keyword scores stand in for the model here, and without the model a person is offered one
    # try sooner; one try more in the rules keeps the usual two tries these tests are about.
    rules = EscalationRules(tries=3)
    service = SupportService(database, analyzer, pack, TopicIndex.build(pack, None), now=lambda: clock[0], rules=rules)
    harness = Harness(service, database, clock)
    service.attach_scheduler(lambda promise_id, at: harness.scheduled.append((promise_id, at)))
    yield harness
    await analyzer.close()
    await database.dispose()


async def test_signals_of_each_customer_message_are_stored(harness: Harness) -> None:
    await harness.say("Where is my refund for order 12345?")
    await harness.say("This is urgent, I want a real person")
    await harness.say("where is my refund for order 12345??")
    customer = [m for m in await harness.stored() if m.sender == "customer"]
    assert [m.signals for m in customer] == [(), ("asks_for_human", "urgent"), ("repeated_question",)]


async def test_replies_are_delivered_in_the_order_messages_arrived(harness: Harness) -> None:
    deliver = harness.output.to(CUSTOMER)
    await asyncio.gather(
        harness.service.handle(CUSTOMER, CustomerTurn(TurnKind.COMMAND, text="/help", command="help"), deliver=deliver),
        harness.service.handle(CUSTOMER, CustomerTurn(TurnKind.TEXT, text="I was charged twice for order #48213"), deliver=deliver),
        harness.service.handle(CUSTOMER, CustomerTurn(TurnKind.NON_TEXT, content_type="sticker"), deliver=deliver),
    )
    assert [reply.move.value for reply in harness.output.replies_to(CUSTOMER)] == ["help", "answer", "ask_for_text"]


async def test_a_promised_time_is_stored_as_a_task_and_followed_up_honestly_before_it_passes(harness: Harness) -> None:
    reply = await harness.say("Where is my refund for order #48213? I returned the item two weeks ago")
    assert reply.move is Move.ANSWER and "10:00" in reply.text
    assert harness.scheduled == [], "the task's watch follows it up, not the promise's own check"
    [task] = await harness.tasks()
    assert (task.team_name, task.kind, task.state) == ("payments", "refund", TaskState.OPEN)
    assert START < task.warn_at < task.due_at == dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)

    harness.now[0] = task.warn_at
    await harness.service.watch_tasks(harness.send)
    [(customer, update)] = harness.output.sent
    assert customer.external_id == CUSTOMER.external_id and update.move is Move.PROMISE_UPDATE
    assert "nobody from our payments team has picked it up yet" in update.text, update.text
    assert "by 10:00 UTC on Tue 24 Nov" in update.text and "New time: by 18:00 UTC on Tue 24 Nov" in update.text
    await harness.service.watch_tasks(harness.send)
    assert len(harness.output.sent) == 1, "told once, not at every look"
    async with harness.database.session() as session:
        [promise] = await PromiseRepository(session).of_conversation(1)
    assert (promise.status, promise.updates) == ("open", 1)
    assert [m.move for m in await harness.stored() if m.sender == "bot"][-1] == "promise_update"


async def test_a_kept_promise_is_not_followed_up(harness: Harness) -> None:
    await harness.say("I was charged twice for order #48213")
    [task] = await harness.tasks()
    async with harness.database.session() as session:
        assert task.promise_id is not None and await PromiseRepository(session).keep(task.promise_id)
    harness.now[0] = task.warn_at
    await harness.service.watch_tasks(harness.send)
    assert harness.output.sent == []


async def test_asking_again_gives_the_same_time_and_no_second_promise(harness: Harness) -> None:
    first = await harness.say("Where is my refund for order #48213?")
    harness.now[0] = START + dt.timedelta(hours=2)
    second = await harness.say("Any news on my refund?")
    assert len(await harness.tasks()) == 1
    assert "by 10:00 UTC on Tue 24 Nov" in first.text and "by 10:00 UTC on Tue 24 Nov" in second.text


async def test_gesture_is_recorded_with_the_conversation(harness: Harness) -> None:
    reply = await harness.say("I was charged twice for order #48213 and I'm really worried and scared about my money")
    assert "This one is on us" in reply.text
    async with harness.database.session() as session:
        [(kind, reason)] = await ConversationRepository(session).gestures_of(1)
    assert kind == "priority" and "anxiety" in reason


async def test_solved_closes_asks_for_an_optional_rating_and_stores_it_once(harness: Harness) -> None:
    await harness.say("Where is my refund for order #48213?")
    closing = await harness.say("Thanks, that solved it!")
    assert closing.move is Move.CLOSE and "your refund is sorted" in closing.text
    assert [b.data for b in closing.buttons] == [f"rate:1:{n}" for n in range(1, 6)]
    thanks = await harness.tap("rate:1:4")
    assert thanks.move is Move.THANK_FOR_RATING and "4" in thanks.text
    again = await harness.tap("rate:1:1")
    assert "already" in again.text
    async with harness.database.session() as session:
        assert await ConversationRepository(session).satisfaction_of(1) == 4
        [promise] = await PromiseRepository(session).of_conversation(1)
    assert promise.status == "resolved"
    after = await harness.say("Where is my order?")
    assert after.move is Move.ANSWER


async def test_a_second_rating_tap_is_answered_in_the_customers_language(harness: Harness) -> None:
    await harness.say("Где мой возврат денег?")
    closing = await harness.say("Спасибо, помогло!")
    assert closing.move is Move.CLOSE
    await harness.tap("rate:1:5")
    again = await harness.tap("rate:1:2")
    assert again.text == load_pack().wording_for("ru").closing.rating_already


async def test_forged_rating_for_someone_elses_conversation_changes_nothing(harness: Harness) -> None:
    await harness.say("Where is my refund for order #48213?")
    await harness.say("Thanks, that solved it!")
    intruder = CustomerRef("telegram", "666", "Mallory")
    reply = await harness.tap("rate:1:1", customer=intruder)
    assert reply.move is Move.STALE_BUTTON
    forged = await harness.tap("rate:1:9")
    assert forged.move is Move.STALE_BUTTON
    async with harness.database.session() as session:
        assert await ConversationRepository(session).satisfaction_of(1) is None


def _analysis(language: str) -> Analysis:
    return Analysis(language=language, scores=EmotionScores())


@pytest.mark.parametrize(
    ("current", "language", "text", "expected"),
    [
        ("pl", "en", "ok thanks", "pl"),
        ("pl", "en", "Where is my order? It was due Monday", "en"),
        ("en", "pl", "Dzień dobry", "pl"),
        ("en", "ru", "Где заказ?", "ru"),
        ("ru", "zh", "谢谢", "zh"),
        ("en", "fr", "Bonjour, où est ma commande ?", "en"),
        # An email given as the answer to "which email is on the order?" is in no language.
        ("ru", "en", "dmitry.kuznetsov@example.org", "ru"),
        ("zh", "en", "wang.fang@example.com", "zh"),
        ("ru", "en", "my email is maria.ivanova@example.net", "en"),
    ],
)
def test_conversation_language_is_stable_unless_the_customer_clearly_switches(
    current: str, language: str, text: str, expected: str
) -> None:
    assert choose_language(current, _analysis(language), text) == expected


async def test_a_promise_missed_twice_goes_to_a_person_and_the_customer_is_told(harness: Harness) -> None:
    await harness.say("Where is my refund for order #48213? I returned the item two weeks ago")
    for _ in range(2):
        [task] = await harness.tasks()
        harness.now[0] = task.warn_at
        await harness.service.watch_tasks(harness.send)

    [(_, first), (_, second)] = harness.output.sent
    assert "email support@example.shop" not in first.text, "the first late check only gives a new time"
    assert "won't be ready" in second.text and "support@example.shop" in second.text
    async with harness.database.session() as session:
        [handoff] = (await session.scalars(select(Handoff))).all()
    assert handoff.reason == "missed_promise" and "a firm date for your refund" in handoff.detail


async def test_each_reply_is_stored_with_why_the_policy_chose_it(harness: Harness) -> None:
    await harness.say("Where is my refund for order #48213? I returned the item two weeks ago")
    async with harness.database.session() as session:
        [_, reply] = await TrainerRepository(session).transcript(1)
    assert reply.move == "answer" and "answered from topic refund (confidence" in reply.why
    assert reply.why.startswith("case refund: order_ref;"), "the case the reply was decided on, without its values"
    assert "promised a time" in reply.why


async def test_a_customer_sees_what_is_kept_and_can_delete_it_with_one_confirming_tap(harness: Harness) -> None:
    other = CustomerRef("telegram", "502", "Piotr")
    await harness.say("Where is my refund for order #48213? I returned the item two weeks ago")
    await harness.say("Gdzie jest moja paczka?", customer=other)

    shown = await harness.service.handle(CUSTOMER, CustomerTurn(TurnKind.COMMAND, text="/mydata", command="mydata"))
    assert shown is not None and "Name: Olga" in shown.text and "messages: 2" in shown.text
    assert "customer: Where is my refund for order #48213?" in shown.text, shown.text

    asked = await harness.service.handle(CUSTOMER, CustomerTurn(TurnKind.COMMAND, text="/forget", command="forget"))
    assert asked is not None and "can't be undone" in asked.text and asked.buttons[0].data == "forget:confirm"
    done = await harness.tap("forget:confirm")
    assert "deleted everything" in done.text and "(2 messages)" in done.text
    assert await harness.stored() == []
    assert len(await harness.stored(other)) == 2, "a tap only ever erases the data of whoever taps"
    again = await harness.service.handle(CUSTOMER, CustomerTurn(TurnKind.COMMAND, text="/mydata", command="mydata"))
    assert again is not None and again.text == "I don't keep anything about you yet."


async def test_old_conversations_are_purged_by_the_retention_setting(harness: Harness) -> None:
    await harness.say("Where is my refund for order #48213?")
    stored_at = utc_now()  # replies are stamped with the wall clock, not the harness's
    async with harness.database.session() as session:
        assert (await PrivacyRepository(session).purge_before(stored_at - dt.timedelta(days=30))).messages == 0
        assert (await PrivacyRepository(session).purge_before(stored_at + dt.timedelta(minutes=5))).messages == 2
    assert await harness.stored() == []
