"""Which Telegram updates were handled: each update_id is claimed once, across every worker."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ProcessedUpdate


class UpdateLedger:
    """Read and written under the update's chat lock, so a check and the mark after it cannot interleave."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def handled(self, update_id: int) -> bool:
        return await self._session.get(ProcessedUpdate, update_id) is not None

    async def mark_handled(self, update_id: int) -> None:
        """Record the update as done; a second mark (two workers raced on a chat-less update) is harmless."""
        try:
            async with self._session.begin_nested():
                self._session.add(ProcessedUpdate(update_id=update_id))
        except IntegrityError:
            pass
