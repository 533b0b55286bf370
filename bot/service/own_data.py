"""/mydata shows a customer what is kept about them; /forget, confirmed by a tap, erases it."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.policy.language import language_of
from bot.policy.model import Button, CustomerTurn, Move, Reply, TurnKind
from bot.service.agent_workspace import TopicFate
from bot.service.customer import CustomerRef
from bot.service.handoff_desk import HandoffDesk
from bot.service.task_cards import TaskCards
from bot.storage.database import Database
from bot.storage.privacy import CustomerData, PrivacyRepository
from knowledge import KnowledgePack, fill
from knowledge.pack import PrivacyWording

logger = logging.getLogger(__name__)

FORGET_CONFIRM = "forget:confirm"
OWN_DATA_TEXT_LIMIT = 4000


class OwnData:
    def __init__(self, database: Database, pack: KnowledgePack, desk: HandoffDesk,
                 cards: TaskCards | None = None) -> None:
        self._database = database
        self._pack = pack
        self._desk = desk
        self._cards = cards

    async def answer(self, customer: CustomerRef, turn: CustomerTurn, button_data: str) -> Reply | None:
        """The reply to /mydata, /forget or the confirming tap; None when the turn is about something else.

        The confirming button carries no id: a tap can only ever erase the data of the person who taps.
        """
        wanted = turn.command if turn.kind is TurnKind.COMMAND else button_data if turn.kind is TurnKind.BUTTON else ""
        if wanted not in ("mydata", "forget", FORGET_CONFIRM):
            return None
        async with self._database.session() as session:
            privacy = PrivacyRepository(session)
            data = await privacy.data_of(customer.channel, customer.external_id)
            language = language_of(data.language if data else None, turn.text)
            wording = self._pack.wording_for(language).privacy
            if data is None:
                return Reply(Move.OWN_DATA, wording.nothing)
            if wanted == "mydata":
                return Reply(Move.OWN_DATA, own_data_text(wording.mydata, data))
            if wanted == "forget":
                return Reply(Move.OWN_DATA, wording.forget_ask, (Button(wording.forget_button, FORGET_CONFIRM),))
            erased = await privacy.erase(customer.channel, customer.external_id, customer.key)
        fates = await self._desk.remove_topics(erased.topics)  # after commit: a failure here undoes nothing
        if self._cards is not None:
            await self._cards.wipe(erased.cards)
        logger.info("customer data erased at their request: %d messages, agents' topics %s", erased.messages,
                    ",".join(f"{thread}:{fate.value}" for thread, fate in fates.items()) or "-")
        return Reply(Move.OWN_DATA, forgotten_text(wording, language, erased.messages, fates.values()))


def forgotten_text(wording: PrivacyWording, language: str, messages: int, topics: Iterable[TopicFate]) -> str:
    """What /forget removed, truthfully: the agents' topic is mentioned as deleted only if every one was."""
    fates = set(topics)
    path = ("forgotten" if not fates else "forgotten_with_topic" if fates == {TopicFate.DELETED}
            else "forgotten_topic_kept")
    return fill(getattr(wording, path), f"privacy.{path}", language, messages=messages)


def own_data_text(header: str, data: CustomerData) -> str:
    """The /mydata reply: the summary, then the latest messages with their dates (clipped to fit one message)."""
    summary = fill(header, "privacy.mydata", data.language, name=data.name or "-", language=data.language,
                   since=f"{data.since:%Y-%m-%d}", conversations=data.conversations, messages=data.messages)
    lines = [f"{when:%Y-%m-%d %H:%M} {sender}: {' '.join(text.split())[:200]}" for when, sender, text in data.recent if text]
    return "\n\n".join([summary, "\n".join(lines)])[:OWN_DATA_TEXT_LIMIT] if lines else summary
