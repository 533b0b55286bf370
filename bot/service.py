"""One customer turn end to end: score it, store it, decide, store the reply.

Channels (Telegram, the local chat) translate their input into a ``CustomerTurn`` and send
whatever ``Reply`` comes back; everything in between lives here, once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.engine import CustomerTurn, Reply, TurnKind, decide, is_meaningful
from bot.locks import KeyedLocks
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from knowledge import KnowledgePack
from nlu.language import SUPPORTED_LANGUAGES
from nlu.runtime import EmotionAnalyzer
from nlu.signals import Signals, detect_signals
from nlu.types import Analysis

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CustomerRef:
    """Who wrote, in channel terms. ``external_id`` is the channel's id for the person."""

    channel: str
    external_id: str
    display_name: str = ""


class SupportService:
    def __init__(self, database: Database, analyzer: EmotionAnalyzer, pack: KnowledgePack) -> None:
        self._database = database
        self._analyzer = analyzer
        self._pack = pack
        self._locks = KeyedLocks()

    async def handle(
        self,
        customer: CustomerRef,
        turn: CustomerTurn,
        telegram_message_id: int | None = None,
        deliver: Callable[[Reply], Awaitable[None]] | None = None,
    ) -> Reply:
        """Process one turn; turns of the same customer run strictly one after another.

        ``deliver`` sends the reply while the customer's lock is still held, so replies reach
        the customer in the order their messages arrived.
        """
        async with self._locks.hold(f"{customer.channel}:{customer.external_id}"):
            analysis = await self._analyse(turn)
            async with self._database.session() as session:
                repository = ConversationRepository(session)
                ref = await repository.open_conversation(customer.channel, customer.external_id, customer.display_name)
                language = choose_language(ref.language, analysis)
                if language != ref.language:
                    await repository.set_language(ref, language)
                signals = None
                if analysis is not None:
                    signals = detect_signals(turn.text, await repository.recent_customer_texts(ref))
                await repository.add_customer_message(
                    ref, stored_kind(turn), turn.text, analysis, telegram_message_id, signals
                )
                first_contact = ref.customer_messages_before == 0 and turn.kind is TurnKind.TEXT
                reply = decide(_with_first_contact(turn, first_contact), analysis, self._pack, language)
                await repository.add_bot_message(ref, reply.text, reply.move.value)
            logger.info(
                "turn handled conversation=%d kind=%s move=%s emotion_labels=%s signals=%s degraded=%s",
                ref.conversation_id, turn.kind.value, reply.move.value,
                ",".join(analysis.labels) if analysis else "-", _names(signals),
                analysis.degraded if analysis else "-",
            )
            if deliver is not None:
                await deliver(reply)
            return reply

    async def _analyse(self, turn: CustomerTurn) -> Analysis | None:
        if turn.kind in (TurnKind.TEXT, TurnKind.EDITED) and is_meaningful(turn.text):
            return await self._analyzer.analyse(turn.text)
        return None


def choose_language(current: str, analysis: Analysis | None) -> str:
    """Keep the conversation's language unless the customer clearly writes in another we speak."""
    if analysis is None or analysis.language == current or analysis.language not in SUPPORTED_LANGUAGES:
        return current
    return analysis.language


def stored_kind(turn: CustomerTurn) -> str:
    if turn.kind is TurnKind.NON_TEXT:
        return turn.content_type or "other"
    return turn.kind.value


def _with_first_contact(turn: CustomerTurn, first_contact: bool) -> CustomerTurn:
    return CustomerTurn(turn.kind, turn.text, turn.command, turn.content_type, first_contact)


def _names(signals: Signals | None) -> str:
    return ",".join(signals.raised()) if signals and signals.raised() else "-"
