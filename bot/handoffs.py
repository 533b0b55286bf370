"""Handing a conversation to a named person and back: assignment, the agents' topic, the relay.

The customer always learns who will help, when, and how to reach the team; the agent gets a
forum topic with a card holding the whole context; while the handoff is open, everything the
customer sends goes to that topic and what the agent writes there reaches the customer under
the agent's name. Telegram calls stay behind ``AgentWorkspace``, so the local chat (which has
no agents' group) uses the same rules without a workspace.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.assignment import FIRST_REPLY_MINUTES, Assignment, assign

FIRST_REPLY_LEAD = dt.timedelta(minutes=2)
"""How long before a promised first reply the customer hears that it is running late."""
from bot.deadlines import format_deadline
from bot.engine import Move, Reply
from bot.escalation import REASON_LABELS, Escalation, EscalationReason
from bot.handoff_card import HandoffCard, render_card, topic_name
from bot.storage.agents import AgentProfile, AgentRepository
from bot.storage.chat_locks import ChatLocks
from bot.storage.database import Database
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from knowledge import KnowledgePack

logger = logging.getLogger(__name__)

class AgentWorkspace(Protocol):
    """Where agents work: one forum topic per handed-off customer."""

    async def open_topic(self, name: str) -> int | None: ...

    async def post(self, thread_id: int, text: str) -> None: ...

    async def relay(self, thread_id: int, label: str, text: str, chat_id: int | None, message_id: int | None) -> None:
        """Show a customer's message in the topic: text as "label: text", anything else copied as it is."""
        ...


SendToCustomer = Callable[[str, str, Reply], Awaitable[None]]
"""(channel, external id, reply): how the channel reaches a customer outside their own turn."""


@dataclass(frozen=True)
class HandoffStart:
    handoff_id: int
    reply: Reply

QUEUE_LOCK = "handoff-queue"
"""Every worker checks the queue each minute; the lock keeps two from assigning the same handoff."""


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
        return HandoffStart(handoff_id, Reply(Move.HAND_OFF, self._customer_text(language, escalation, assignment)))

    async def post_card(self, handoff_id: int) -> None:
        """Open the customer's forum topic and post the card (after the handoff is stored)."""
        if self._workspace is None:
            return
        async with self._database.session() as session:
            handoffs = HandoffRepository(session)
            handoff = await handoffs.open_by_id(handoff_id)
            if handoff is None:
                return
            card = await self._card(session, handoff)
        thread_id = await self._workspace.open_topic(topic_name(handoff.customer_name, handoff.reason, handoff.id))
        if thread_id is None:
            logger.warning("handoff %d: no forum topic could be opened; agents see it in the general thread", handoff_id)
            return
        async with self._database.session() as session:
            await HandoffRepository(session).set_thread(handoff_id, thread_id)
        await self._workspace.post(thread_id, render_card(card))

    async def assign_queued(self, send: SendToCustomer) -> int:
        """Give waiting handoffs to agents whose shift has started or who have room again; returns how many."""
        async with self._locks.hold(QUEUE_LOCK):  # one worker at a time works the queue
            if self._workspace is None:
                return 0
            now, assigned = self._now(), 0
            async with self._database.session() as session:
                waiting = await HandoffRepository(session).queued()
            for handoff in waiting:
                async with self._database.session() as session:
                    choice = assign(await AgentRepository(session).loads(now), handoff.language, None, now)
                    if choice.agent is None:
                        continue
                    expected = await _give(session, handoff.id, choice.agent.user_id, now)
                text = self._agent_text(handoff.language, "assigned", choice.agent.name, choice.agent.role, expected)
                await send(handoff.channel, handoff.external_id, Reply(Move.HAND_OFF, text))
                if handoff.thread_id is not None:
                    await self._workspace.post(handoff.thread_id, f"Assigned to {choice.agent.name}; the customer was told.")
                assigned += 1
            return assigned

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
                text = wording.handoff.first_reply_late.format(
                    agent=name, deadline=format_deadline(wording, handoff.expected_at, self._zone),
                    new_deadline=format_deadline(wording, new_time, self._zone))
                await send(handoff.channel, handoff.external_id, Reply(Move.PROMISE_UPDATE, text))
                if self._workspace is not None and handoff.thread_id is not None:
                    english = self._pack.wording_for("en")
                    await self._workspace.post(handoff.thread_id, (
                        f"Reminder for {name}: {handoff.customer_name or 'the customer'} is still waiting for a first "
                        f"reply. They were told {format_deadline(english, handoff.expected_at, self._zone)}; the new time "
                        f"is {format_deadline(english, new_time, self._zone)}."))
            return len(updates)

    async def relay_from_customer(self, handoff: OpenHandoff, label: str, text: str, message_id: int | None) -> None:
        if self._workspace is None or handoff.thread_id is None:
            return
        chat_id = int(handoff.external_id) if handoff.external_id.lstrip("-").isdigit() else None
        await self._workspace.relay(handoff.thread_id, label, text, chat_id, message_id)

    async def from_agent(self, agent_user_id: int, thread_id: int, text: str, send: SendToCustomer,
                         media: tuple[int, int] | None = None) -> str | None:
        """An agent wrote in a topic: pass it to the customer under the agent's name. Returns a note for the topic.

        ``media`` is (chat id, message id) of a photo or file the agent posted; it is passed on as it is.
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
            wording = self._pack.wording_for(handoff.language).handoff
            said = wording.agent_says.format(agent=agent.name, text=text) if text.strip() else f"{agent.name}:"
            reply = Reply(Move.AGENT_MESSAGE, said, copy_from=media)
            await handoffs.add_agent_message(handoff.conversation_id, text or "(a photo or file)", agent.name)
            await handoffs.mark_first_reply(handoff.id, now)
        await send(handoff.channel, handoff.external_id, reply)
        return None

    async def command(self, agent_user_id: int, thread_id: int | None, command: str, argument: str,
                      send: SendToCustomer) -> str:
        """take, transfer NAME, resolve, flag NOTE — from a registered agent inside a handoff topic."""
        async with self._database.session() as session:
            agents = AgentRepository(session)
            agent = await agents.get(agent_user_id)
            if agent is None:
                return f"Only registered agents can use /{command} here; nothing was changed."
            handoffs = HandoffRepository(session)
            handoff = await handoffs.open_in_thread(thread_id) if thread_id is not None else None
            if handoff is None:
                return f"/{command} works inside a customer's handoff topic; this one has no open handoff."
            now = self._now()
            if command == "take":
                return await self._take(session, handoff, agent, now, send)
            if command == "transfer":
                return await self._transfer(session, handoff, agent, argument, now, send)
            if command == "resolve":
                await handoffs.resolve(handoff.id, now)
                wording = self._pack.wording_for(handoff.language).handoff
                note = wording.resolved.format(agent=agent.name)
                reply = Reply(Move.HANDED_BACK, note)
            else:
                flagged = await handoffs.flag_last_bot_answer(handoff.conversation_id, agent.telegram_user_id, argument)
                if flagged is None:
                    return "The bot has not answered in this conversation yet, so there is nothing to flag."
                return f"Flagged for trainers: \"{flagged[:120]}\"" + (f" — {argument}" if argument else "")
        await send(handoff.channel, handoff.external_id, reply)
        logger.info("handoff %d resolved by agent", handoff.id)
        return f"Resolved by {agent.name}; the customer is back with the bot and was told so."

    async def _take(self, session: AsyncSession, handoff: OpenHandoff, agent: AgentProfile, now: dt.datetime,
                    send: SendToCustomer) -> str:
        if handoff.agent_user_id == agent.telegram_user_id:
            return f"{agent.name}, this conversation is already yours."
        loads = {load.user_id: load for load in await AgentRepository(session).loads(now)}
        mine = loads.get(agent.telegram_user_id)
        if mine is not None and mine.open_chats >= mine.max_chats:
            return f"{agent.name}, you already have {mine.open_chats} conversations (your cap is {mine.max_chats})."
        expected = await _give(session, handoff.id, agent.telegram_user_id, now)
        await session.commit()
        text = self._agent_text(handoff.language, "assigned", agent.name, agent.role, expected)
        await send(handoff.channel, handoff.external_id, Reply(Move.HAND_OFF, text))
        return f"{agent.name} took this conversation; the customer was told your name and when to expect you."

    async def _transfer(self, session: AsyncSession, handoff: OpenHandoff, agent: AgentProfile, argument: str,
                        now: dt.datetime, send: SendToCustomer) -> str:
        wanted = argument.strip().lower()
        if not wanted:
            return "Say who should take it: /transfer NAME (or their Telegram user id)."
        loads = await AgentRepository(session).loads(now)
        target = next((a for a in loads if a.name.lower() == wanted or str(a.user_id) == wanted), None)
        if target is None:
            return f"No active agent called '{argument.strip()[:40]}'. Registered: {', '.join(a.name for a in loads)}."
        if target.user_id == handoff.agent_user_id:
            return f"{target.name} already has this conversation."
        if target.open_chats >= target.max_chats:
            return f"{target.name} is at their cap ({target.max_chats} conversations); pick someone else."
        expected = await _give(session, handoff.id, target.user_id, now)
        await session.commit()
        wording = self._pack.wording_for(handoff.language)
        text = wording.handoff.transferred.format(agent=agent.name, new_agent=target.name, role=target.role,
                                                  deadline=format_deadline(wording, expected, self._zone))
        await send(handoff.channel, handoff.external_id, Reply(Move.HAND_OFF, text))
        return f"Transferred to {target.name}; the customer was told."

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
        return template.format(agent=name, role=role, deadline=format_deadline(wording, when, self._zone))


async def _give(session: AsyncSession, handoff_id: int, agent_user_id: int, now: dt.datetime) -> dt.datetime:
    """Make the handoff this agent's; returns when they should first reply."""
    expected = now + dt.timedelta(minutes=FIRST_REPLY_MINUTES)
    await HandoffRepository(session).assign(handoff_id, agent_user_id, expected, now)
    await AgentRepository(session).mark_assigned(agent_user_id, now)
    return expected
