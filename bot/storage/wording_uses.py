"""Reading the bot's recent replies that may hold a curated text, for replaying a wording draft.

The database cannot match a text with fields in it, so it is asked only for replies containing
the text's longest stretch of words (any version of it), newest first; the policy then finds the
text itself (bot.policy.wording_replay).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.wording_replay import PastReply
from bot.storage.models import Conversation, Message, as_utc

MAX_READ = 400
"""Replies read per language: recent enough to matter, few enough that a preview stays quick."""


async def recent_replies(session: AsyncSession, language: str, containing: Sequence[str],
                         limit: int = MAX_READ) -> list[PastReply]:
    """The bot's latest replies in conversations held in ``language`` that contain one of ``containing``."""
    words = [part for part in dict.fromkeys(containing) if part]
    if not words:
        return []
    rows = await session.execute(
        select(Message.id, Message.conversation_id, Message.text, Message.created_at)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.sender == "bot", Conversation.language == language,
               or_(*(Message.text.contains(part, autoescape=True) for part in words)))
        .order_by(Message.id.desc()).limit(limit)
    )
    return [PastReply(conversation_id, message_id, language, text, as_utc(created_at))
            for message_id, conversation_id, text, created_at in rows]
