"""The messages of the conversations a queue filter keeps, as lines for a CSV export of transcripts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.queue_filters import QueueFilters
from bot.storage.models import Conversation, Message, as_utc
from bot.storage.review_queue import matching


@dataclass(frozen=True)
class TranscriptLine:
    conversation_id: int
    started_at: dt.datetime
    language: str
    topic: str | None
    message_id: int
    sent_at: dt.datetime
    sender: str
    move: str
    labels: str
    text: str


async def transcript_lines(session: AsyncSession, filters: QueueFilters) -> list[TranscriptLine]:
    """Every message of every conversation the filters keep, conversation by conversation, in order.

    No customer's name or chat id: a transcript file travels further than the console.
    """
    kept = matching(filters).order_by(None).subquery()
    rows = await session.execute(
        select(Message, Conversation.started_at, Conversation.language, Conversation.topic_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.conversation_id.in_(select(kept.c.id)))
        .order_by(Conversation.started_at, Conversation.id, Message.id))
    return [TranscriptLine(message.conversation_id, as_utc(started), language, topic, message.id,
                           as_utc(message.created_at), message.sender, message.move, message.labels, message.text)
            for message, started, language, topic in rows]
