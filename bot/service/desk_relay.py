"""What passes between a customer's chat and their topic, and what must not: private by default.

An agent's ``!…`` (or /note) is a note for the team, kept with the case and never sent; a registered
agent writing in a colleague's topic is not sent either (kept as their note) and is asked, once per
handoff, whether to take it over; a reply typed outside any topic is caught and the agent told where
it went (nowhere). What does pass keeps Telegram's shape on both sides: a reply-to stays a reply, an
edit edits the twin in place (marked edited), media go as one message with the sender's name on it. An edit of
words kept private (a note, a colleague's aside; recorded as ``kept``) is never sent; an edit of a message
the desk has no record of reaches the customer as a marked correction. The twins are found through
``RelayedMessage`` rows. Sends run after the unit of work commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.delivery import CustomerUnreachable, DeliveryRefused, TopicGone
from bot.policy.agent_words import looks_like_customer_reply, note_text
from bot.policy.assignment import AgentProfile
from bot.policy.model import Move, Reply
from bot.service.handoff_cards import HandoffCards, telegram_chat
from bot.service.handoff_contact import AgentNotes, CustomerContact, SendToCustomer, agent_notes
from bot.storage.agents import AgentRepository
from bot.storage.case_notes import CaseNoteRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from bot.storage.relayed import Direction, Relayed, RelayedMessages, RelayedRecord, TakeoverOffers, open_customers_of
from knowledge import KnowledgePack, fill

logger = logging.getLogger(__name__)
MEDIA_NOTE = "(a photo or file)"


@dataclass(frozen=True)
class AgentMessage:
    """One message (or edit) a person wrote in the agents' group, as the channel read it."""

    user_id: int
    thread_id: int
    message_id: int
    text: str
    media: tuple[int, int] | None = None
    """(chat id, message id) of a photo, voice note or file: passed on as it is, ``text`` its caption."""
    captionable: bool = True
    """Whether that media can carry a caption (a sticker cannot)."""
    edited: bool = False
    reply_to: int | None = None
    """The topic message it replies to (not the topic's own first message)."""


@dataclass(frozen=True)
class AgentAnswer:
    """What the agent hears back: ``note`` in the topic, ``privately`` in a direct message (``note`` when that
    is refused: the agent never started the bot)."""

    note: str | None = None
    privately: str | None = None


@dataclass(frozen=True)
class CustomerMessage:
    """A customer's message during a handoff, for their topic."""

    label: str
    text: str
    message_id: int | None
    media: str = ""
    """What they sent when it is not text ("photo", "voice", …); ``text`` is then its caption."""
    reply_to: int | None = None
    """The message in their chat it replies to."""
    edited: bool = False


class PassOn(Protocol):
    """``HandoffDesk.from_agent``: the one path by which an agent's words reach the customer."""

    async def __call__(self, agent_user_id: int, thread_id: int, text: str, send: SendToCustomer,
                       media: tuple[int, int] | None = None, edited: bool = False,
                       topic_message_id: int | None = None, reply_to: int | None = None,
                       captionable: bool = True) -> str | None: ...


class DeskRelay:
    def __init__(self, database: Database, pack: KnowledgePack, cards: HandoffCards, contact: CustomerContact,
                 now: Callable[[], dt.datetime], pass_on: PassOn) -> None:
        self._database = database
        self._pack = pack
        self._cards = cards
        self._contact = contact
        self._now = now
        self._pass_on = pass_on

    # -- the agents' side --------------------------------------------------------------------
    async def from_agent(self, message: AgentMessage, send: SendToCustomer) -> AgentAnswer:
        """A note, a colleague's words, an edit in place, or (only from the one who has the chat) a message."""
        words = note_text(message.text)
        ask_owner: str | None = None
        twin: Relayed | None = None
        async with self._database.session() as session:
            agent = await AgentRepository(session).get(message.user_id)
            if agent is None:
                return AgentAnswer()  # colleagues who are not registered agents may talk in the topic
            notes = agent_notes(self._pack, agent.languages)
            handoff = await HandoffRepository(session).open_in_thread(message.thread_id)
            if handoff is None:
                return AgentAnswer(None if words is not None else notes.say("not_relayed"))
            colleague = handoff.agent_user_id not in (None, agent.telegram_user_id)
            kept_back = words is not None or colleague
            if kept_back:
                if message.edited or (words == "" and message.media is None):
                    return AgentAnswer()  # never sent, and nothing new to keep
                ask_owner = await self._keep_as_note(session, handoff, agent, words, message, colleague)
            elif message.edited:
                twin = await RelayedMessages(session).in_topic(handoff.conversation_id, message.message_id)
        if kept_back:
            self._cards.refresh_soon(handoff.id)
            logger.info("handoff %d: an agent's words kept as a note (%s)", handoff.id,
                        "marked" if words is not None else "not the owner")
            if words is not None:
                return AgentAnswer(notes.say("note_kept"))
            if ask_owner is None:
                return AgentAnswer()
            return AgentAnswer(privately=notes.say("not_yours", agent=agent.name, customer=notes.customer(handoff),
                                                   owner=ask_owner))
        if message.edited and twin is not None:
            if twin.direction is not Direction.TO_CUSTOMER or twin.customer_message_id is None:
                return AgentAnswer()  # words kept private (or not an agent's): never hers, so nothing to correct
            edited = await self._edit_for_customer(handoff, agent.name, twin, message, send, notes)
            if edited is not None:
                return AgentAnswer(edited or None)
        return AgentAnswer(await self._pass_on(
            message.user_id, message.thread_id, message.text, send,
            None if message.edited else message.media, edited=message.edited,
            topic_message_id=message.message_id, reply_to=message.reply_to, captionable=message.captionable))

    async def _keep_as_note(self, session: AsyncSession, handoff: OpenHandoff, agent: AgentProfile,
                            words: str | None, message: AgentMessage, colleague: bool) -> str | None:
        """Keep the words with the case; returns the owner's name when a colleague is to be asked, for the first
        time in this handoff, whether to take it over (None: no question to ask).

        The topic message is recorded as kept, so a later edit of it (after its writer took the chat, say)
        is known to be private and is not sent, while an edit of a message the desk has no record of at all
        still reaches the customer as a marked correction."""
        now = self._now()
        await CaseNoteRepository(session).add(handoff.conversation_id, handoff.id, agent.telegram_user_id, agent.name,
                                              (words if words is not None else message.text) or MEDIA_NOTE, now)
        await RelayedMessages(session).add(RelayedRecord(handoff.id, handoff.conversation_id, Direction.KEPT, None,
                                                         message.message_id, sender_user_id=agent.telegram_user_id))
        if not colleague or words is not None or handoff.agent_user_id is None:
            return None
        if not await TakeoverOffers(session).first_time(handoff.id, agent.telegram_user_id, now):
            return None
        owner = await AgentRepository(session).get(handoff.agent_user_id)
        return owner.name if owner is not None else "?"

    async def _edit_for_customer(self, handoff: OpenHandoff, agent: str, twin: Relayed, message: AgentMessage,
                                 send: SendToCustomer, notes: AgentNotes) -> str | None:
        """Edit the customer's copy in place; returns the note for the topic ("" for none), or None when
        Telegram would not edit it (too old, gone) and a new message must say the correction instead."""
        assert twin.customer_message_id is not None
        wording = self._pack.wording_for(handoff.language).handoff
        said = (fill(wording.agent_edited, "handoff.agent_edited", handoff.language, agent=agent, text=message.text)
                if message.text.strip() else agent)
        try:
            await send(handoff.channel, handoff.external_id,
                       Reply(Move.AGENT_MESSAGE, said, copy_from=message.media, edit_of=twin.customer_message_id))
        except CustomerUnreachable:
            return await self._contact.close_for_good(handoff, notes)
        except DeliveryRefused as refused:
            logger.info("handoff %d: the customer's copy could not be edited (%s); sending the correction",
                        handoff.id, refused.reason)
            return None
        if twin.stored_message_id is not None:  # the transcript keeps what the customer now sees
            async with self._database.session() as session:
                await HandoffRepository(session).amend_agent_message(twin.stored_message_id,
                                                                     message.text or MEDIA_NOTE)
        return ""

    async def outside_topic(self, user_id: int, text: str) -> str | None:
        """A registered agent's customer-looking reply typed outside any topic: say it went nowhere, and where to
        write instead. Colleagues' talk ("lunch?") and agents with no open conversation hear nothing."""
        if not looks_like_customer_reply(text):
            return None
        async with self._database.session() as session:
            agent = await AgentRepository(session).get(user_id)
            if agent is None:
                return None
            customers = await open_customers_of(session, agent.telegram_user_id)
        if not customers:
            return None
        notes = agent_notes(self._pack, agent.languages)
        names = ", ".join(name or notes.wording.agents.the_customer for name in customers)
        return notes.say("went_nowhere", agent=agent.name, topics=names)

    async def record_sent(self, handoff: OpenHandoff, topic_message_id: int, customer_message_id: int,
                          stored_message_id: int | None, sender_user_id: int) -> None:
        """An agent's message reached the customer: remember the pair, for a later edit or reply-to."""
        async with self._database.session() as session:
            await RelayedMessages(session).add(RelayedRecord(
                handoff.id, handoff.conversation_id, Direction.TO_CUSTOMER, customer_message_id, topic_message_id,
                stored_message_id, sender_user_id))

    async def customer_twin(self, conversation_id: int, topic_message_id: int | None) -> int | None:
        """The message in the customer's chat that a topic message stands for (their own, or an agent's copy)."""
        if topic_message_id is None:
            return None
        async with self._database.session() as session:
            twin = await RelayedMessages(session).in_topic(conversation_id, topic_message_id)
        return twin.customer_message_id if twin is not None else None

    # -- the customer's side -----------------------------------------------------------------
    async def from_customer(self, handoff: OpenHandoff, message: CustomerMessage) -> None:
        """Show the customer's message in their topic: as a reply where they replied, edited in place where
        they edited, their media with their name on it."""
        chat_id = telegram_chat(handoff)
        async with self._database.session() as session:
            twins = RelayedMessages(session)
            answered = (await twins.in_customer_chat(handoff.conversation_id, message.reply_to)
                        if message.reply_to is not None else None)
            earlier = (await twins.in_customer_chat(handoff.conversation_id, message.message_id, Direction.TO_TOPIC)
                       if message.edited and message.message_id is not None else None)
        shown: list[int] = []

        async def relay(thread_id: int) -> None:
            if earlier is not None and earlier.topic_message_id is not None:
                try:
                    await self._cards.workspace.edit_relay(thread_id, earlier.topic_message_id, message.label,
                                                           message.text)
                    return
                except TopicGone:
                    raise
                except DeliveryRefused as refused:
                    logger.info("handoff %d: the quote could not be edited (%s); posting the new version",
                                handoff.id, refused.reason)
            posted = await self._cards.workspace.relay(
                thread_id, message.label, message.text, chat_id, message.message_id, message.media,
                answered.topic_message_id if answered is not None else None, message.edited)
            if posted is not None:
                shown.append(posted)

        if not await self._cards.in_topic(handoff.id, relay, messages=2 if message.media else 1):
            logger.info("handoff %d: message kept for the card still to be posted", handoff.id)
        self._cards.refresh_soon(handoff.id)  # their words, and how long they wait
        if shown and message.message_id is not None:
            async with self._database.session() as session:
                await RelayedMessages(session).add(RelayedRecord(
                    handoff.id, handoff.conversation_id, Direction.TO_TOPIC, message.message_id, shown[0]))
