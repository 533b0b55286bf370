"""What the desk and the agents' commands share: giving a handoff to an agent, the customer's line
naming them, the agents' notes in the right language, and reaching a customer outside their turn.

Every function here that sends runs after its caller's unit of work has committed; none opens a
session around a Bot API call.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.delivery import CustomerUnreachable, DeliveryRefused
from bot.policy.assignment import FIRST_REPLY_MINUTES
from bot.policy.deadlines import format_deadline
from bot.policy.model import Reply
from bot.service.handoff_cards import HandoffCards
from bot.storage.agents import AgentRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from bot.storage.reply_waits import ReplyWaits
from knowledge import KnowledgePack, fill
from knowledge.pack import FALLBACK_LANGUAGE, Wording

logger = logging.getLogger(__name__)

SendToCustomer = Callable[[str, str, Reply], Awaitable[int | None]]
"""(channel, external id, reply): how the channel reaches a customer outside their own turn; returns the id of
the message the customer sees (when the channel has one), for reply-to and edits to find it again.
Raises ``CustomerUnreachable`` or ``DeliveryRefused`` when the platform refuses for good."""


@dataclass(frozen=True)
class AgentNotes:
    """The agents' notes (wording.yaml's ``agents`` part) in one agent's language, filled the one safe way."""

    wording: Wording

    def say(self, note: str, /, **values: object) -> str:
        """The note ``agents.<note>`` with its fields filled; a broken one falls back to the shipped text."""
        return fill(getattr(self.wording.agents, note), f"agents.{note}", self.wording.language, **values)

    def customer(self, handoff: OpenHandoff, opens_sentence: bool = False) -> str:
        """The customer's name for the agents, or the note's word for a customer who gave none."""
        if handoff.customer_name:
            return handoff.customer_name
        word = self.wording.agents.the_customer
        return word[:1].upper() + word[1:] if opens_sentence else word


def agent_notes(pack: KnowledgePack, languages: tuple[str, ...]) -> AgentNotes:
    """The notes in the agent's first configured language; English for someone with none (a stranger)."""
    return AgentNotes(pack.wording_for(languages[0] if languages else FALLBACK_LANGUAGE))


async def give(session: AsyncSession, handoff_id: int, agent_user_id: int, now: dt.datetime,
               expected: dt.datetime | None = None) -> dt.datetime:
    """Make the handoff this agent's; returns when they should first reply (``expected``, or in the usual minutes)."""
    expected = expected or now + dt.timedelta(minutes=FIRST_REPLY_MINUTES)
    await HandoffRepository(session).assign(handoff_id, agent_user_id, expected, now)
    await AgentRepository(session).mark_assigned(agent_user_id, now)
    await ReplyWaits(session).promised(handoff_id, now, expected)
    return expected


def agent_text(pack: KnowledgePack, zone: ZoneInfo, language: str, which: str, name: str, role: str,
               when: dt.datetime) -> str:
    """"Marta, Customer care specialist, … will reply {deadline}": the customer's assigned or queued line."""
    wording = pack.wording_for(language)
    template = wording.handoff.assigned if which == "assigned" else wording.handoff.queued
    return fill(template, f"handoff.{which}", language, agent=name, role=role,
                deadline=format_deadline(wording, when, zone))


class CustomerContact:
    """Telling a handed-off customer something outside their own turn, and the agents when that fails."""

    def __init__(self, database: Database, cards: HandoffCards, pack: KnowledgePack,
                 now: Callable[[], dt.datetime]) -> None:
        self._database = database
        self._cards = cards
        self._pack = pack
        self._now = now

    async def tell(self, handoff: OpenHandoff, reply: Reply, send: SendToCustomer, notes: AgentNotes) -> bool:
        """Send to the customer; one who blocked the bot closes the case, and the topic hears why (in ``notes``)."""
        try:
            await send(handoff.channel, handoff.external_id, reply)
            return True
        except CustomerUnreachable:
            await self._cards.note_in_topic(handoff.id, await self.close_for_good(handoff, notes))
        except DeliveryRefused as refused:
            logger.warning("handoff %d: a message to the customer was refused: %s", handoff.id, refused.reason)
            await self._cards.note_in_topic(handoff.id, notes.say("customer_refused", reason=refused.reason))
        return False

    async def announce_owner(self, handoff_id: int, text: str, user_id: int, name: str) -> bool:
        """The handoff has a new owner: say so in its topic with a mention (Telegram notifies them), and let the
        pinned card follow. False when the topic is not posted yet (its card will name the owner)."""
        self._cards.refresh_soon(handoff_id)
        return await self._cards.mention_in_topic(handoff_id, text, user_id, name)

    async def close_for_good(self, handoff: OpenHandoff, notes: AgentNotes) -> str:
        """Close a handoff whose customer can no longer be reached; returns the note saying so."""
        async with self._database.session() as session:
            await HandoffRepository(session).customer_gone(handoff.id, self._now())
        logger.info("handoff %d closed: the customer can no longer be reached", handoff.id)
        self._cards.refresh_soon(handoff.id)
        return notes.say("customer_gone", customer=notes.customer(handoff, opens_sentence=True))

    async def notes_for_agent_of(self, handoff: OpenHandoff) -> AgentNotes:
        """The notes in the language of the agent who has the handoff (English while nobody has it)."""
        async with self._database.session() as session:
            agent = await AgentRepository(session).get(handoff.agent_user_id) if handoff.agent_user_id else None
        return agent_notes(self._pack, agent.languages if agent else ())
