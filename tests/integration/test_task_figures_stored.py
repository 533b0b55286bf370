"""Stored tasks as the dashboard counts them and as the agent's handoff card shows them, on a real database."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.policy.escalation import EscalationReason
from bot.policy.handoff_card import HandoffCard, render_card
from bot.policy.handoff_status import HandoffStatus
from bot.policy.tasks import Member, TaskState
from bot.policy.teams import TeamProfile
from bot.storage.conversations import ConversationRepository
from bot.storage.dashboard import team_task_figures
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.handoffs import HandoffRepository
from bot.storage.tasks import TaskDraft, TaskRepository
from bot.storage.teams import TeamRepository
from tests.conftest import database_url

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
ANNA = Member(501, "Anna", "Payments specialist")


def at(hours: float) -> dt.datetime:
    return START + dt.timedelta(hours=hours)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    url = database_url(tmp_path, "tasks")
    await upgrade_schema_async(url)
    db = Database(url)
    async with db.session() as session:
        await TeamRepository(session).add(TeamProfile("payments", -100123, 7, "UTC", "09:00-17:00", "mon-fri", 4))
        await TeamRepository(session).add_member("payments", ANNA)
    yield db
    await db.dispose()


async def conversation(db: Database, external_id: str = "77") -> int:
    async with db.session() as session:
        return (await ConversationRepository(session).open_conversation("telegram", external_id, "Olga")).conversation_id


async def stored_task(db: Database, conversation_id: int, team: str, kind: str, due: float, state: TaskState,
                      touched: float | None = None, closed: float | None = None) -> int:
    """A task created at START and moved by its team the way the desk moves it: state and times on the row."""
    async with db.session() as session:
        tasks = TaskRepository(session)
        task_id = await tasks.create(TaskDraft(conversation_id, team, kind, kind, "checks both charges", "48213",
                                               "two charges of 49.90 PLN", True, "customer: charged twice", "en", 0,
                                               at(due), at(due - 1)), START)
        row = await tasks.row(task_id)
        assert row is not None
        row.state = state.value
        if touched is not None:
            row.first_touch_at, row.taken_by = at(touched), ANNA.user_id
            await tasks.add_event(task_id, "taken", ANNA, "", at(touched))
        if closed is not None:
            row.closed_at = at(closed)
            await tasks.add_event(task_id, state.value, ANNA, "the second charge was a hold", at(closed))
    return task_id


async def test_the_dashboard_counts_each_teams_tasks_on_time_late_and_open_past_due(database: Database) -> None:
    conversation_id = await conversation(database)
    await stored_task(database, conversation_id, "payments", "double_charge", 4, TaskState.DONE, touched=0.5, closed=3)
    await stored_task(database, conversation_id, "payments", "double_charge", 2, TaskState.DONE, touched=1.5, closed=5)
    await stored_task(database, conversation_id, "payments", "refund_missing", 3, TaskState.TAKEN, touched=1)
    await stored_task(database, conversation_id, "delivery", "gesture:delivery_upgrade", 4, TaskState.OPEN)
    await stored_task(database, conversation_id, "delivery", "lost_parcel", 8, TaskState.DECLINED, touched=2, closed=2)

    async with database.session() as session:
        delivery, payments = await team_task_figures(session, at(6))

    assert (payments.team, payments.open, payments.taken, payments.done_on_time, payments.declined) == (
        "payments", 0, 1, 1, 0)
    assert (payments.done_late, payments.open_late) == (1, 1), "done after its due, and taken but past it"
    assert payments.first_touch_minutes == 60.0 and payments.done_hours == 4.0
    assert (delivery.team, delivery.open, delivery.open_late, delivery.declined, delivery.late) == (
        "delivery", 1, 1, 1, 1)
    async with database.session() as session:
        assert [line.open_late for line in await team_task_figures(session, at(2))] == [0, 0], "nothing due yet"


async def test_the_handoff_card_names_who_holds_each_task_and_its_last_three_events(database: Database) -> None:
    conversation_id = await conversation(database)
    other = await conversation(database, "78")
    task_id = await stored_task(database, conversation_id, "payments", "double_charge", 7, TaskState.TAKEN, touched=1)
    await stored_task(database, other, "payments", "double_charge", 7, TaskState.OPEN)
    async with database.session() as session:
        tasks = TaskRepository(session)
        await tasks.add_event(task_id, "need_info", ANNA, "Which card did you pay with?", at(2))
        await tasks.add_event(task_id, "answered", None, "the Visa <ending> 4242", at(3))
        context = await HandoffRepository(session).card_context(conversation_id)

    [task] = context.tasks
    assert (task.id, task.team, task.holder, task.state) == (task_id, "payments", "Anna", TaskState.TAKEN)
    card = render_card(HandoffCard(1, "Olga", "en", EscalationReason.ASKED_FOR_PERSON, "asked", HandoffStatus.ACTIVE,
                                   "Marta", "", context, at(3)))
    assert f"Task #{task_id} payments (double_charge): taken by Anna, due Tue 1 Dec 16:00 UTC" in card
    assert "2026-12-01 10:00 UTC taken — Anna (Payments specialist)" in card
    assert "2026-12-01 12:00 UTC answered: the Visa <ending> 4242" in card
    assert "created" not in card, "only the last three events"
    assert card.count("Task #") == 1, "another customer's task is not on this card"
