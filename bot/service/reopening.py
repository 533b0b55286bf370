"""Asking for the same person again: a new handoff in the previous one's topic, given to that person when they can
take it, and otherwise the honest who and when.

The topic and its pinned card are the previous handoff's: the card is refreshed in place (owner, status, title),
never posted again, so the agents see the whole story in one place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.assignment import Assignment, assign_asked_for
from bot.policy.escalation import EscalationReason
from bot.policy.same_person import asks_for_same_person
from bot.storage.agents import AgentRepository
from bot.storage.handbacks import HandbackRepository, HandbackView
from bot.storage.reply_waits import ReplyWaits


@dataclass(frozen=True)
class Reopened:
    """The reopened handoff, whom the customer asked for, and who (if anyone) has it now."""

    handoff_id: int
    wanted: str
    assignment: Assignment
    same_person: bool


async def asked_again(session: AsyncSession, customer_id: int, text: str) -> tuple[HandbackView, str] | None:
    """The handed-back handoff to reopen and the agent asked for, when the text asks for the same person again."""
    previous = await HandbackRepository(session).of_customer(customer_id)
    if previous is None or previous.thread_id is None:
        return None
    agents = await AgentRepository(session).list()
    before = next((a.name for a in agents if a.telegram_user_id == previous.agent_user_id), None)
    wanted = asks_for_same_person(text, tuple(a.name for a in agents if a.active), before)
    return (previous, wanted) if wanted is not None else None


async def reopen(session: AsyncSession, previous: HandbackView, wanted: str, conversation_id: int, language: str,
                 now: dt.datetime) -> Reopened:
    """Reopen the topic for the agent asked for, or whoever can take it instead (``assign_asked_for``)."""
    agents = AgentRepository(session)
    assignment = assign_asked_for(await agents.loads(now), wanted, language, now)
    agent = assignment.agent
    handoff_id = await HandbackRepository(session).reopen(
        previous, conversation_id, EscalationReason.ASKED_FOR_PERSON.value, language,
        agent.user_id if agent else None, assignment.expected_at, now)
    if agent is not None:
        await agents.mark_assigned(agent.user_id, now)
    await ReplyWaits(session).promised(handoff_id, now, assignment.expected_at)
    return Reopened(handoff_id, wanted, assignment, agent is not None and agent.name == wanted)
