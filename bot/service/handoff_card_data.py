"""Reading one handoff's card from the database: the handoff, its agent, the conversation's context, and the bot's
own words for each open promise (found by the time the customer was told, in the customer's language). The feelings
on the card are the customer's feelings in context, not each message's own (bot/policy/feelings.py says why).

Inside the caller's session; no Bot API call here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.card_context import CardContext, CardPromise
from bot.policy.card_facts import problem_topic, promise_said
from bot.policy.deadlines import format_deadline
from bot.policy.escalation import EscalationReason
from bot.policy.handoff_card import HandoffCard
from bot.storage.agents import AgentRepository
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from knowledge import KnowledgePack
from nlu.language import DEFAULT_LANGUAGE

CARD_LANGUAGE = DEFAULT_LANGUAGE
"""The topic's problem is shown in the group's working language, whatever the customer's."""


async def load_card(session: AsyncSession, handoff: OpenHandoff, pack: KnowledgePack, zone: ZoneInfo,
                    now: dt.datetime) -> HandoffCard:
    handoffs = HandoffRepository(session)
    context = await handoffs.card_context(handoff.conversation_id)
    progress = await handoffs.progress(handoff.id)
    agent = await AgentRepository(session).get(handoff.agent_user_id) if handoff.agent_user_id is not None else None
    topic_id = problem_topic(context.topic_id, tuple(promise.topic_id for promise in context.promises),
                             context.earlier_topics)
    topic = pack.topic(topic_id, CARD_LANGUAGE) if topic_id else None
    return HandoffCard(
        handoff.id, handoff.customer_name, handoff.language, EscalationReason(handoff.reason), handoff.detail,
        handoff.status, agent.name if agent else "", topic.problem if topic else "",
        with_promise_words(context, pack, zone), now, zone, agent.role if agent else "", handoff.expected_at,
        handoff.first_reply_at, progress.waiting_since, progress.reply_due_at, progress.resolution_note,
    )


def with_promise_words(context: CardContext, pack: KnowledgePack, zone: ZoneInfo) -> CardContext:
    """Each open promise with the bot's sentence that gave its time (its current one, else the first one)."""
    def said(promise: CardPromise) -> CardPromise:
        wording = pack.wording_for(promise.language)
        times = (promise.due_at, promise.original_due_at or promise.due_at)
        deadlines = tuple(format_deadline(wording, when, zone) for when in times)
        return replace(promise, said=promise_said(context.bot_texts, deadlines))

    return replace(context, promises=tuple(said(promise) for promise in context.promises))
