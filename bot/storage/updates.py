"""Which Telegram updates were handled: each update_id is claimed once, across every worker.

An update id is only worth remembering while Telegram may send it again: it keeps an update it
could not deliver for 24 hours, so rows older than ``REDELIVERY_WINDOW`` (twice that) are pruned.
Each row also keeps the chat key it was handled under, so erasing a customer erases theirs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ProcessedUpdate

REDELIVERY_WINDOW = dt.timedelta(hours=48)
CHAT_KEY_LENGTH = 80


class UpdateLedger:
    """Read and written under the update's chat lock, so a check and the mark after it cannot interleave."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def handled(self, update_id: int) -> bool:
        return await self._session.get(ProcessedUpdate, update_id) is not None

    async def mark_handled(self, update_id: int, chat_key: str | None) -> None:
        """Record the update as done; a second mark (two workers raced on a chat-less update) is harmless."""
        try:
            async with self._session.begin_nested():
                self._session.add(ProcessedUpdate(update_id=update_id,
                                                  chat_key=chat_key[:CHAT_KEY_LENGTH] if chat_key else None))
        except IntegrityError:
            pass

    async def prune(self, now: dt.datetime) -> int:
        """Forget updates Telegram can no longer send again; returns how many."""
        result = await self._session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.received_at < now - REDELIVERY_WINDOW))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult of a DELETE has rowcount

    async def forget_chat(self, chat_key: str) -> None:
        """Erasure: no trace of which updates came from this chat."""
        await self._session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.chat_key == chat_key))
