"""Storing a message that the customer's next one will answer (see bot/policy/fairness.py, "Bursts")."""

from __future__ import annotations

import logging

from bot.policy.model import CustomerTurn, TurnKind
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository
from nlu.signals import detect_signals

logger = logging.getLogger(__name__)


async def store_folded(database: Database, channel: str, external_id: str, display_name: str, turn: CustomerTurn,
                       telegram_message_id: int) -> bool:
    """Store the message with its signals and no reply; False when it must be handled as usual instead.

    As usual means: a redelivery of a message stored before (the service's replay knows what was
    sent), a conversation a person has (every message goes to them), or the first message of a
    conversation (its reply is where the bot says it is a bot). It is not scored: the
    model's time goes to the message that is answered, not to lines a flood may repeat.
    """
    if turn.kind is not TurnKind.TEXT:
        return False
    async with database.session() as session:
        repository = ConversationRepository(session)
        earlier = await repository.earlier_answer(channel, external_id, telegram_message_id, turn.kind.value, turn.text)
        if earlier is not None:
            return False
        ref = await repository.open_conversation(channel, external_id, display_name)
        if ref.customer_messages_before == 0:
            return False
        if await HandoffRepository(session).open_for(ref.conversation_id) is not None:
            return False
        signals = detect_signals(turn.text, await repository.recent_customer_texts(ref))
        await repository.add_customer_message(ref, turn.kind.value, turn.text, None, telegram_message_id, signals)
    logger.info("message stored conversation=%d; the customer's next one answers it", ref.conversation_id)
    return True
