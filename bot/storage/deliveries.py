"""Repository for helpdesk deliveries: task events owed to a team's webhook, and how each attempt went.

A delivery is claimed before it is posted (``claim``): its next attempt moves past the time the
post can take, in a committed transaction, so another worker that looks meanwhile does not see
it due and does not post it too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.storage.models import TaskDelivery, as_utc

ERROR_LIMIT = 120
"""The column's width: ``last_error`` is a short kind of failure ("HTTP 503", "timeout"), never a body."""


@dataclass(frozen=True)
class ClaimedDelivery:
    """What one attempt needs: the body and its ids are fixed at enqueue time, the same on every retry."""

    id: int
    task_id: int
    team_name: str
    message_id: str
    event: str
    payload: str
    attempts: int


@dataclass(frozen=True)
class DeliveryView:
    id: int
    task_id: int
    team_name: str
    message_id: str
    event: str
    attempts: int
    next_attempt_at: dt.datetime
    delivered_at: dt.datetime | None
    given_up_at: dt.datetime | None
    last_error: str


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, task_id: int, team_name: str, message_id: str, event: str, payload: str,
                  now: dt.datetime) -> int:
        delivery = TaskDelivery(task_id=task_id, team_name=team_name, message_id=message_id, event=event,
                                payload=payload, attempts=0, next_attempt_at=now, last_error="")
        self._session.add(delivery)
        await self._session.flush()
        return delivery.id

    async def due(self, now: dt.datetime, limit: int, skip: frozenset[int] = frozenset()) -> list[int]:
        """Deliveries to try now, oldest first: not delivered, not given up, their next attempt not in the future.

        A task's events go in order: one waits while an earlier event of its task is still owed
        (being retried, or out right now), so a helpdesk never sees "taken" before "created".
        """
        earlier = aliased(TaskDelivery)
        owed_before = (select(earlier.id)
                       .where(earlier.task_id == TaskDelivery.task_id, earlier.id < TaskDelivery.id,
                              earlier.delivered_at.is_(None), earlier.given_up_at.is_(None)))
        query = (select(TaskDelivery.id)
                 .where(TaskDelivery.next_attempt_at <= now, TaskDelivery.delivered_at.is_(None),
                        TaskDelivery.given_up_at.is_(None), ~owed_before.exists())
                 .order_by(TaskDelivery.next_attempt_at, TaskDelivery.id).limit(limit))
        if skip:
            query = query.where(TaskDelivery.id.not_in(skip))
        return list(await self._session.scalars(query))

    async def claim(self, delivery_id: int, now: dt.datetime, until: dt.datetime) -> ClaimedDelivery | None:
        """Take this delivery for one attempt (its next attempt moves to ``until``), or None if it is not due now.

        One conditional UPDATE: of two workers claiming the same delivery, the second finds it
        no longer due (PostgreSQL re-checks the condition once the first commits).
        """
        row = (await self._session.execute(
            update(TaskDelivery)
            .where(TaskDelivery.id == delivery_id, TaskDelivery.next_attempt_at <= now,
                   TaskDelivery.delivered_at.is_(None), TaskDelivery.given_up_at.is_(None))
            .values(next_attempt_at=until)
            .returning(TaskDelivery.id, TaskDelivery.task_id, TaskDelivery.team_name, TaskDelivery.message_id,
                       TaskDelivery.event, TaskDelivery.payload, TaskDelivery.attempts)
        )).first()
        return ClaimedDelivery(*row) if row is not None else None

    async def delivered(self, delivery_id: int, now: dt.datetime) -> None:
        await self._session.execute(update(TaskDelivery).where(TaskDelivery.id == delivery_id).values(
            attempts=TaskDelivery.attempts + 1, delivered_at=now, last_error=""))

    async def failed(self, delivery_id: int, error: str, retry_at: dt.datetime | None, now: dt.datetime) -> None:
        """A post that was not taken: tried again at ``retry_at``, or given up when that is None."""
        values = {"next_attempt_at": retry_at} if retry_at is not None else {"given_up_at": now}
        await self._session.execute(update(TaskDelivery).where(TaskDelivery.id == delivery_id).values(
            attempts=TaskDelivery.attempts + 1, last_error=error[:ERROR_LIMIT], **values))

    async def give_up(self, delivery_id: int, reason: str, now: dt.datetime) -> None:
        """Stop without posting (the team is gone, or no longer has a helpdesk)."""
        await self._session.execute(update(TaskDelivery).where(TaskDelivery.id == delivery_id).values(
            given_up_at=now, last_error=reason[:ERROR_LIMIT]))

    async def of_task(self, task_id: int) -> list[DeliveryView]:
        rows = await self._session.scalars(select(TaskDelivery).where(TaskDelivery.task_id == task_id)
                                           .order_by(TaskDelivery.id))
        return [DeliveryView(row.id, row.task_id, row.team_name, row.message_id, row.event, row.attempts,
                             as_utc(row.next_attempt_at), as_utc(row.delivered_at) if row.delivered_at else None,
                             as_utc(row.given_up_at) if row.given_up_at else None, row.last_error) for row in rows]
