"""Repository for handoffs to people and the context their cards show (agents' flags: bot/storage/flag_targets.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.card_context import CardContext
from bot.policy.handoff_status import OPEN_STATUSES, HandoffStatus, initial_status, may_move
from bot.storage.card_reads import CardReads
from bot.storage.models import (
    Conversation,
    Customer,
    Handoff,
    Message,
    Promise,
    as_utc,
)


@dataclass(frozen=True)
class OpenHandoff:
    """A handoff that is not resolved yet, with whom to reach on both sides."""

    id: int
    conversation_id: int
    status: HandoffStatus
    reason: str
    detail: str
    language: str
    agent_user_id: int | None
    thread_id: int | None
    channel: str
    external_id: str
    customer_name: str
    expected_at: dt.datetime | None
    first_reply_at: dt.datetime | None
    card_message_id: int | None = None
    """The pinned card in the topic; None until it is posted (or for a card posted before 0014)."""
    topic_title: str | None = None
    created_at: dt.datetime | None = None
    """When the handoff was queued or assigned: what a queued customer was told was decided then."""


@dataclass(frozen=True)
class HandoffProgress:
    """What the card shows beyond ``OpenHandoff``: the customer's wait and the reply it calls for, the handback note."""

    waiting_since: dt.datetime | None = None
    reply_due_at: dt.datetime | None = None
    resolution_note: str = ""


class HandoffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_for(self, conversation_id: int) -> OpenHandoff | None:
        return await self._one(Handoff.conversation_id == conversation_id)

    async def open_in_thread(self, thread_id: int) -> OpenHandoff | None:
        return await self._one(Handoff.thread_id == thread_id)

    async def open_by_id(self, handoff_id: int) -> OpenHandoff | None:
        return await self._one(Handoff.id == handoff_id)

    async def by_id(self, handoff_id: int) -> OpenHandoff | None:
        """The handoff whatever its status: a closed one's topic can still hear why it closed."""
        row = (await self._session.execute(self._select().where(Handoff.id == handoff_id))).first()
        return _open(*row) if row is not None else None

    async def progress(self, handoff_id: int) -> HandoffProgress:
        handoff = await self._session.get(Handoff, handoff_id)
        if handoff is None:
            return HandoffProgress()
        return HandoffProgress(as_utc(handoff.waiting_since) if handoff.waiting_since else None,
                               as_utc(handoff.reply_due_at) if handoff.reply_due_at else None,
                               handoff.resolution_note or "")

    async def queued(self) -> list[OpenHandoff]:
        rows = await self._session.execute(self._select().where(Handoff.status == HandoffStatus.QUEUED).order_by(Handoff.id))
        return [_open(*row) for row in rows]

    async def create(
        self, conversation_id: int, reason: str, detail: str, language: str, agent_user_id: int | None,
        expected_at: dt.datetime | None, feelings: tuple[float, float] | None, now: dt.datetime,
    ) -> int:
        """Starts in the status the policy gives it (bot/policy/handoff_status.py)."""
        status = initial_status(agent_user_id, expected_at)
        handoff = Handoff(
            conversation_id=conversation_id, reason=reason, detail=detail[:256], language=language,
            status=status, agent_user_id=agent_user_id,
            expected_at=expected_at, created_at=now, assigned_at=now if agent_user_id is not None else None,
            anger_before=feelings[0] if feelings else None, anxiety_before=feelings[1] if feelings else None,
        )
        self._session.add(handoff)
        await self._session.flush()
        return handoff.id

    async def without_topic(self, created_before: dt.datetime) -> list[OpenHandoff]:
        """Open handoffs whose topic and card were never posted (a worker stopped before it could)."""
        rows = await self._session.execute(self._select().where(
            Handoff.status.in_(OPEN_STATUSES), Handoff.thread_id.is_(None), Handoff.created_at <= created_before,
        ).order_by(Handoff.id))
        return [_open(*row) for row in rows.all()]

    async def customer_gone(self, handoff_id: int, now: dt.datetime) -> None:
        """The customer blocked the bot: the handoff ends, and so do the conversation and its promises."""
        handoff = await self._session.get(Handoff, handoff_id)
        if handoff is None or not may_move(handoff.status, HandoffStatus.CUSTOMER_GONE):
            return
        handoff.status, handoff.resolved_at = HandoffStatus.CUSTOMER_GONE, now
        conversation = await self._session.get(Conversation, handoff.conversation_id)
        if conversation is not None and conversation.status != "closed":
            conversation.status, conversation.closed_at = "closed", now
        for promise in await self._session.scalars(select(Promise).where(
                Promise.conversation_id == handoff.conversation_id, Promise.status == "open")):
            promise.status, promise.closed_at = "resolved", now

    async def set_thread(self, handoff_id: int, thread_id: int, card_message_id: int | None = None,
                         title: str | None = None) -> None:
        handoff = await self._session.get(Handoff, handoff_id)
        if handoff is not None:
            handoff.thread_id, handoff.card_message_id, handoff.topic_title = thread_id, card_message_id, title

    async def set_topic_title(self, handoff_id: int, title: str) -> None:
        handoff = await self._session.get(Handoff, handoff_id)
        if handoff is not None:
            handoff.topic_title = title

    async def assign(self, handoff_id: int, agent_user_id: int, expected_at: dt.datetime, now: dt.datetime) -> None:
        handoff = await self._session.get(Handoff, handoff_id)
        if handoff is not None and may_move(handoff.status, HandoffStatus.ACTIVE):
            handoff.agent_user_id, handoff.status = agent_user_id, HandoffStatus.ACTIVE
            handoff.assigned_at, handoff.expected_at = now, expected_at

    async def mark_first_reply(self, handoff_id: int, now: dt.datetime) -> None:
        handoff = await self._session.get(Handoff, handoff_id)
        if handoff is not None and handoff.first_reply_at is None:
            handoff.first_reply_at = now

    async def resolve(self, handoff_id: int, now: dt.datetime) -> None:
        """Close the handoff and keep how the customer felt at the end, beside how they felt before."""
        handoff = await self._session.get(Handoff, handoff_id)
        if handoff is None or not may_move(handoff.status, HandoffStatus.RESOLVED):
            return
        last = await self._session.scalar(
            select(Message).where(Message.conversation_id == handoff.conversation_id, Message.sender == "customer",
                                  Message.anger.is_not(None)).order_by(Message.id.desc()).limit(1)
        )
        handoff.status, handoff.resolved_at = HandoffStatus.RESOLVED, now
        if last is not None:
            handoff.anger_at_resolution, handoff.anxiety_at_resolution = last.anger, last.anxiety
        conversation = await self._session.get(Conversation, handoff.conversation_id)
        if conversation is not None:
            # A person settled the case: the bot no longer waits on the detail it asked for before.
            conversation.awaiting, conversation.misses, conversation.settled = None, 0, True

    async def add_agent_message(self, conversation_id: int, text: str, agent_name: str) -> int:
        message = Message(conversation_id=conversation_id, sender="agent", kind="text", text=text,
                          move=f"agent:{agent_name}"[:32])
        self._session.add(message)
        await self._session.flush()
        return message.id

    async def amend_agent_message(self, message_id: int, text: str | None) -> None:
        """The platform refused (part of) an agent's message: keep what really reached the customer, or nothing."""
        message = await self._session.get(Message, message_id)
        if message is None:
            return
        if text is None:
            await self._session.delete(message)
        else:
            message.text = text

    async def card_context(self, conversation_id: int) -> CardContext:
        """What the card shows of the conversation (bot/storage/card_reads.py)."""
        return await CardReads(self._session).context(conversation_id)

    def _select(self) -> Select[Handoff, Customer]:
        return (select(Handoff, Customer).join(Conversation, Conversation.id == Handoff.conversation_id)
                .join(Customer, Customer.id == Conversation.customer_id))

    async def _one(self, condition: ColumnElement[bool]) -> OpenHandoff | None:
        row = (await self._session.execute(
            self._select().where(condition, Handoff.status.in_(OPEN_STATUSES)).order_by(Handoff.id.desc()).limit(1)
        )).first()
        return _open(*row) if row is not None else None


def _open(handoff: Handoff, customer: Customer) -> OpenHandoff:
    return OpenHandoff(
        handoff.id, handoff.conversation_id, HandoffStatus(handoff.status), handoff.reason, handoff.detail, handoff.language,
        handoff.agent_user_id,
        handoff.thread_id, customer.channel, customer.external_id, customer.display_name,
        as_utc(handoff.expected_at) if handoff.expected_at else None,
        as_utc(handoff.first_reply_at) if handoff.first_reply_at else None,
        handoff.card_message_id, handoff.topic_title, as_utc(handoff.created_at) if handoff.created_at else None,
    )
