"""Handing a conversation to a named person and back: assignment, the agents' topic, the relay.

The customer always learns who will help, when, and how to reach the team; the agent gets a
forum topic with a card holding the whole context; while the handoff is open, everything the
customer sends goes to that topic and what the agent writes there reaches the customer under
the agent's name. Telegram calls stay behind ``AgentWorkspace``, so the local chat (which has
no agents' group) uses the same rules without a workspace.

The customer's reply never waits on the agents' group: Telegram takes about 20 messages a
minute there, so the topic and its card are posted in the background after the handoff is
stored, a crisis first, and a sweep posts any card a stopped worker left behind. Work in one
topic runs under that topic's own lock, and the wait for the group's rate comes before it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.assignment import FIRST_REPLY_MINUTES, Assignment, assign
from bot.policy.deadlines import format_deadline
from bot.channels.delivery import ChannelClosing, CustomerUnreachable, DeliveryRefused, TopicGone, split_text
from bot.policy.decide import Move, Reply
from bot.policy.escalation import REASON_LABELS, Escalation, EscalationReason
from bot.policy.handoff_card import HandoffCard, render_card, topic_name
from bot.policy.assignment import AgentProfile
from bot.storage.agents import AgentRepository
from bot.storage.chat_locks import ChatLocks
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from knowledge import KnowledgePack, fill

logger = logging.getLogger(__name__)

FIRST_REPLY_LEAD = dt.timedelta(minutes=2)
"""How long before a promised first reply the customer hears that it is running late."""
CARD_SWEEP_AGE = dt.timedelta(seconds=60)
"""A handoff this old without a topic lost its card to a stopped worker (or no topic could be opened)."""
STRANGER_NOTE_EVERY = dt.timedelta(days=1)
"""Someone in the agents' group who is not an agent is told so at most this often."""
SHUTDOWN_GRACE_SECONDS = 5.0


class AgentWorkspace(Protocol):
    """Where agents work: one forum topic per handed-off customer.

    Posting methods raise ``TopicGone`` when the topic was deleted; ``ready`` waits for the
    group's message rate and is called before any lock is taken.
    """

    async def ready(self, urgent: bool = False, messages: int = 1) -> None: ...

    def stop_waiting(self) -> None:
        """The bot is stopping: posts still waiting for the group's rate end with ``ChannelClosing``."""
        ...

    async def open_topic(self, name: str) -> int | None: ...

    async def post(self, thread_id: int, text: str) -> None: ...

    async def relay(self, thread_id: int, label: str, text: str, chat_id: int | None, message_id: int | None) -> None:
        """Show a customer's message in the topic, unmistakably as theirs; anything but text is copied as it is."""
        ...

    async def remove_topic(self, thread_id: int) -> TopicFate:
        """After an erasure: delete the topic; failing that, strip the customer's name from it and say why."""
        ...


class TopicFate(Enum):
    """What became of an erased customer's agents' topic."""

    DELETED = "deleted"
    SCRUBBED = "scrubbed"
    """Could not be deleted: renamed to a neutral name, with a note asking a person to delete it."""
    LEFT = "left"
    """Not deleted and no note posted (or no agents' group to reach): a person must delete it."""


SendToCustomer = Callable[[str, str, Reply], Awaitable[None]]
"""(channel, external id, reply): how the channel reaches a customer outside their own turn.
Raises ``CustomerUnreachable`` or ``DeliveryRefused`` when the platform refuses for good."""


@dataclass(frozen=True)
class HandoffStart:
    handoff_id: int
    reply: Reply
    urgent: bool = False
    """A crisis: its card goes before every other waiting post in the agents' group."""


QUEUE_LOCK = "handoff-queue"
"""Every worker checks the queue each minute; the lock keeps two from assigning the same handoff."""


def topic_lock(handoff_id: int) -> str:
    """One handoff's topic: its card, relays and notes go out one at a time, in order, across workers."""
    return f"handoff-topic:{handoff_id}"


class HandoffDesk:
    def __init__(self, database: Database, pack: KnowledgePack, zone: ZoneInfo,
                 now: Callable[[], dt.datetime], workspace: AgentWorkspace | None = None,
                 locks: ChatLocks | None = None) -> None:
        self._database = database
        self._locks = locks or ChatLocks()
        self._pack = pack
        self._zone = zone
        self._now = now
        self._workspace = workspace
        self._background: set[asyncio.Task[None]] = set()
        self._cards_in_flight: set[int] = set()
        self._strangers_told: dict[int, dt.datetime] = {}

    def attach_workspace(self, workspace: AgentWorkspace) -> None:
        self._workspace = workspace

    async def start(self, session: AsyncSession, conversation_id: int, language: str, escalation: Escalation,
                    feelings: tuple[float, float] | None, skill: str | None) -> HandoffStart:
        """Record the handoff, pick the agent, and word what the customer is told (in the turn's transaction)."""
        now = self._now()
        agents = AgentRepository(session)
        assignment = assign(await agents.loads(now), language, skill, now) if self._workspace else Assignment(None, None)
        agent = assignment.agent
        handoff_id = await HandoffRepository(session).create(
            conversation_id, escalation.reason.value, escalation.detail, language,
            agent.user_id if agent else None, assignment.expected_at, feelings, now,
        )
        if agent is not None:
            await agents.mark_assigned(agent.user_id, now)
        logger.info("handoff %d opened reason=%s assigned=%s", handoff_id, escalation.reason.for_logs, bool(agent))
        return HandoffStart(handoff_id, Reply(Move.HAND_OFF, self._customer_text(language, escalation, assignment)),
                            urgent=escalation.reason is EscalationReason.SELF_HARM)

    # -- the card, in the background --------------------------------------------------------
    def post_card_soon(self, started: HandoffStart) -> None:
        """After the handoff is committed: open its topic and post its card without holding anyone up."""
        if self._workspace is None:
            return
        self._cards_in_flight.add(started.handoff_id)
        self._spawn(self._post_card_in_background(started.handoff_id, started.urgent))

    async def _post_card_in_background(self, handoff_id: int, urgent: bool) -> None:
        try:
            await self.post_card(handoff_id, urgent)
        except ChannelClosing:
            logger.info("handoff %d: the bot is stopping; the next start's sweep posts the card", handoff_id)
        except (TopicGone, DeliveryRefused, OSError) as error:
            logger.warning("handoff %d: the card could not be posted (%s); the sweep tries again",
                           handoff_id, type(error).__name__)
        finally:
            self._cards_in_flight.discard(handoff_id)

    async def post_card(self, handoff_id: int, urgent: bool = False) -> None:
        """Open the customer's forum topic and post the card, unless another worker already did."""
        workspace = self._workspace
        if workspace is None:
            return
        await workspace.ready(urgent, messages=2)
        async with self._locks.hold(topic_lock(handoff_id)):
            async with self._database.session() as session:
                handoff = await HandoffRepository(session).open_by_id(handoff_id)
            if handoff is None or handoff.thread_id is not None:
                return
            await self._open_topic_with_card(workspace, handoff)

    async def post_missing_cards(self) -> int:
        """Post the cards a stopped worker left behind (handoffs stored, customer told, no topic yet)."""
        if self._workspace is None:
            return 0
        async with self._database.session() as session:
            missing = await HandoffRepository(session).without_topic(self._now() - CARD_SWEEP_AGE)
        posted = 0
        for handoff in missing:
            if handoff.id in self._cards_in_flight:
                continue
            await self.post_card(handoff.id, urgent=handoff.reason == EscalationReason.SELF_HARM.value)
            posted += 1
        return posted

    async def _open_topic_with_card(self, workspace: AgentWorkspace, handoff: OpenHandoff) -> int | None:
        """Under the topic's lock: a new topic, its card, then the thread recorded (a crash before that
        leaves the handoff to the sweep, which opens a fresh topic)."""
        thread_id = await workspace.open_topic(topic_name(handoff.customer_name, handoff.reason, handoff.id))
        if thread_id is None:
            logger.warning("handoff %d: no forum topic could be opened; the sweep tries again", handoff.id)
            return None
        async with self._database.session() as session:
            current = await HandoffRepository(session).by_id(handoff.id)
            card = await self._card(session, current or handoff)
        await workspace.post(thread_id, render_card(card))
        async with self._database.session() as session:
            await HandoffRepository(session).set_thread(handoff.id, thread_id)
        logger.info("handoff %d: topic opened and card posted", handoff.id)
        return thread_id

    async def _in_topic(self, handoff_id: int, act: Callable[[int], Awaitable[None]], messages: int = 1) -> bool:
        """Do ``act(thread_id)`` in the handoff's topic, under its lock; a deleted topic is opened anew, card first.

        False when the handoff has no topic yet: its card, still to come, will show what happened.
        """
        workspace = self._workspace
        if workspace is None:
            return False
        await workspace.ready(messages=messages)
        async with self._locks.hold(topic_lock(handoff_id)):
            async with self._database.session() as session:
                handoff = await HandoffRepository(session).by_id(handoff_id)
            if handoff is None or handoff.thread_id is None:
                return False
            try:
                await act(handoff.thread_id)
                return True
            except TopicGone:
                logger.warning("handoff %d: its topic is gone; opening a new one with the card", handoff_id)
            await workspace.ready(messages=2)
            thread_id = await self._open_topic_with_card(workspace, handoff)
            if thread_id is None:
                return False
            await act(thread_id)
            return True

    async def note_in_topic(self, handoff_id: int, text: str) -> bool:
        """A line for the agents in the handoff's topic (never in the group's General topic)."""
        workspace = self._workspace
        if workspace is None:
            return False

        async def post(thread_id: int) -> None:
            await workspace.post(thread_id, text)

        return await self._in_topic(handoff_id, post)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def wait_for_background(self) -> None:
        """Until every card and note started so far is out (tests, and a clean stop)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def close(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Posts still waiting for their turn give up, posts under way get a moment to finish; what is
        left is the next start's sweep's."""
        if self._workspace is not None:
            self._workspace.stop_waiting()
        if not self._background:
            return
        _, pending = await asyncio.wait(list(self._background), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            logger.info("%d agents' posts left for the next start's sweep", len(pending))

    async def remove_topics(self, thread_ids: tuple[int, ...]) -> dict[int, TopicFate]:
        """An erased customer's topics, removed from the agents' group (after the erasure is committed)."""
        if self._workspace is None:
            return dict.fromkeys(thread_ids, TopicFate.LEFT)
        return {thread_id: await self._workspace.remove_topic(thread_id) for thread_id in thread_ids}


    # -- the queue ------------------------------------------------------------------------
    async def assign_queued(self, send: SendToCustomer) -> int:
        """Give waiting handoffs to agents whose shift has started or who have room again; returns how many."""
        if self._workspace is None:
            return 0
        given: list[tuple[OpenHandoff, str, str]] = []
        async with self._locks.hold(QUEUE_LOCK):  # one worker at a time works the queue
            now = self._now()
            async with self._database.session() as session:
                waiting = await HandoffRepository(session).queued()
            for handoff in waiting:
                async with self._database.session() as session:
                    choice = assign(await AgentRepository(session).loads(now), handoff.language, None, now)
                    if choice.agent is None:
                        continue
                    expected = await _give(session, handoff.id, choice.agent.user_id, now)
                text = self._agent_text(handoff.language, "assigned", choice.agent.name, choice.agent.role, expected)
                given.append((handoff, choice.agent.name, text))
        for handoff, name, text in given:  # the sends wait for Telegram's limits, so no lock is held for them
            if await self._tell_customer(handoff, Reply(Move.HAND_OFF, text), send):
                await self.note_in_topic(handoff.id, f"Assigned to {name}; the customer was told.")
        return len(given)

    async def remind_late_first_replies(self, send: SendToCustomer) -> int:
        """Before a promised first reply is missed, tell the customer honestly, give a new time, nudge the topic."""
        async with self._locks.hold(QUEUE_LOCK):  # one worker at a time works the queue
            now = self._now()
            async with self._database.session() as session:
                handoffs = HandoffRepository(session)
                late = await handoffs.awaiting_first_reply(now + FIRST_REPLY_LEAD)
                updates = []
                for handoff in late:
                    assert handoff.expected_at is not None and handoff.agent_user_id is not None
                    agent = await AgentRepository(session).get(handoff.agent_user_id)
                    new_time = max(now, handoff.expected_at) + dt.timedelta(minutes=FIRST_REPLY_MINUTES)
                    await handoffs.set_expected(handoff.id, new_time)
                    updates.append((handoff, agent.name if agent else "", new_time))
        for handoff, name, new_time in updates:
            assert handoff.expected_at is not None
            wording = self._pack.wording_for(handoff.language)
            text = fill(
                wording.handoff.first_reply_late, "handoff.first_reply_late", wording.language, agent=name, deadline=format_deadline(wording, handoff.expected_at, self._zone),
                new_deadline=format_deadline(wording, new_time, self._zone))
            if not await self._tell_customer(handoff, Reply(Move.PROMISE_UPDATE, text), send):
                continue
            english = self._pack.wording_for("en")
            await self.note_in_topic(handoff.id, (
                f"Reminder for {name}: {handoff.customer_name or 'the customer'} is still waiting for a first "
                f"reply. They were told {format_deadline(english, handoff.expected_at, self._zone)}; the new time "
                f"is {format_deadline(english, new_time, self._zone)}."))
        return len(updates)

    # -- the customer's side ------------------------------------------------------------------
    async def relay_from_customer(self, handoff: OpenHandoff, label: str, text: str, message_id: int | None) -> None:
        workspace = self._workspace
        if workspace is None:
            return
        chat_id = int(handoff.external_id) if handoff.external_id.lstrip("-").isdigit() else None

        async def relay(thread_id: int) -> None:
            await workspace.relay(thread_id, label, text, chat_id, message_id)

        if not await self._in_topic(handoff.id, relay, messages=1 if text.strip() else 2):
            logger.info("handoff %d: message kept for the card still to be posted", handoff.id)

    async def customer_unreachable(self, channel: str, external_id: str) -> None:
        """The customer blocked the bot: close their conversation, and tell the agent who had it."""
        async with self._database.session() as session:
            conversation_id = await ConversationRepository(session).close_open_of(channel, external_id)
            handoff = await HandoffRepository(session).open_for(conversation_id) if conversation_id else None
        logger.info("customer unreachable: conversation %s closed", conversation_id)
        if handoff is not None:
            await self.note_in_topic(handoff.id, await self._close_for_good(handoff))

    async def _tell_customer(self, handoff: OpenHandoff, reply: Reply, send: SendToCustomer) -> bool:
        """Send outside the customer's own turn; a customer who blocked the bot closes the case and the topic hears why."""
        try:
            await send(handoff.channel, handoff.external_id, reply)
            return True
        except CustomerUnreachable:
            await self.note_in_topic(handoff.id, await self._close_for_good(handoff))
        except DeliveryRefused as refused:
            logger.warning("handoff %d: a message to the customer was refused: %s", handoff.id, refused.reason)
            await self.note_in_topic(handoff.id, f"Telegram refused a message to the customer ({refused.reason}).")
        return False

    async def _close_for_good(self, handoff: OpenHandoff) -> str:
        async with self._database.session() as session:
            await HandoffRepository(session).customer_gone(handoff.id, self._now())
        logger.info("handoff %d closed: the customer can no longer be reached", handoff.id)
        return (f"{handoff.customer_name or 'The customer'} has blocked the bot (or deleted their account), so "
                "nothing more can reach them. This conversation is closed.")

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
            handoffs = HandoffRepository(session)
            handoff = await handoffs.open_in_thread(thread_id)
            if handoff is None:
                return "This topic has no open handoff, so nothing was sent to a customer."
            now = self._now()
            if handoff.agent_user_id is None:
                await _give(session, handoff.id, agent.telegram_user_id, now)
            stored = ("(corrected) " if edited else "") + (text or "(a photo or file)")
            message_id = await handoffs.add_agent_message(handoff.conversation_id, stored, agent.name)
            await handoffs.mark_first_reply(handoff.id, now)
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
            return await self._close_for_good(handoff)
        except DeliveryRefused as refused:
            logger.warning("handoff %d: the agent's message was refused: %s", handoff.id, refused.reason)
            name = handoff.customer_name or "the customer"
            if delivered == 0:
                await self._amend(message_id, None)
                return (f"Telegram refused this message ({refused.reason}), so {name} did not get it. "
                        "Nothing was stored; please send it again in another form.")
            await self._amend(message_id, f"{stored} [only {delivered} of {len(parts)} parts were delivered]")
            return (f"Only {delivered} of {len(parts)} parts reached {name}: Telegram refused the rest "
                    f"({refused.reason}). Please send the rest again.")
        if len(parts) > 1:
            return f"Your message was longer than Telegram allows, so it went in {len(parts)} parts."
        return None

    async def _amend(self, message_id: int, text: str | None) -> None:
        async with self._database.session() as session:
            await HandoffRepository(session).amend_agent_message(message_id, text)

    async def command(self, agent_user_id: int, thread_id: int | None, command: str, argument: str,
                      send: SendToCustomer) -> str:
        """take, transfer NAME, resolve, flag NOTE — from a registered agent inside a handoff topic.

        Returns the note for the topic; "" means say nothing (a stranger already told today).
        """
        async with self._database.session() as session:
            agent = await AgentRepository(session).get(agent_user_id)
            if agent is None:
                return self._stranger_note(agent_user_id, command)
            handoff = await HandoffRepository(session).open_in_thread(thread_id) if thread_id is not None else None
            if handoff is None:
                return f"/{command} works inside a customer's handoff topic; this one has no open handoff."
            now = self._now()
            if command == "take":
                note, reply = await self._take(session, handoff, agent, now)
            elif command == "transfer":
                note, reply = await self._transfer(session, handoff, agent, argument, now)
            elif command == "resolve":
                await HandoffRepository(session).resolve(handoff.id, now)
                wording = self._pack.wording_for(handoff.language).handoff
                reply = Reply(Move.HANDED_BACK, fill(wording.resolved, "handoff.resolved", handoff.language, agent=agent.name))
                note = f"Resolved by {agent.name}; the customer is back with the bot and was told so."
                logger.info("handoff %d resolved by agent", handoff.id)
            else:
                flagged = await HandoffRepository(session).flag_last_bot_answer(
                    handoff.conversation_id, agent.telegram_user_id, argument)
                if flagged is None:
                    return "The bot has not answered in this conversation yet, so there is nothing to flag."
                return f"Flagged for trainers: \"{flagged[:120]}\"" + (f" — {argument}" if argument else "")
        if reply is not None and not await self._tell_customer(handoff, reply, send):
            return f"{note.split(';')[0]}, but the customer could not be told: see above."
        return note

    def _stranger_note(self, user_id: int, command: str) -> str:
        """Once a day at most: thirty commands from someone who is not an agent must not flood the group."""
        now = self._now()
        told = self._strangers_told.get(user_id)
        if told is not None and now - told < STRANGER_NOTE_EVERY:
            return ""
        self._strangers_told[user_id] = now
        return f"Only registered agents can use /{command} here; nothing was changed."

    async def _take(self, session: AsyncSession, handoff: OpenHandoff, agent: AgentProfile,
                    now: dt.datetime) -> tuple[str, Reply | None]:
        if handoff.agent_user_id == agent.telegram_user_id:
            return f"{agent.name}, this conversation is already yours.", None
        loads = {load.user_id: load for load in await AgentRepository(session).loads(now)}
        mine = loads.get(agent.telegram_user_id)
        if mine is not None and mine.open_chats >= mine.max_chats:
            return f"{agent.name}, you already have {mine.open_chats} conversations (your cap is {mine.max_chats}).", None
        expected = await _give(session, handoff.id, agent.telegram_user_id, now)
        text = self._agent_text(handoff.language, "assigned", agent.name, agent.role, expected)
        return (f"{agent.name} took this conversation; the customer was told your name and when to expect you.",
                Reply(Move.HAND_OFF, text))

    async def _transfer(self, session: AsyncSession, handoff: OpenHandoff, agent: AgentProfile, argument: str,
                        now: dt.datetime) -> tuple[str, Reply | None]:
        wanted = argument.strip().lower()
        if not wanted:
            return "Say who should take it: /transfer NAME (or their Telegram user id).", None
        loads = await AgentRepository(session).loads(now)
        target = next((a for a in loads if a.name.lower() == wanted or str(a.user_id) == wanted), None)
        if target is None:
            return (f"No active agent called '{argument.strip()[:40]}'. "
                    f"Registered: {', '.join(a.name for a in loads)}."), None
        if target.user_id == handoff.agent_user_id:
            return f"{target.name} already has this conversation.", None
        if target.open_chats >= target.max_chats:
            return f"{target.name} is at their cap ({target.max_chats} conversations); pick someone else.", None
        expected = await _give(session, handoff.id, target.user_id, now)
        wording = self._pack.wording_for(handoff.language)
        text = fill(wording.handoff.transferred, "handoff.transferred", wording.language, agent=agent.name,
                    new_agent=target.name, role=target.role, deadline=format_deadline(wording, expected, self._zone))
        return f"Transferred to {target.name}; the customer was told.", Reply(Move.HAND_OFF, text)

    async def _card(self, session: AsyncSession, handoff: OpenHandoff) -> HandoffCard:
        context = await HandoffRepository(session).card_context(handoff.conversation_id)
        wording = self._pack.wording_for("en")
        assignee = "waiting for the next agent on shift"
        if handoff.agent_user_id is not None:
            agent = await AgentRepository(session).get(handoff.agent_user_id)
            if agent is not None:
                when = format_deadline(wording, handoff.expected_at, self._zone) if handoff.expected_at else ""
                assignee = f"{agent.name}, {agent.role}" + (f" — first reply {when}" if when else "")
        elif handoff.expected_at is not None:
            assignee = f"nobody on shift; the customer was told a person looks {format_deadline(wording, handoff.expected_at, self._zone)}"
        topic = self._pack.topic(context.topic_id, "en") if context.topic_id else None
        promises = tuple(f"{topic_id}: {format_deadline(wording, due, self._zone)}" for topic_id, due in context.open_promises)
        return HandoffCard(handoff.id, handoff.customer_name, handoff.language,
                           REASON_LABELS[EscalationReason(handoff.reason)], handoff.detail, assignee,
                           topic.problem if topic else "", context, promises)

    def _customer_text(self, language: str, escalation: Escalation, assignment: Assignment) -> str:
        wording = self._pack.wording_for(language)
        parts = [wording.handoff.crisis] if escalation.reason is EscalationReason.SELF_HARM else []
        agent = assignment.agent or assignment.next_agent
        if agent is None or assignment.expected_at is None:
            parts.append(wording.handoff.unavailable)
        else:
            which = "assigned" if assignment.agent else "queued"
            parts.append(self._agent_text(language, which, agent.name, agent.role, assignment.expected_at))
        return "\n\n".join(parts)

    def _agent_text(self, language: str, which: str, name: str, role: str, when: dt.datetime) -> str:
        """"Marta, Customer care specialist, … will reply {deadline}": the assigned or queued line."""
        wording = self._pack.wording_for(language)
        template = wording.handoff.assigned if which == "assigned" else wording.handoff.queued
        return fill(template, f"handoff.{which}", language, agent=name, role=role,
                    deadline=format_deadline(wording, when, self._zone))


async def _give(session: AsyncSession, handoff_id: int, agent_user_id: int, now: dt.datetime) -> dt.datetime:
    """Make the handoff this agent's; returns when they should first reply."""
    expected = now + dt.timedelta(minutes=FIRST_REPLY_MINUTES)
    await HandoffRepository(session).assign(handoff_id, agent_user_id, expected, now)
    await AgentRepository(session).mark_assigned(agent_user_id, now)
    return expected
