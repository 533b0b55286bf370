"""Reading the customer messages the bot could not place, and marking them handled.

The message is the customer's last text before a reply whose move is a clarifying question or
"I don't know" (bot.policy.unmatched.UNPLACED_MOVES); the reply's recorded reason comes with it,
since it names the topics that came closest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.unmatched import UNPLACED_MOVES
from bot.storage.models import Conversation, HandledUnmatched, Message, as_utc

MAX_LISTED = 300


@dataclass(frozen=True)
class UnmatchedMessage:
    message_id: int
    conversation_id: int
    text: str
    language: str
    sent_at: dt.datetime
    reply_move: str
    reply_why: str
    handled_topic: str | None
    """The topic a trainer taught it to, None while it waits."""


@dataclass(frozen=True)
class UnmatchedFilter:
    language: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    """Inclusive: the whole of that day (UTC)."""


class UnmatchedMessages:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def listing(self, which: UnmatchedFilter) -> list[UnmatchedMessage]:
        """The newest first, at most MAX_LISTED."""
        return await self._unplaced(which, None)

    async def message(self, message_id: int) -> UnmatchedMessage | None:
        """One such message, None when the bot placed it (or it is no customer's text)."""
        found = await self._unplaced(UnmatchedFilter(), message_id)
        return found[0] if found else None

    async def _unplaced(self, which: UnmatchedFilter, message_id: int | None) -> list[UnmatchedMessage]:
        customer = Message.__table__.alias("customer")
        asked_by = (select(func.max(customer.c.id))
                    .where(customer.c.conversation_id == Message.conversation_id, customer.c.id < Message.id,
                           customer.c.sender == "customer", customer.c.kind == "text")
                    .scalar_subquery())
        replies = select(Message.id, Message.move, Message.why, asked_by.label("asked_by")).where(
            Message.sender == "bot", Message.move.in_(UNPLACED_MOVES))
        if message_id is not None:
            replies = replies.where(asked_by == message_id)
        found = (await self._session.execute(replies.order_by(Message.id.desc()).limit(MAX_LISTED * 2))).all()
        # newest first, so the first reply after a message (the one it was decided on) is the one kept
        reply_to = {row.asked_by: row for row in found if row.asked_by is not None}
        if not reply_to:
            return []
        language = func.coalesce(Message.language, Conversation.language)
        query = (select(Message, language, HandledUnmatched.topic_id)
                 .join(Conversation, Conversation.id == Message.conversation_id)
                 .outerjoin(HandledUnmatched, HandledUnmatched.message_id == Message.id)
                 .where(Message.id.in_(reply_to)).order_by(Message.id.desc()).limit(MAX_LISTED))
        if which.language:
            query = query.where(language == which.language)
        if which.since is not None:
            query = query.where(Message.created_at >= _start_of(which.since))
        if which.until is not None:
            query = query.where(Message.created_at < _start_of(which.until + dt.timedelta(days=1)))
        return [UnmatchedMessage(message.id, message.conversation_id, message.text, str(spoken),
                                 as_utc(message.created_at), reply_to[message.id].move, reply_to[message.id].why,
                                 handled)
                for message, spoken, handled in (await self._session.execute(query)).all()]

    async def mark_handled(self, message_id: int, topic_id: str, trainer: str) -> None:
        handled = await self._session.get(HandledUnmatched, message_id)
        if handled is None:
            self._session.add(HandledUnmatched(message_id=message_id, topic_id=topic_id, trainer=trainer))
        else:
            handled.topic_id, handled.trainer = topic_id, trainer

    async def forget_untaught(self, topic_id: str, language: str, taught: Callable[[str], bool]) -> int:
        """Clear the handled mark of the topic's messages in ``language`` that it no longer has as examples.

        Undoing an added example (or reverting the topic past it) puts the message back among those
        waiting, so the Unmatched page never says "Added to" a topic that does not have it.
        """
        language_of = func.coalesce(Message.language, Conversation.language)
        rows = (await self._session.execute(
            select(Message.id, Message.text).join(HandledUnmatched, HandledUnmatched.message_id == Message.id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(HandledUnmatched.topic_id == topic_id, language_of == language))).all()
        untaught = [message_id for message_id, text in rows if not taught(text)]
        if untaught:
            await self._session.execute(delete(HandledUnmatched).where(HandledUnmatched.message_id.in_(untaught)))
        return len(untaught)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
