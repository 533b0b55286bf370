"""A customer's own data: everything kept about them, erasing it, and purging old transcripts.

Erasure returns the customer's agents' topics (forum thread ids): they live in Telegram, not
here, so the caller removes them once the erasure is committed. Rows are deleted child first,
so this works the same on SQLite (where foreign-key cascades are off unless asked for) and on
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    CaseNote,
    Conversation,
    ConversationReview,
    Correction,
    Customer,
    FailedUpdate,
    Flag,
    Gesture,
    Handoff,
    Message,
    Promise,
    RelayedMessage,
    TakeoverOffer,
    Task,
    TaskDelivery,
    TaskEvent,
    as_utc,
)
from bot.storage.updates import UpdateLedger

RECENT_MESSAGES = 10


@dataclass(frozen=True)
class CustomerData:
    name: str
    language: str
    since: dt.datetime
    conversations: int
    messages: int
    recent: tuple[tuple[dt.datetime, str, str], ...]
    """(when, sender, text) of the latest messages, oldest first."""
    ratings: tuple[int, ...]
    handoffs: tuple[str, ...]


@dataclass(frozen=True)
class Erasure:
    messages: int
    topics: tuple[int, ...]
    """Forum thread ids of the customer's handoffs in the agents' group, still to be removed there."""
    cards: tuple[tuple[int, int], ...] = ()
    """(chat id, message id) of the customer's task cards in teams' chats: their words there are wiped next."""


@dataclass(frozen=True)
class Purged:
    messages: int
    customers: int
    """Customers left without any conversation."""
    updates: int = 0
    """Handled-update ids past Telegram's redelivery window."""


async def forget_the_old(session: AsyncSession, now: dt.datetime, retention_days: int | None) -> Purged:
    """What is kept only for a while goes: handled-update ids Telegram can no longer redeliver, and with a
    retention period, conversations untouched for longer and the customers left without any."""
    updates = await UpdateLedger(session).prune(now)
    if retention_days is None:
        return Purged(0, 0, updates)
    purged = await PrivacyRepository(session).purge_before(now - dt.timedelta(days=retention_days))
    return Purged(purged.messages, purged.customers, updates)


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def data_of(self, channel: str, external_id: str, recent: int = RECENT_MESSAGES) -> CustomerData | None:
        customer = await self._customer(channel, external_id)
        if customer is None:
            return None
        conversations = list(await self._session.scalars(select(Conversation).where(Conversation.customer_id == customer.id)))
        ids = [c.id for c in conversations]
        count = await self._session.scalar(select(func.count()).select_from(Message).where(Message.conversation_id.in_(ids)))
        latest = list(await self._session.scalars(
            select(Message).where(Message.conversation_id.in_(ids)).order_by(Message.id.desc()).limit(recent)
        ))[::-1]
        handoffs = tuple(await self._session.scalars(select(Handoff.reason).where(Handoff.conversation_id.in_(ids))))
        return CustomerData(
            customer.display_name, customer.language, as_utc(customer.created_at), len(conversations), int(count or 0),
            tuple((as_utc(m.created_at), m.sender, m.text) for m in latest),
            tuple(c.satisfaction for c in conversations if c.satisfaction is not None), handoffs,
        )

    async def erase(self, channel: str, external_id: str, chat_key: str) -> Erasure:
        """Delete the customer, everything about them, and the ledger rows of their chat (``chat_key``)."""
        await UpdateLedger(self._session).forget_chat(chat_key)
        failed = FailedUpdate.chat_key == f"{channel}:{external_id}"  # kept under the customer's CustomerRef.key
        kept = int(await self._session.scalar(select(func.count()).select_from(FailedUpdate).where(failed)) or 0)
        await self._session.execute(delete(FailedUpdate).where(failed))
        customer = await self._customer(channel, external_id)
        if customer is None:
            return Erasure(kept, ())
        ids = list(await self._session.scalars(select(Conversation.id).where(Conversation.customer_id == customer.id)))
        threads = await self._session.scalars(select(Handoff.thread_id).where(Handoff.conversation_id.in_(ids)))
        topics = tuple(sorted({int(thread) for thread in threads if thread is not None}))
        posted = await self._session.execute(select(Task.card_chat_id, Task.card_message_id).where(
            Task.conversation_id.in_(ids), Task.card_message_id.is_not(None)))
        cards = tuple((int(chat), int(message)) for chat, message in posted if chat is not None and message is not None)
        erased = await self._delete_conversations(ids)
        await self._session.execute(delete(Customer).where(Customer.id == customer.id))
        return Erasure(erased + kept, topics, cards)

    async def purge_before(self, cutoff: dt.datetime) -> Purged:
        """Delete conversations last touched before ``cutoff`` (the retention setting), then the customers
        left without any conversation."""
        ids = list(await self._session.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)))
        await self._session.execute(delete(FailedUpdate).where(FailedUpdate.last_failed_at < cutoff))
        messages = await self._delete_conversations(ids)
        orphans = await self._session.execute(
            delete(Customer).where(~exists().where(Conversation.customer_id == Customer.id)))
        return Purged(messages, int(orphans.rowcount or 0))  # type: ignore[attr-defined]  # a DELETE's CursorResult

    async def _delete_conversations(self, ids: list[int]) -> int:
        if not ids:
            return 0
        message_ids = select(Message.id).where(Message.conversation_id.in_(ids))
        count = await self._session.scalar(select(func.count()).select_from(Message).where(Message.conversation_id.in_(ids)))
        await self._session.execute(delete(Correction).where(Correction.message_id.in_(message_ids)))
        task_ids = select(Task.id).where(Task.conversation_id.in_(ids))
        for owned in (TaskDelivery, TaskEvent):
            await self._session.execute(delete(owned).where(owned.task_id.in_(task_ids)))
        handoff_ids = select(Handoff.id).where(Handoff.conversation_id.in_(ids))
        await self._session.execute(delete(TakeoverOffer).where(TakeoverOffer.handoff_id.in_(handoff_ids)))
        for table in (RelayedMessage, CaseNote, ConversationReview, Task, Flag, Handoff, Gesture, Promise, Message):
            await self._session.execute(delete(table).where(table.conversation_id.in_(ids)))
        await self._session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
        return int(count or 0)

    async def _customer(self, channel: str, external_id: str) -> Customer | None:
        return await self._session.scalar(
            select(Customer).where(Customer.channel == channel, Customer.external_id == external_id)
        )
