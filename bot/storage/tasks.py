"""Repository for tasks: the bot's commitments as work a team receives, and what happened to each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.tasks import Member, TaskEventKind, TaskState
from bot.storage.models import Conversation, Customer, Task, TaskEvent, as_utc

OPEN_STATES = (TaskState.OPEN.value, TaskState.TAKEN.value, TaskState.WAITING.value)


@dataclass(frozen=True)
class TaskDraft:
    """A task to create, decided in the customer's turn and stored in the same transaction as the reply."""

    conversation_id: int
    team_name: str
    kind: str
    topic_id: str
    promised: str
    order_ref: str | None
    facts: str
    verified: bool
    transcript: str
    language: str
    priority: int
    due_at: dt.datetime
    warn_at: dt.datetime
    promise_id: int | None = None


@dataclass(frozen=True)
class TaskView:
    id: int
    conversation_id: int
    channel: str
    external_id: str
    customer_name: str
    team_name: str
    kind: str
    topic_id: str
    promised: str
    order_ref: str | None
    facts: str
    verified: bool
    transcript: str
    language: str
    priority: int
    state: TaskState
    created_at: dt.datetime
    original_due_at: dt.datetime
    due_at: dt.datetime
    warn_at: dt.datetime
    late_count: int
    taken_by: int | None
    first_touch_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str
    lead_alerted_at: dt.datetime | None
    card_chat_id: int | None
    card_message_id: int | None
    pending_action: str | None
    pending_by: int | None
    question: str
    promise_id: int | None
    handoff_id: int | None
    conversation_open: bool = True
    """False once the customer said the case is solved (or let it go): no more "running late" messages."""


@dataclass(frozen=True)
class TaskEventView:
    task_id: int
    at: dt.datetime
    kind: str
    actor_name: str
    actor_role: str
    detail: str
    due_at: dt.datetime | None

    def line(self) -> str:
        """"14:02 taken — Anna (Payments specialist)" for cards, transcripts and the CLI."""
        who = f" — {self.actor_name}" + (f" ({self.actor_role})" if self.actor_role else "") if self.actor_name else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.at:%Y-%m-%d %H:%M} UTC {self.kind}{who}{detail}"


def last_actor(events: list[TaskEventView]) -> TaskEventView | None:
    """The latest event a person made (took it, asked, gave more time…): who has the task, and who asked."""
    return next((event for event in reversed(events) if event.actor_name), None)


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, draft: TaskDraft, now: dt.datetime) -> int:
        task = Task(
            conversation_id=draft.conversation_id, promise_id=draft.promise_id, team_name=draft.team_name,
            kind=draft.kind, topic_id=draft.topic_id, promised=draft.promised, order_ref=draft.order_ref,
            facts=draft.facts, verified=draft.verified, transcript=draft.transcript, language=draft.language,
            priority=draft.priority, state=TaskState.OPEN.value, created_at=now, original_due_at=draft.due_at,
            due_at=draft.due_at, warn_at=draft.warn_at, outcome="", question="",
        )
        self._session.add(task)
        await self._session.flush()
        await self.add_event(task.id, TaskEventKind.CREATED, None, f"due {draft.due_at:%Y-%m-%d %H:%M} UTC", now, draft.due_at)
        return task.id

    async def add_event(self, task_id: int, kind: str, actor: Member | None, detail: str, at: dt.datetime,
                        due_at: dt.datetime | None = None) -> None:
        self._session.add(TaskEvent(
            task_id=task_id, at=at, kind=kind, actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else "", actor_role=actor.role if actor else "", detail=detail,
            due_at=due_at,
        ))
        await self._session.flush()

    async def row(self, task_id: int) -> Task | None:
        """The task to change, in this transaction."""
        return await self._session.get(Task, task_id)

    async def get(self, task_id: int) -> TaskView | None:
        rows = await self._views(Task.id == task_id)
        return rows[0] if rows else None

    async def events(self, task_id: int) -> list[TaskEventView]:
        rows = await self._session.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id)
                                           .order_by(TaskEvent.at, TaskEvent.id))
        return [_event(row) for row in rows]

    async def events_of_conversation(self, conversation_id: int) -> dict[int, list[TaskEventView]]:
        rows = await self._session.scalars(
            select(TaskEvent).join(Task, TaskEvent.task_id == Task.id)
            .where(Task.conversation_id == conversation_id).order_by(TaskEvent.at, TaskEvent.id))
        found: dict[int, list[TaskEventView]] = {}
        for row in rows:
            found.setdefault(row.task_id, []).append(_event(row))
        return found

    async def of_conversation(self, conversation_id: int) -> list[TaskView]:
        return await self._views(Task.conversation_id == conversation_id)

    async def without_card(self, team_names: list[str]) -> list[int]:
        """Open tasks of these teams whose card is not posted yet (a stopped worker's, or a failed post)."""
        if not team_names:
            return []
        rows = await self._session.scalars(
            select(Task.id).where(Task.card_message_id.is_(None), Task.team_name.in_(team_names),
                                  Task.state.in_(OPEN_STATES)).order_by(Task.priority.desc(), Task.id))
        return list(rows)

    async def pending_words(self, user_id: int, team_names: list[str]) -> TaskView | None:
        """The task whose Done, Decline or Need info this member tapped last and has not written for yet."""
        if not team_names:
            return None
        rows = await self._views(Task.pending_by == user_id, Task.team_name.in_(team_names),
                                 Task.pending_action.is_not(None), Task.state.in_(OPEN_STATES))
        return max(rows, key=lambda view: view.id) if rows else None

    async def waiting_for(self, conversation_id: int) -> TaskView | None:
        """The task whose team asked this customer a question that is not answered yet."""
        rows = await self._views(Task.conversation_id == conversation_id, Task.state == TaskState.WAITING.value)
        return rows[0] if rows else None

    async def open_tasks(self) -> list[TaskView]:
        """Every task not done or declined, most urgent first: priority, then the earliest due time."""
        return await self._views(Task.state.in_(OPEN_STATES))

    async def listing(self, team: str | None = None, include_closed: bool = False) -> list[TaskView]:
        conditions: list[ColumnElement[bool]] = [] if include_closed else [Task.state.in_(OPEN_STATES)]
        if team is not None:
            conditions.append(Task.team_name == team)
        return await self._views(*conditions)

    async def keeps(self, promise_id: int) -> bool:
        """Whether a task keeps this promise: then the task's own watch tells the customer, not the promise's check."""
        return await self._session.scalar(select(func.count()).select_from(Task).where(
            Task.promise_id == promise_id)) != 0

    async def count_open(self, team: str) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(Task).where(
            Task.team_name == team, Task.state.in_(OPEN_STATES))) or 0)

    async def _views(self, *conditions: ColumnElement[bool]) -> list[TaskView]:
        rows = await self._session.execute(
            select(Task, Customer.channel, Customer.external_id, Customer.display_name, Conversation.status)
            .join(Conversation, Task.conversation_id == Conversation.id)
            .join(Customer, Conversation.customer_id == Customer.id)
            .where(*conditions)
            .order_by(Task.priority.desc(), Task.due_at, Task.id)
        )
        return [_view(task, channel, external_id, name, status == "open")
                for task, channel, external_id, name, status in rows]


def _when(value: dt.datetime | None) -> dt.datetime | None:
    return as_utc(value) if value is not None else None


def _view(task: Task, channel: str, external_id: str, name: str, conversation_open: bool) -> TaskView:
    return TaskView(
        task.id, task.conversation_id, channel, external_id, name, task.team_name, task.kind, task.topic_id,
        task.promised, task.order_ref, task.facts, task.verified, task.transcript, task.language, task.priority,
        TaskState(task.state), as_utc(task.created_at), as_utc(task.original_due_at), as_utc(task.due_at),
        as_utc(task.warn_at), task.late_count, task.taken_by, _when(task.first_touch_at), _when(task.closed_at),
        task.outcome, _when(task.lead_alerted_at), task.card_chat_id, task.card_message_id, task.pending_action,
        task.pending_by, task.question, task.promise_id, task.handoff_id, conversation_open,
    )


def _event(row: TaskEvent) -> TaskEventView:
    return TaskEventView(row.task_id, as_utc(row.at), row.kind, row.actor_name, row.actor_role, row.detail,
                         _when(row.due_at))
