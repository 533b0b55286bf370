"""Repository for promises: the times the bot committed to, and their checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Conversation, Customer, Promise, as_utc, utc_now


@dataclass(frozen=True)
class PromiseCheck:
    """An open promise as the follow-up job sees it, with the customer to write to."""

    promise_id: int
    conversation_id: int
    channel: str
    external_id: str
    topic_id: str
    promised: str
    language: str
    due_at: dt.datetime
    check_at: dt.datetime
    extension_hours: float
    updates: int


class PromiseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, conversation_id: int, topic_id: str, promised: str, language: str, due_at: dt.datetime,
        check_at: dt.datetime, extension_hours: float,
    ) -> int:
        promise = Promise(
            conversation_id=conversation_id, topic_id=topic_id, promised=promised, language=language, status="open",
            original_due_at=due_at, due_at=due_at, check_at=check_at, extension_hours=extension_hours, updates=0,
        )
        self._session.add(promise)
        await self._session.flush()
        return promise.id

    async def open_checks(self) -> list[tuple[int, dt.datetime]]:
        """Every open promise and when to check it: what a restarted bot schedules again."""
        rows = await self._session.execute(select(Promise.id, Promise.check_at).where(Promise.status == "open"))
        return [(promise_id, as_utc(check_at)) for promise_id, check_at in rows]

    async def open_dues(self, conversation_id: int) -> tuple[tuple[str, dt.datetime], ...]:
        """(topic, due time) of the conversation's open promises, oldest first."""
        rows = await self._session.execute(
            select(Promise.topic_id, Promise.due_at)
            .where(Promise.conversation_id == conversation_id, Promise.status == "open").order_by(Promise.id)
        )
        return tuple((topic_id, as_utc(due_at)) for topic_id, due_at in rows)

    async def check(self, promise_id: int) -> PromiseCheck | None:
        """The promise if it is still open, else None (kept or resolved: nothing to say)."""
        row = (await self._session.execute(
            select(Promise, Customer.channel, Customer.external_id)
            .join(Conversation, Promise.conversation_id == Conversation.id)
            .join(Customer, Conversation.customer_id == Customer.id)
            .where(Promise.id == promise_id, Promise.status == "open")
        )).first()
        if row is None:
            return None
        promise, channel, external_id = row
        return PromiseCheck(
            promise.id, promise.conversation_id, channel, external_id, promise.topic_id, promise.promised,
            promise.language, as_utc(promise.due_at), as_utc(promise.check_at), promise.extension_hours, promise.updates,
        )

    async def extend(self, promise_id: int, due_at: dt.datetime, check_at: dt.datetime) -> None:
        """The customer was told the promise runs late and given ``due_at`` instead."""
        await self.retime(promise_id, due_at, check_at, late=True)

    async def retime(self, promise_id: int, due_at: dt.datetime, check_at: dt.datetime, late: bool) -> None:
        """An open promise's time moved: by the bot because it ran late (counted), or by the team keeping it."""
        promise = await self._session.get(Promise, promise_id)
        if promise is not None and promise.status == "open":
            promise.due_at, promise.check_at, promise.updates = due_at, check_at, promise.updates + int(late)

    async def keep(self, promise_id: int) -> bool:
        """Mark a promise kept (the team did it); its check then says nothing."""
        return await self.close(promise_id, "kept", utc_now())

    async def close(self, promise_id: int, status: str, at: dt.datetime) -> bool:
        """Close an open promise as kept or resolved; False when it was not open."""
        promise = await self._session.get(Promise, promise_id)
        if promise is None or promise.status != "open":
            return False
        promise.status, promise.closed_at = status, at
        return True

    async def resolve_conversation(self, conversation_id: int) -> None:
        """The customer said it is solved: open promises of the conversation need no more checks."""
        rows = await self._session.scalars(
            select(Promise).where(Promise.conversation_id == conversation_id, Promise.status == "open")
        )
        for promise in rows:
            promise.status, promise.closed_at = "resolved", utc_now()

    async def listing(self, include_closed: bool = False) -> list[Promise]:
        query = select(Promise).order_by(Promise.due_at)
        if not include_closed:
            query = query.where(Promise.status == "open")
        return list(await self._session.scalars(query))

    async def of_conversation(self, conversation_id: int) -> list[Promise]:
        return list(await self._session.scalars(
            select(Promise).where(Promise.conversation_id == conversation_id).order_by(Promise.id)
        ))

