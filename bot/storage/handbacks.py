"""Repository for what a handback leaves behind: the resolved handoff, its note, its rating, its reopening."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.handoff_status import HandoffStatus
from bot.storage.conversations import WORDS_KINDS
from bot.storage.models import Conversation, Handoff, Message


@dataclass(frozen=True)
class HandbackView:
    """A handoff a person handed back to the bot."""

    id: int
    agent_user_id: int | None
    thread_id: int | None
    card_message_id: int | None
    topic_title: str | None
    rating_asked: bool


class HandbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_conversation(self, conversation_id: int) -> HandbackView | None:
        """The conversation's latest handoff, if a person handed it back (None while one is open or none was)."""
        return await self._latest_if_handed_back(select(Handoff).where(Handoff.conversation_id == conversation_id))

    async def of_customer(self, customer_id: int) -> HandbackView | None:
        """The customer's latest handoff, if a person handed it back: the one to reopen."""
        return await self._latest_if_handed_back(
            select(Handoff).join(Conversation, Conversation.id == Handoff.conversation_id)
            .where(Conversation.customer_id == customer_id))

    async def _latest_if_handed_back(self, handoffs: Select[Handoff]) -> HandbackView | None:
        row = await self._session.scalar(handoffs.order_by(Handoff.id.desc()).limit(1))
        return _view(row) if row is not None and row.status == HandoffStatus.RESOLVED else None

    async def settle(self, handoff_id: int, note: str) -> None:
        """Keep the agent's handback note."""
        row = await self._session.get(Handoff, handoff_id)
        if row is not None:
            row.resolution_note = note or None

    async def rating_asked(self, handoff_id: int) -> None:
        row = await self._session.get(Handoff, handoff_id)
        if row is not None:
            row.rating_asked = True

    async def customer_texts(self, conversation_id: int) -> tuple[str, ...]:
        """What the customer wrote in the conversation, their corrections included, oldest first: the details they
        gave the agent are in it."""
        rows = await self._session.scalars(select(Message.text).where(
            Message.conversation_id == conversation_id, Message.sender == "customer",
            Message.kind.in_(sorted(WORDS_KINDS)),
        ).order_by(Message.id))
        return tuple(text or "" for text in rows)

    async def reopen(self, previous: HandbackView, conversation_id: int, reason: str, language: str,
                     agent_user_id: int | None, expected_at: dt.datetime | None, now: dt.datetime) -> int:
        """A new handoff in the previous one's topic, with its pinned card (refreshed, never posted again)."""
        handoff = Handoff(
            conversation_id=conversation_id, reason=reason, detail="asked for the same person again",
            language=language, status=HandoffStatus.ACTIVE if agent_user_id is not None else HandoffStatus.QUEUED,
            agent_user_id=agent_user_id, expected_at=expected_at, created_at=now,
            assigned_at=now if agent_user_id is not None else None, thread_id=previous.thread_id,
            card_message_id=previous.card_message_id, topic_title=previous.topic_title,
            previous_handoff_id=previous.id,
        )
        self._session.add(handoff)
        await self._session.flush()
        return handoff.id


def _view(row: Handoff) -> HandbackView:
    return HandbackView(row.id, row.agent_user_id, row.thread_id, row.card_message_id, row.topic_title,
                        bool(row.rating_asked))
