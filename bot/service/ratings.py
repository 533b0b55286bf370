"""A tap on a 1–5 rating button after a conversation closed."""

from __future__ import annotations

import logging

from bot.policy.decide import parse_rating
from bot.policy.language import language_of
from bot.policy.model import Move, Reply
from bot.service.customer import CustomerRef
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from knowledge import KnowledgePack, fill

logger = logging.getLogger(__name__)


class Ratings:
    def __init__(self, database: Database, pack: KnowledgePack) -> None:
        self._database = database
        self._pack = pack

    async def rate(self, customer: CustomerRef, data: str) -> Reply | None:
        """Thank for a first rating, say a second tap changes nothing; None when the data is not a rating this
        customer may give (forged, stale or someone else's conversation)."""
        parsed = parse_rating(data)
        if parsed is None:
            return None
        conversation_id, score = parsed
        async with self._database.session() as session:
            repository = ConversationRepository(session)
            recorded = await repository.record_rating(customer.channel, customer.external_id, conversation_id, score)
            if recorded is None:
                return None
            language = language_of(recorded.language)
            closing = self._pack.wording_for(language).closing
            text = (fill(closing.thanks_rating, "closing.thanks_rating", language, score=score) if recorded.first
                    else closing.rating_already)
            await repository.add_bot_message(conversation_id, text, Move.THANK_FOR_RATING.value)
        if recorded.first:
            logger.info("rating stored conversation=%d score=%d", conversation_id, score)
        return Reply(Move.THANK_FOR_RATING, text)
