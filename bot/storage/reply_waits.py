"""The reply timer of each open handoff: since when the customer waits, until when, how far the ladder went.

The fields live on the handoff row (waiting_since, reply_due_at, nudge_stage); the rules for them
are in bot/policy/reply_ladder.py. Every change is made inside its caller's unit of work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.handoff_status import HandoffStatus
from bot.policy.reply_ladder import PROMISE_LEAD, ReplyTiming, Rung, Wait, wait_starts
from bot.storage.models import Handoff, as_utc


@dataclass(frozen=True)
class OverdueWait:
    handoff_id: int
    wait: Wait
    waiting_since: dt.datetime


class ReplyWaits:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def customer_wrote(self, handoff_id: int, now: dt.datetime, timing: ReplyTiming) -> bool:
        """A customer's message while a person has the chat: start the timer unless one runs. True if it started."""
        row = await self._session.get(Handoff, handoff_id)
        if row is None:
            return False
        queued = as_utc(row.expected_at) if row.status == HandoffStatus.QUEUED and row.expected_at else None
        due = wait_starts(as_utc(row.reply_due_at) if row.reply_due_at else None, queued, now, timing)
        if due is None:
            return False
        row.waiting_since, row.reply_due_at, row.nudge_stage = now, due, int(Rung.NONE)
        return True

    async def promised(self, handoff_id: int, now: dt.datetime, when: dt.datetime | None) -> None:
        """The customer was told who replies and by when (a handoff started, taken, transferred): that time is the
        wait's due time, and the ladder starts again for it. A customer nobody owes an answer stays unwaited."""
        row = await self._session.get(Handoff, handoff_id)
        if row is None or when is None:
            return
        if row.waiting_since is None and row.first_reply_at is not None:
            return
        row.waiting_since = row.waiting_since or now
        row.reply_due_at, row.nudge_stage = when, int(Rung.NONE)

    async def answered(self, handoff_id: int) -> bool:
        """The person who has the chat answered: nobody waits any more. True when someone was waiting (the card
        showed a reply due)."""
        row = await self._session.get(Handoff, handoff_id)
        if row is None:
            return False
        waited = row.waiting_since is not None or row.reply_due_at is not None
        row.waiting_since, row.reply_due_at, row.nudge_stage = None, None, int(Rung.NONE)
        return waited

    async def overdue(self, now: dt.datetime) -> list[OverdueWait]:
        """Active handoffs whose customer waits and whose ladder may have a rung due (the policy decides which)."""
        rows = await self._session.scalars(select(Handoff).where(
            Handoff.status == HandoffStatus.ACTIVE, Handoff.reply_due_at.is_not(None),
            Handoff.nudge_stage < int(Rung.CUSTOMER), Handoff.reply_due_at <= now + PROMISE_LEAD,
        ).order_by(Handoff.reply_due_at, Handoff.id))
        waits = []
        for row in rows:
            assert row.reply_due_at is not None  # the query asked for it
            due = as_utc(row.reply_due_at)
            since = as_utc(row.waiting_since) if row.waiting_since else due
            waits.append(OverdueWait(row.id, Wait(due, Rung(row.nudge_stage), due if _promised(row, due, since) else None),
                                     since))
        return waits

    async def climbed(self, handoff_id: int, rung: Rung, told_until: dt.datetime | None = None) -> None:
        """Record the rung before anything is sent (a crash then sends nothing twice); the customer's new time
        becomes both the wait's due time and the handoff's expected time."""
        row = await self._session.get(Handoff, handoff_id)
        if row is None:
            return
        row.nudge_stage = max(row.nudge_stage, int(rung))
        if told_until is not None:
            row.reply_due_at = row.expected_at = told_until


def _promised(row: Handoff, due: dt.datetime, since: dt.datetime) -> bool:
    """Whether the customer was told this wait's time: the handoff's promised time is the wait's, and it was given
    for this wait (before any reply, or by an assignment made while they already waited), not by coincidence."""
    if row.expected_at is None or as_utc(row.expected_at) != due:
        return False
    return row.first_reply_at is None or (row.assigned_at is not None and as_utc(row.assigned_at) >= since)
