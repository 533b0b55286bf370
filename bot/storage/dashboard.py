"""The figures the console's dashboard shows: how customers felt, handoffs, promises, satisfaction, team tasks."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.task_figures import TaskTimes, TeamTaskFigures, task_figures
from bot.policy.tasks import TaskState
from bot.storage.conversations import felt_from
from bot.storage.models import Conversation, Gesture, Handoff, Message, Promise, Task, as_utc


@dataclass(frozen=True)
class Figures:
    conversations: int
    feeling_start_end: dict[str, tuple[float, float]]
    """Per language, mean of max(anger, anxiety) at the first and at the last customer message, as each reply
    was decided on (in context)."""
    handoff_reasons: dict[str, int]
    handoff_rate: float
    first_reply_minutes: float | None
    promises: dict[str, int]
    gestures: dict[str, int]
    satisfaction: dict[int, int]
    per_day: dict[str, int]
    per_language: dict[str, int]


async def dashboard_figures(session: AsyncSession) -> Figures:
    conversations = (await session.scalars(select(Conversation))).all()
    scored = (await session.execute(
        select(Message.conversation_id, Message.anger, Message.anxiety, Message.context_scores)
        .where(Message.sender == "customer", Message.anger.is_not(None)).order_by(Message.id)
    )).all()
    by_conversation: dict[int, list[float]] = defaultdict(list)
    for conversation_id, anger, anxiety, context_scores in scored:
        by_conversation[conversation_id].append(max(felt_from(anger, anxiety, context_scores)))
    language_of = {c.id: c.language for c in conversations}
    start_end: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for conversation_id, values in by_conversation.items():
        start_end[language_of.get(conversation_id, "?")].append((values[0], values[-1]))
    handoffs = (await session.scalars(select(Handoff))).all()
    waits = [(as_utc(h.first_reply_at) - as_utc(h.created_at)).total_seconds() / 60
             for h in handoffs if h.first_reply_at is not None]
    promises = (await session.scalars(select(Promise))).all()
    return Figures(
        conversations=len(conversations),
        feeling_start_end={language: (statistics.fmean(a for a, _ in pairs), statistics.fmean(b for _, b in pairs))
                           for language, pairs in sorted(start_end.items())},
        handoff_reasons=dict(Counter(h.reason for h in handoffs)),
        handoff_rate=len({h.conversation_id for h in handoffs}) / len(conversations) if conversations else 0.0,
        first_reply_minutes=statistics.median(waits) if waits else None,
        promises={"kept on time": sum(1 for p in promises if p.status != "open" and p.updates == 0),
                  "late (customer told)": sum(1 for p in promises if p.updates > 0),
                  "still open": sum(1 for p in promises if p.status == "open" and p.updates == 0)},
        gestures=dict(Counter((await session.scalars(select(Gesture.kind))).all())),
        satisfaction={score: sum(1 for c in conversations if c.satisfaction == score) for score in range(1, 6)},
        per_day=dict(sorted(Counter(_day(c.started_at) for c in conversations).items())),
        per_language=dict(Counter(c.language for c in conversations)),
    )


async def team_task_figures(session: AsyncSession, now: dt.datetime) -> list[TeamTaskFigures]:
    """Each team's tasks counted and timed (``bot/policy/task_figures.py`` says what on time and late mean)."""
    rows = await session.execute(select(Task.team_name, Task.state, Task.created_at, Task.due_at,
                                        Task.first_touch_at, Task.closed_at))
    return task_figures((TaskTimes(team, TaskState(state), as_utc(created), as_utc(due),
                                   as_utc(touched) if touched else None, as_utc(closed) if closed else None)
                         for team, state, created, due, touched, closed in rows), now)


def _day(when: dt.datetime) -> str:
    return as_utc(when).strftime("%Y-%m-%d")
