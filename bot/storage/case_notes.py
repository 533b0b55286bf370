"""Agents' private notes on a case: written with ``!`` or /note in the customer's topic, never sent to the
customer, kept with the conversation (and erased with it) and shown on the topic's card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import CaseNote, as_utc

NOTE_LIMIT = 2000
"""A note longer than this is kept clipped: the card shows notes, and the card has Telegram's length limit."""


@dataclass(frozen=True)
class CaseNoteView:
    id: int
    author: str
    text: str
    created_at: dt.datetime


class CaseNoteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, conversation_id: int, handoff_id: int | None, author_user_id: int, author_name: str,
                  text: str, now: dt.datetime) -> int:
        note = CaseNote(conversation_id=conversation_id, handoff_id=handoff_id, author_user_id=author_user_id,
                        author_name=author_name[:64], text=text[:NOTE_LIMIT], created_at=now)
        self._session.add(note)
        await self._session.flush()
        return note.id

    async def of_conversation(self, conversation_id: int) -> list[CaseNoteView]:
        """Oldest first: the card shows the latest few, the console the whole case."""
        rows = await self._session.scalars(
            select(CaseNote).where(CaseNote.conversation_id == conversation_id).order_by(CaseNote.id))
        return [CaseNoteView(row.id, row.author_name, row.text, as_utc(row.created_at)) for row in rows]
