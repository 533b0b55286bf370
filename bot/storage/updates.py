"""Which Telegram updates were handled (each update_id is claimed once, across every worker), and which failed.

An update id is only worth remembering while Telegram may send it again: it keeps an update it
could not deliver for 24 hours, so rows older than ``REDELIVERY_WINDOW`` (twice that) are pruned.
Each row also keeps the chat key it was handled under, so erasing a customer erases theirs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import FailedUpdate, ProcessedUpdate, as_utc, utc_now

REDELIVERY_WINDOW = dt.timedelta(hours=48)
CHAT_KEY_LENGTH = 80


class UpdateLedger:
    """Read and written under the update's chat lock, so a check and the mark after it cannot interleave."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def handled(self, update_id: int) -> bool:
        return await self._session.get(ProcessedUpdate, update_id) is not None

    async def mark_handled(self, update_id: int, chat_key: str | None) -> None:
        """Record the update as done; a second mark (two workers raced on a chat-less update) is harmless.

        One INSERT … ON CONFLICT DO NOTHING (both SQLite and PostgreSQL have it) instead of a
        savepoint around an insert that may fail: one statement per turn instead of three.
        """
        values = {"update_id": update_id, "received_at": utc_now(),
                  "chat_key": chat_key[:CHAT_KEY_LENGTH] if chat_key else None}
        dialect = self._session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        await self._session.execute(insert(ProcessedUpdate).values(**values).on_conflict_do_nothing())

    async def prune(self, now: dt.datetime) -> int:
        """Forget updates Telegram can no longer send again; returns how many."""
        result = await self._session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.received_at < now - REDELIVERY_WINDOW))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult of a DELETE has rowcount

    async def forget_chat(self, chat_key: str) -> None:
        """Erasure: no trace of which updates came from this chat."""
        await self._session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.chat_key == chat_key))

@dataclass(frozen=True)
class KeptUpdate:
    """An update the bot gave up on, as trainers see it: whose it was, what failed, what the customer sent."""

    update_id: int
    chat_key: str
    error: str
    tries: int
    text: str
    failed_at: dt.datetime


class FailedUpdates:
    """Tries of updates that failed unexpectedly, counted in the database so every worker sees the same count.

    Written under the update's chat lock, like the ledger, so two tries of one update never interleave.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count_try(self, update_id: int, chat_key: str, error: str) -> int:
        """Record one more failed try of the update; returns how many there have been."""
        row = await self._session.get(FailedUpdate, update_id)
        if row is None:
            row = FailedUpdate(update_id=update_id, chat_key=chat_key[:80], error=error[:120], tries=0, text="")
            self._session.add(row)
        row.tries += 1
        row.error, row.last_failed_at = error[:120], utc_now()
        await self._session.flush()
        return row.tries

    async def give_up(self, update_id: int, text: str) -> None:
        """Keep what the customer sent with the failed update, for the team to read; no more tries."""
        row = await self._session.get(FailedUpdate, update_id)
        if row is None:
            raise LookupError(f"update {update_id} has no failed try to give up on")
        row.text, row.given_up_at = text, utc_now()

    async def given_up(self, limit: int = 50) -> list[KeptUpdate]:
        """The updates given up on, newest first."""
        rows = (await self._session.scalars(
            select(FailedUpdate).where(FailedUpdate.given_up_at.is_not(None))
            .order_by(FailedUpdate.given_up_at.desc()).limit(limit)
        )).all()
        return [KeptUpdate(row.update_id, row.chat_key, row.error, row.tries, row.text,
                           as_utc(row.given_up_at or row.last_failed_at)) for row in rows]
