"""What a team's helpdesk is told about a task, as JSON (docs/helpdesk-api.yaml, ``Task``) — pure.

The task as its team sees it in Telegram: what was committed, the facts looked up, the
customer's verification state, the transcript excerpt, when it is due, who took it and every
event by name and role. Nothing more about the customer: not their Telegram id, not their name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.policy.teams import TeamProfile
from bot.storage.tasks import TaskEventView, TaskView

TASK_CREATED = "task.created"
TASK_UPDATED = "task.updated"
EVENT_TYPES = (TASK_CREATED, TASK_UPDATED)

Json = dict[str, object]


def iso(at: dt.datetime | None) -> str | None:
    """UTC, to the second, with a Z: what the payload's ``date-time`` fields carry."""
    return at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if at is not None else None


def webhook_event(event_type: str, team: TeamProfile, task: TaskView, events: Sequence[TaskEventView],
                  now: dt.datetime) -> Json:
    """The Standard Webhooks envelope: ``type``, ``timestamp`` (when it happened) and ``data``."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"a helpdesk event is one of {', '.join(EVENT_TYPES)}, not {event_type!r}")
    return {"type": event_type, "timestamp": iso(now), "data": {"task": task_json(team, task, events)}}


def task_json(team: TeamProfile, task: TaskView, events: Sequence[TaskEventView]) -> Json:
    taker = team.member(task.taken_by) if task.taken_by is not None else None
    return {
        "id": task.id,
        "team": task.team_name,
        "kind": task.kind,
        "topic": task.topic_id,
        "promised": task.promised,
        "state": task.state.value,
        "order_ref": task.order_ref,
        "facts": task.facts,
        "customer_verified": task.verified,
        "transcript": task.transcript,
        "language": task.language,
        "priority": task.priority,
        "due_at": iso(task.due_at),
        "created_at": iso(task.created_at),
        "taken_by": {"user_id": taker.user_id, "name": taker.name, "role": taker.role} if taker else None,
        "outcome": task.outcome,
        "question": task.question,
        "events": [event_json(event) for event in events],
    }


def event_json(event: TaskEventView) -> Json:
    return {
        "at": iso(event.at),
        "kind": event.kind,
        "by": {"name": event.actor_name, "role": event.actor_role} if event.actor_name else None,
        "detail": event.detail,
        "due_at": iso(event.due_at),
    }
