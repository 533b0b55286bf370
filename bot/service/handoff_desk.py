"""Handing a conversation to a named person and back: starting a handoff, the queue, the relay.

The customer always learns who will help, when, and how to reach the team; while the handoff
is open, everything the customer sends goes to the agents' topic and what the agent writes
there reaches the customer under the agent's name. The desk is made of small parts, one job
each: ``HandoffCards`` (the topics and their cards, in the background), ``AgentCommands``
(/take, /transfer, /resolve, /flag) and ``CustomerContact`` (reaching a customer outside
their turn). Telegram stays behind ``AgentWorkspace``; the local chat, which has no agents'
group, gets the ``NullWorkspace``. Sends run after the unit of work that decided them commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.delivery import CustomerUnreachable, DeliveryRefused, split_text
from bot.policy.assignment import Assignment, assign
from bot.policy.details import DEFAULT_READER, DetailReader
from bot.policy.escalation import Escalation, EscalationReason
from bot.policy.model import Move, Reply
from bot.policy.reply_ladder import ReplyTiming
from bot.service.agent_commands import AgentCommands
from bot.service.agent_workspace import AgentWorkspace, TopicFate
from bot.service.handoff_cards import HandoffCards
from bot.service.handoff_contact import CustomerContact, SendToCustomer, agent_notes, agent_text, give
from bot.service.reopening import asked_again, reopen
from bot.service.reply_deadlines import ReplyDeadlines
from bot.storage.agents import AgentRepository
from bot.storage.chat_locks import ChatLocks
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from bot.storage.reply_waits import ReplyWaits
from knowledge import KnowledgePack, fill

__all__ = ["HandoffDesk", "HandoffStart", "TopicFate"]
"""TopicFate is re-exported for SupportService, which reads it from here."""

logger = logging.getLogger(__name__)

QUEUE_LOCK = "handoff-queue"
"""Every worker checks the queue each minute; the lock keeps two from assigning the same handoff."""


@dataclass(frozen=True)
class HandoffStart:
    handoff_id: int
    reply: Reply
    urgent: bool = False
    """A crisis: its card goes before every other waiting post in the agents' group."""
    reopened: bool = False
    """The customer asked for the same person again: the previous topic and card are used (see ``announce_reopened``)."""


@dataclass(frozen=True)
class _Given:
    """A queued handoff given to an agent, for the customer to hear after the assignment commits."""

    handoff: OpenHandoff
    agent: str
    languages: tuple[str, ...]
    text: str


class HandoffDesk:
    """The handoff use cases, and the one place its parts are put together (cards, commands, contact)."""

    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo,
                 now: Callable[[], dt.datetime], workspace: AgentWorkspace | None = None,
                 locks: ChatLocks | None = None, timing: ReplyTiming | None = None,
                 reader: DetailReader = DEFAULT_READER) -> None:
        self._database = database
        self._locks = locks or ChatLocks()
        self._pack = pack
        self._zone = zone
        self._now = now
        self.cards = HandoffCards(database, pack, zone, now, self._locks, workspace)
        self._contact = CustomerContact(database, self.cards, pack, now)
        self.commands = AgentCommands(database, pack, zone, now, self._contact, reader)
        self.deadlines = ReplyDeadlines(database, pack, zone, now, self.cards, self._contact, timing or ReplyTiming())

    async def start(self, session: AsyncSession, conversation_id: int, language: str, escalation: Escalation,
                    feelings: tuple[float, float] | None, skill: str | None) -> HandoffStart:
        """Record the handoff, pick the agent, and word what the customer is told (in the turn's transaction).

        Without an agents' group nobody would see the handoff, so no agent is named to the customer.
        """
        now = self._now()
        agents = AgentRepository(session)
        reachable = self.cards.workspace.reaches_agents
        assignment = assign(await agents.loads(now), language, skill, now) if reachable else Assignment(None, None)
        agent = assignment.agent
        handoff_id = await HandoffRepository(session).create(
            conversation_id, escalation.reason.value, escalation.detail, language,
            agent.user_id if agent else None, assignment.expected_at, feelings, now,
        )
        if agent is not None:
            await agents.mark_assigned(agent.user_id, now)
        await ReplyWaits(session).promised(handoff_id, now, assignment.expected_at)
        logger.info("handoff %d opened reason=%s assigned=%s", handoff_id, escalation.reason.for_logs, bool(agent))
        return HandoffStart(handoff_id, Reply(Move.HAND_OFF, self._customer_text(language, escalation, assignment)),
                            urgent=escalation.reason is EscalationReason.SELF_HARM)

    async def same_person_again(self, session: AsyncSession, conversation_id: int, customer_id: int, text: str,
                                language: str) -> HandoffStart | None:
        """"I'd like to talk to Marta again": reopen the handed-back topic (in the turn's transaction) and word the
        honest who and when; None when the text does not ask for the same person or there is no topic to reopen."""
        if not self.cards.workspace.reaches_agents:
            return None
        asked = await asked_again(session, customer_id, text)
        if asked is None:
            return None
        reopened = await reopen(session, *asked, conversation_id, language, self._now())
        said = self._customer_text(language, Escalation(EscalationReason.ASKED_FOR_PERSON, ""), reopened.assignment)
        if not reopened.same_person:
            away = self._pack.wording_for(language).handoff.same_person_away
            said = f"{fill(away, 'handoff.same_person_away', language, agent=reopened.wanted)} {said}"
        logger.info("handoff %d reopens handoff %d's topic; same person: %s", reopened.handoff_id, asked[0].id,
                    reopened.same_person)
        return HandoffStart(reopened.handoff_id, Reply(Move.HAND_OFF, said), reopened=True)

    async def announce_reopened(self, started: HandoffStart) -> None:
        """After the reopening commits: the pinned card follows in place, and whoever has it now is mentioned."""
        self.cards.refresh_soon(started.handoff_id)
        async with self._database.session() as session:
            handoff = await HandoffRepository(session).open_by_id(started.handoff_id)
            agent = await AgentRepository(session).get(handoff.agent_user_id) if handoff and handoff.agent_user_id else None
        if handoff is None:
            return
        notes = agent_notes(self._pack, agent.languages if agent else ())
        text = notes.say("reopened", customer=notes.customer(handoff, opens_sentence=True),
                         agent=agent.name if agent else notes.wording.agents.the_customer)
        people = ((agent.telegram_user_id, agent.name),) if agent else ()

        async def post(thread_id: int) -> None:
            await self.cards.workspace.post_mentioning(thread_id, text, people)

        await self.cards.in_topic(handoff.id, post)

    def post_card_soon(self, started: HandoffStart) -> None:
        """After the handoff is committed: its topic and card, in the background."""
        self.cards.post_card_soon(started.handoff_id, started.urgent)

    async def remove_topics(self, thread_ids: tuple[int, ...]) -> dict[int, TopicFate]:
        """An erased customer's topics, removed from the agents' group (after the erasure is committed)."""
        return await self.cards.remove_topics(thread_ids)

    async def wait_for_background(self) -> None:
        """Until every card started so far is out (tests, and a clean stop)."""
        await self.cards.wait_for_background()

    async def close(self) -> None:
        """The bot is stopping: see ``HandoffCards.close``."""
        await self.cards.close()

    # -- the queue ------------------------------------------------------------------------
    async def assign_queued(self, send: SendToCustomer) -> int:
        """Give waiting handoffs to agents whose shift has started or who have room again; returns how many."""
        given: list[_Given] = []
        async with self._locks.hold(QUEUE_LOCK):  # one worker at a time works the queue
            now = self._now()
            async with self._database.session() as session:
                waiting = await HandoffRepository(session).queued()
            for handoff in waiting:
                async with self._database.session() as session:
                    choice = assign(await AgentRepository(session).loads(now), handoff.language, None, now)
                    if choice.agent is None:
                        continue
                    expected = await give(session, handoff.id, choice.agent.user_id, now)
                text = agent_text(self._pack, self._zone, handoff.language, "assigned", choice.agent.name,
                                  choice.agent.role, expected)
                given.append(_Given(handoff, choice.agent.name, choice.agent.languages, text))
        for one in given:  # the sends wait for Telegram's limits, so no lock is held for them
            notes = agent_notes(self._pack, one.languages)
            if await self._contact.tell(one.handoff, Reply(Move.HAND_OFF, one.text), send, notes):
                await self.cards.note_in_topic(one.handoff.id, notes.say("assigned", agent=one.agent))
        return len(given)

    async def nudge_late_replies(self, send: SendToCustomer) -> int:
        """Every reply has a deadline: nudge the agent, then the lead(s), and give the waiting customer one honest
        holding message (bot/service/reply_deadlines.py); returns how many waits climbed a rung."""
        async with self._locks.hold(QUEUE_LOCK):  # one worker at a time works the queue
            climbs = await self.deadlines.climb()
        return await self.deadlines.carry_out(climbs, send)

    async def customer_waits(self, session: AsyncSession, handoff: OpenHandoff) -> bool:
        """In the customer's turn: their message starts the reply timer unless one already runs (then True: the
        card shows the new due time once the turn commits)."""
        return await ReplyWaits(session).customer_wrote(handoff.id, self._now(), self.deadlines.timing)

    # -- the customer's side ------------------------------------------------------------------
    async def relay_from_customer(self, handoff: OpenHandoff, label: str, text: str, message_id: int | None) -> None:
        chat_id = int(handoff.external_id) if handoff.external_id.lstrip("-").isdigit() else None

        async def relay(thread_id: int) -> None:
            await self.cards.workspace.relay(thread_id, label, text, chat_id, message_id)

        if not await self.cards.in_topic(handoff.id, relay, messages=1 if text.strip() else 2):
            logger.info("handoff %d: message kept for the card still to be posted", handoff.id)

    async def customer_unreachable(self, channel: str, external_id: str) -> None:
        """The customer blocked the bot: close their conversation, and tell the agent who had it."""
        async with self._database.session() as session:
            conversation_id = await ConversationRepository(session).close_open_of(channel, external_id)
            handoff = await HandoffRepository(session).open_for(conversation_id) if conversation_id else None
        logger.info("customer unreachable: conversation %s closed", conversation_id)
        if handoff is not None:
            notes = await self._contact.notes_for_agent_of(handoff)
            await self.cards.note_in_topic(handoff.id, await self._contact.close_for_good(handoff, notes))

    # -- the agents' side -------------------------------------------------------------------
    async def from_agent(self, agent_user_id: int, thread_id: int, text: str, send: SendToCustomer,
                         media: tuple[int, int] | None = None, edited: bool = False) -> str | None:
        """An agent wrote in a topic: pass it to the customer under the agent's name. Returns a note for the topic.

        ``media`` is (chat id, message id) of a photo or file the agent posted; it is passed on as it is.
        ``edited``: the agent corrected a message they sent before; the customer gets the correction, marked so.
        A text over Telegram's limit goes in parts; a refusal is told to the agent, never retried.
        """
        async with self._database.session() as session:
            agent = await AgentRepository(session).get(agent_user_id)
            if agent is None:
                return None  # colleagues who are not registered agents may talk in the topic; nothing is relayed
            notes = agent_notes(self._pack, agent.languages)
            handoffs = HandoffRepository(session)
            handoff = await handoffs.open_in_thread(thread_id)
            if handoff is None:
                return notes.say("not_relayed")
            now = self._now()
            if handoff.agent_user_id is None:
                await give(session, handoff.id, agent.telegram_user_id, now)
            stored = ("(corrected) " if edited else "") + (text or "(a photo or file)")
            message_id = await handoffs.add_agent_message(handoff.conversation_id, stored, agent.name)
            await handoffs.mark_first_reply(handoff.id, now)
            answers = handoff.agent_user_id in (None, agent.telegram_user_id)
            if answers:  # the words of the person who has the chat answer the customer; a colleague's do not
                await ReplyWaits(session).answered(handoff.id)
        if answers:
            self.cards.refresh_soon(handoff.id)
        wording = self._pack.wording_for(handoff.language).handoff
        path = "handoff.agent_corrects" if edited else "handoff.agent_says"
        template = wording.agent_corrects if edited else wording.agent_says
        said = fill(template, path, handoff.language, agent=agent.name, text=text) if text.strip() else f"{agent.name}:"
        parts = split_text(said)
        delivered = 0
        try:
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                await send(handoff.channel, handoff.external_id,
                           Reply(Move.AGENT_MESSAGE, part, copy_from=media if last else None))
                delivered += 1
        except CustomerUnreachable:
            await self._amend(message_id, None)
            return await self._contact.close_for_good(handoff, notes)
        except DeliveryRefused as refused:
            logger.warning("handoff %d: the agent's message was refused: %s", handoff.id, refused.reason)
            if delivered == 0:
                await self._amend(message_id, None)
                return notes.say("refused", reason=refused.reason, customer=notes.customer(handoff))
            await self._amend(message_id, f"{stored} [only {delivered} of {len(parts)} parts were delivered]")
            return notes.say("partly_refused", delivered=delivered, parts=len(parts), reason=refused.reason,
                             customer=notes.customer(handoff))
        if len(parts) > 1:
            return notes.say("sent_in_parts", parts=len(parts))
        return None

    async def _amend(self, message_id: int, text: str | None) -> None:
        async with self._database.session() as session:
            await HandoffRepository(session).amend_agent_message(message_id, text)

    def _customer_text(self, language: str, escalation: Escalation, assignment: Assignment) -> str:
        wording = self._pack.wording_for(language)
        parts = [wording.handoff.crisis] if escalation.reason is EscalationReason.SELF_HARM else []
        agent = assignment.agent or assignment.next_agent
        if agent is None or assignment.expected_at is None:
            parts.append(wording.handoff.unavailable)
        else:
            which = "assigned" if assignment.agent else "queued"
            parts.append(agent_text(self._pack, self._zone, language, which, agent.name, agent.role,
                                    assignment.expected_at))
        return "\n\n".join(parts)
