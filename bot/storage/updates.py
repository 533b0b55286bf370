"""Which Telegram updates were handled: each update_id is claimed once, across every worker."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import ProcessedUpdate


class UpdateLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, update_id: int) -> bool:
        """True the first time an update_id is seen; False for a duplicate (a retry)."""
        try:
            async with self._session.begin_nested():
                self._session.add(ProcessedUpdate(update_id=update_id))
        except IntegrityError:
            return False
        return True

    async def release(self, update_id: int) -> None:
        await self._session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id))
