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
from bot.policy.assignment import AgentLoad, Assignment, already_told, assign
from bot.policy.details import DEFAULT_READER, DetailReader
from bot.policy.escalation import Escalation, EscalationReason
from bot.policy.handoff_status import HandoffStatus
from bot.policy.model import Move, Reply
from bot.policy.reply_ladder import ReplyTiming
from bot.service.agent_commands import AgentCommands
from bot.service.agent_workspace import AgentWorkspace, TopicFate
from bot.service.desk_queue import DeskQueue
from bot.service.desk_relay import MEDIA_NOTE, DeskRelay
from bot.service.handoff_cards import HandoffCards
from bot.service.handoff_contact import CustomerContact, SendToCustomer, agent_notes, agent_text, give
from bot.service.reopening import asked_again, reopen
from bot.service.reply_deadlines import ReplyDeadlines
from bot.storage.agents import AgentRepository
from bot.storage.card_reads import CardReads
from bot.storage.case_notes import CaseNoteRepository
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
    agent: AgentLoad
    text: str
    """What the customer hears; empty when they already know who and when."""


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
        self.commands = AgentCommands(database, pack, zone, now, self._contact, self.cards, reader)
        self.relay = DeskRelay(database, pack, self.cards, self._contact, now, self.from_agent)
        self.queue = DeskQueue(database, pack, zone, now, self._locks)
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
        """Give waiting handoffs to agents whose shift has started or who have room again; returns how many.

        The customer hears one "who and when" per change of owner: not when the person they were told
        about takes it in time (``already_told``), and not for a handoff someone took since the list was read.
        """
        given: list[_Given] = []
        async with self._locks.hold(QUEUE_LOCK):  # one worker at a time works the queue
            now = self._now()
            async with self._database.session() as session:
                waiting = await HandoffRepository(session).queued()
            for listed in waiting:
                async with self._database.session() as session:
                    handoff = await HandoffRepository(session).open_by_id(listed.id)
                    if handoff is None or handoff.status is not HandoffStatus.QUEUED:
                        continue  # taken or closed since the list was read: that change was told already
                    choice = assign(await AgentRepository(session).loads(now), handoff.language, None, now)
                    if choice.agent is None:
                        continue
                    quiet = handoff.created_at is not None and already_told(
                        choice.agent, handoff.created_at, handoff.expected_at, now)
                    expected = await give(session, handoff.id, choice.agent.user_id, now,
                                          handoff.expected_at if quiet else None)
                text = "" if quiet else agent_text(self._pack, self._zone, handoff.language, "assigned",
                                                   choice.agent.name, choice.agent.role, expected)
                given.append(_Given(handoff, choice.agent, text))
        for one in given:  # the sends wait for Telegram's limits, so no lock is held for them
            notes = agent_notes(self._pack, one.agent.languages)
            if one.text and not await self._contact.tell(one.handoff, Reply(Move.HAND_OFF, one.text), send, notes):
                continue
            await self._contact.announce_owner(one.handoff.id, notes.say("assigned", agent=one.agent.name),
                                               one.agent.user_id, one.agent.name)
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
                         media: tuple[int, int] | None = None, edited: bool = False,
                         topic_message_id: int | None = None, reply_to: int | None = None,
                         captionable: bool = True) -> str | None:
        """The agent who has the chat (or the first to answer an unassigned one) wrote in its topic: pass it to the
        customer under the agent's name. Returns a note for the topic.

        Called through ``DeskRelay.from_agent``, which keeps notes and colleagues' words back and edits in place;
        words that arrive here after a colleague took the chat in between are kept as a note, never sent.
        ``media`` is (chat id, message id) of a photo, voice note or file the agent posted; it is passed on as it
        is, with "NAME: caption" on it (``captionable``: a sticker cannot carry one and goes after the name).
        ``edited``: the agent corrected a message whose copy could not be edited; the correction goes, marked so.
        ``reply_to`` (a topic message) makes the customer's copy a reply to that message's twin in their chat.
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
            if handoff.agent_user_id not in (None, agent.telegram_user_id):
                # A colleague took the chat after the relay read its owner: these words stay with the team.
                await CaseNoteRepository(session).add(handoff.conversation_id, handoff.id, agent.telegram_user_id,
                                                      agent.name, text or MEDIA_NOTE, now)
                return notes.say("note_kept")
            if handoff.agent_user_id is None:
                await give(session, handoff.id, agent.telegram_user_id, now)
            stored = ("(corrected) " if edited else "") + (text or MEDIA_NOTE)
            wrote_last = await CardReads(session).replied_last(handoff.conversation_id)
            message_id = await handoffs.add_agent_message(handoff.conversation_id, stored, agent.name)
            await handoffs.mark_first_reply(handoff.id, now)
            waited = await ReplyWaits(session).answered(handoff.id)
        if handoff.agent_user_id is None or waited or not wrote_last or not agent.name.startswith(wrote_last):
            self.cards.refresh_soon(handoff.id)  # a new owner, a wait answered, or a reply the card still shows as due
        wording = self._pack.wording_for(handoff.language).handoff
        path = "handoff.agent_corrects" if edited else "handoff.agent_says"
        template = wording.agent_corrects if edited else wording.agent_says
        said = fill(template, path, handoff.language, agent=agent.name, text=text) if text.strip() else agent.name
        answering = await self.relay.customer_twin(handoff.conversation_id, reply_to)
        parts = [said] if media is not None and captionable else split_text(said)
        if media is not None and not captionable:
            parts.append("")  # the sticker goes on its own, after the name
        delivered = 0
        first_seen: int | None = None
        try:
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                seen = await send(handoff.channel, handoff.external_id,
                                  Reply(Move.AGENT_MESSAGE, part, copy_from=media if last else None,
                                        reply_to=answering if index == 0 else None))
                first_seen = seen if first_seen is None else first_seen
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
        if topic_message_id is not None and first_seen is not None:
            await self.relay.record_sent(handoff, topic_message_id, first_seen, message_id, agent.telegram_user_id)
        if len(parts) > 1 and media is None:
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
