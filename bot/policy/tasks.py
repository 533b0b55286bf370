"""The rules of a team task: its states, who may do what, and every time it is due — pure decisions.

A task is a commitment the bot made to a customer, as work a team receives. Its times come
from the team's working hours and target (``working_due``), never from a constant, so "by
16:00" is a time someone at work can keep. Callback data carries only the task's number and
the action: who may act is decided from the registry, never from what the button says.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.policy.assignment import Shift
from bot.policy.deadlines import check_time, due_time, quarter
from bot.policy.model import Clock

MAX_WORKING_DAYS = 60
"""How far ahead a due time is searched for; a team that works no day in that span gets calendar hours."""
NOTE_LIMIT = 500
"""Longest note, reason or question passed between a team and a customer (one short message)."""


class TaskState(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    WAITING = "waiting"
    """Waiting for the customer's answer to a team's question (Need info)."""
    DONE = "done"
    DECLINED = "declined"

    @property
    def closed(self) -> bool:
        return self in (TaskState.DONE, TaskState.DECLINED)


class TaskAction(StrEnum):
    TAKE = "take"
    MORE_1H = "more1"
    MORE_4H = "more4"
    NEXT_DAY = "nextday"
    NEED_INFO = "info"
    DONE = "done"
    DECLINE = "decline"

    @property
    def needs_words(self) -> bool:
        """Done needs a note for the customer, Decline a reason, Need info the question: the member writes it next."""
        return self in (TaskAction.NEED_INFO, TaskAction.DONE, TaskAction.DECLINE)

    @property
    def more_time(self) -> bool:
        return self in (TaskAction.MORE_1H, TaskAction.MORE_4H, TaskAction.NEXT_DAY)


class TaskEventKind(StrEnum):
    """What happened to a task, as its events, cards, transcripts and helpdesk payloads name it."""

    CREATED = "created"
    TAKEN = "taken"
    MORE_TIME = "more time"
    ASKED = "asked the customer"
    ANSWERED = "customer answered"
    DONE = "done"
    DECLINED = "declined"
    PRIORITY = "priority"
    LEAD_ALERTED = "lead alerted"
    TOLD_LATE = "customer told it runs late"


class Refusal(StrEnum):
    """Why a tap changed nothing; each has words for the person who tapped (wording ``tasks.refused``)."""

    NOT_MEMBER = "not_member"
    UNKNOWN_TASK = "unknown_task"
    CLOSED = "closed"
    WAITING = "waiting"
    """Done or Decline while the customer has not answered the team's question yet is fine; a second question is not."""


_CALLBACK = re.compile(r"task:([0-9]{1,12}):([a-z0-9]{1,8})")
"""Matched whole (``fullmatch``, ASCII digits): ``$`` lets a trailing newline through, a digit class any script's digits."""


def callback_data(task_id: int, action: TaskAction) -> str:
    """What a card's button carries: the task's number and the action, nothing secret (Telegram allows 64 bytes)."""
    return f"task:{task_id}:{action.value}"


def parse_callback(data: str) -> tuple[int, TaskAction] | None:
    """The task and action of a tap, or None for anything a card never carried (forged or from another bot)."""
    match = _CALLBACK.fullmatch(data or "")
    if match is None:
        return None
    try:
        return int(match.group(1)), TaskAction(match.group(2))
    except ValueError:
        return None


def refusal(state: TaskState, action: TaskAction, is_member: bool) -> Refusal | None:
    """Whether this tap may change the task; None when it may."""
    if not is_member:
        return Refusal.NOT_MEMBER
    if state.closed:
        return Refusal.CLOSED
    if state is TaskState.WAITING and action is TaskAction.NEED_INFO:
        return Refusal.WAITING
    return None


def state_after(state: TaskState, action: TaskAction) -> TaskState:
    """The state once the action is complete (for Done, Decline and Need info: once their words are in)."""
    if action is TaskAction.DONE:
        return TaskState.DONE
    if action is TaskAction.DECLINE:
        return TaskState.DECLINED
    if action is TaskAction.NEED_INFO:
        return TaskState.WAITING
    return TaskState.TAKEN if state is TaskState.OPEN else state


def working_due(start: dt.datetime, hours: float, shift: Shift) -> dt.datetime:
    """``hours`` of the team's working time after ``start``, rounded up to a quarter hour.

    A task made at 16:30 for a team that works 09:00–17:00 with a 4-hour target is due at
    12:30 the next working day: half an hour today, three and a half tomorrow.
    """
    remaining = dt.timedelta(hours=max(hours, 0.0))
    cursor = start
    for _ in range(MAX_WORKING_DAYS * 2):
        begin = shift.next_start(cursor)
        if begin is None:
            break
        local = begin.astimezone(shift.zone)
        end = dt.datetime.combine(local.date(), shift.end, tzinfo=shift.zone).astimezone(dt.UTC)
        if begin + remaining <= end:
            return quarter(begin + remaining)
        remaining -= end - begin
        cursor = end + dt.timedelta(seconds=1)
    return quarter(start + dt.timedelta(hours=max(hours, 0.0)))


def next_working_day_end(now: dt.datetime, shift: Shift) -> dt.datetime:
    """The end of the team's next working day after today (More time → next working day)."""
    local = now.astimezone(shift.zone)
    tomorrow = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0, 0), tzinfo=shift.zone)
    begin = shift.next_start(tomorrow.astimezone(dt.UTC))
    if begin is None:
        return quarter(now + dt.timedelta(days=1))
    day = begin.astimezone(shift.zone).date()
    return quarter(dt.datetime.combine(day, shift.end, tzinfo=shift.zone).astimezone(dt.UTC))


def more_time(action: TaskAction, now: dt.datetime, due: dt.datetime, shift: Shift) -> dt.datetime:
    """The new due time a member gave: an hour or four of working time past the current one, or the next day."""
    if action is TaskAction.NEXT_DAY:
        return next_working_day_end(now, shift)
    hours = 1.0 if action is TaskAction.MORE_1H else 4.0
    return working_due(max(now, due), hours, shift)


def warn_time(now: dt.datetime, due: dt.datetime) -> dt.datetime:
    """When the customer hears a task runs late, if it is not done or re-timed by then: shortly before it is due."""
    return check_time(now, due)


def lead_alert_time(created: dt.datetime, due: dt.datetime) -> dt.datetime:
    """Halfway to the due time: if nobody has touched the task by then, the team's lead hears of it."""
    return created + (due - created) / 2


@dataclass(frozen=True)
class Member:
    """A person who may act on a team's tasks (from ``candor teams add-member``)."""

    user_id: int
    name: str
    role: str


def clean_words(text: str) -> str:
    """A member's note, reason or question as the customer will read it: one tidy line, not too long."""
    line = " ".join(text.split())
    return line if len(line) <= NOTE_LIMIT else line[: NOTE_LIMIT - 1].rstrip() + "…"


def commitment_due(clock: Clock, team: str, hours: float, cap_hours: float | None = None) -> dt.datetime:
    """When a commitment to ``team`` is due: its target in the team's working time when the team is configured,
    else ``hours`` inside the shop's support hours. ``cap_hours`` shortens it (priority handling)."""
    timing = clock.teams.get(team) if team else None
    if timing is not None:
        target = timing.target_hours if cap_hours is None else min(timing.target_hours, cap_hours)
        return working_due(clock.now, target, timing.shift)
    return due_time(clock.now, cap_hours or hours, clock.working)
