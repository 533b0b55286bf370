"""Which Telegram message is which on the two sides of a handoff, and the offers to take a colleague's chat over.

A reply-to, an edit or a /flag on one side finds its twin on the other through these rows; the
take-over offer is asked once per handoff and agent, whatever the agent writes after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.handoff_status import OPEN_STATUSES
from bot.storage.models import Conversation, Customer, Handoff, RelayedMessage, TakeoverOffer


class Direction(StrEnum):
    TO_CUSTOMER = "to_customer"
    """An agent's message in the topic and its copy in the customer's chat."""
    TO_TOPIC = "to_topic"
    """A customer's message and its quote in the topic."""
    BOT = "bot"
    """The bot's own words to the customer, shown in the topic."""
    KEPT = "kept"
    """An agent's words kept with the case (a note, a colleague's aside): a topic message with no twin, ever."""


@dataclass(frozen=True)
class Relayed:
    id: int
    direction: Direction
    customer_message_id: int | None
    topic_message_id: int | None
    stored_message_id: int | None
    sender_user_id: int | None


@dataclass(frozen=True)
class RelayedRecord:
    """One new pair of twins, recorded after the send that made the second one."""

    handoff_id: int
    conversation_id: int
    direction: Direction
    customer_message_id: int | None
    topic_message_id: int | None
    stored_message_id: int | None = None
    sender_user_id: int | None = None


class RelayedMessages:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, record: RelayedRecord) -> None:
        self._session.add(RelayedMessage(
            handoff_id=record.handoff_id, conversation_id=record.conversation_id, direction=record.direction.value,
            customer_message_id=record.customer_message_id, topic_message_id=record.topic_message_id,
            stored_message_id=record.stored_message_id, sender_user_id=record.sender_user_id))

    async def in_topic(self, conversation_id: int, topic_message_id: int) -> Relayed | None:
        """The pair a message in the customer's topic belongs to (an agent's message, a quote, a bot answer)."""
        return await self._one(RelayedMessage.conversation_id == conversation_id,
                               RelayedMessage.topic_message_id == topic_message_id)

    async def in_customer_chat(self, conversation_id: int, customer_message_id: int,
                               direction: Direction | None = None) -> Relayed | None:
        """The pair a message in the customer's chat belongs to (theirs, or an agent's copy)."""
        conditions = [RelayedMessage.conversation_id == conversation_id,
                      RelayedMessage.customer_message_id == customer_message_id]
        if direction is not None:
            conditions.append(RelayedMessage.direction == direction.value)
        return await self._one(*conditions)

    async def _one(self, *conditions: ColumnElement[bool]) -> Relayed | None:
        row = await self._session.scalar(
            select(RelayedMessage).where(*conditions).order_by(RelayedMessage.id.desc()).limit(1))
        if row is None:
            return None
        return Relayed(row.id, Direction(row.direction), row.customer_message_id, row.topic_message_id,
                       row.stored_message_id, row.sender_user_id)


class TakeoverOffers:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(self, handoff_id: int, agent_user_id: int, now: dt.datetime) -> bool:
        """Record that this agent is asked to take this handoff over; False when they were asked before."""
        asked = await self._session.scalar(select(TakeoverOffer.id).where(
            TakeoverOffer.handoff_id == handoff_id, TakeoverOffer.agent_user_id == agent_user_id))
        if asked is not None:
            return False
        self._session.add(TakeoverOffer(handoff_id=handoff_id, agent_user_id=agent_user_id, asked_at=now))
        await self._session.flush()
        return True


async def open_customers_of(session: AsyncSession, agent_user_id: int) -> list[str]:
    """The names of the customers whose open handoffs this agent holds, oldest first (for "write in their topic")."""
    rows = await session.scalars(
        select(Customer.display_name).join(Conversation, Conversation.customer_id == Customer.id)
        .join(Handoff, Handoff.conversation_id == Conversation.id)
        .where(Handoff.agent_user_id == agent_user_id, Handoff.status.in_(OPEN_STATUSES)).order_by(Handoff.id))
    return [name or "" for name in rows]
