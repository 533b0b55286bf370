"""The console's review queue read from the database: filtered in SQL, scored by ``bot/policy/review_score.py``.

The filters (dates, language, topic, reason, move, words, reviewed) narrow the conversations in one
query, so a busy shop's history is never read into memory; only the newest ``SCAN_LIMIT`` matches
are read whole and scored. Trainers' marks (reviewed, notes) live in ``conversation_reviews``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.model import Move
from bot.policy.queue_filters import CLARIFIED, NO_TOPIC, QueueFilters
from bot.policy.review_score import ConversationFacts, FailureScore, Turn, failure_score
from bot.storage.conversations import case_from_text, decided_scores
from bot.storage.models import Conversation, ConversationReview, Customer, Flag, Handoff, Message, as_utc

SCAN_LIMIT = 500
"""At most this many matching conversations, newest first, are read and scored for one page."""


@dataclass(frozen=True)
class QueueItem:
    conversation_id: int
    customer_name: str
    language: str
    topic: str | None
    started_at: dt.datetime
    facts: ConversationFacts
    score: FailureScore
    reviewed: bool
    notes: str


@dataclass(frozen=True)
class ReviewMark:
    """A trainer's mark on one conversation; an unmarked conversation reads as not reviewed, no notes."""

    reviewed: bool = False
    notes: str = ""
    trainer: str = ""
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class QueueChoices:
    """What the filter menus offer: the values found in the stored conversations."""

    languages: tuple[str, ...]
    topics: tuple[str, ...]
    reasons: tuple[str, ...]
    moves: tuple[str, ...]


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def matching(filters: QueueFilters) -> Select[int]:
    """The ids of the conversations the filters keep, newest first."""
    query = select(Conversation.id)
    for condition in _conditions(filters):
        query = query.where(condition)
    return query.order_by(Conversation.updated_at.desc(), Conversation.id.desc())


async def review_queue(session: AsyncSession, filters: QueueFilters, limit: int = 50,
                       scan: int = SCAN_LIMIT) -> list[QueueItem]:
    """The conversations the filters keep, most failure-like first (newest first among equals)."""
    ids = list(await session.scalars(matching(filters).limit(scan)))
    if not ids:
        return []
    turns = await _turns(session, ids)
    handoffs: dict[int, list[str]] = defaultdict(list)
    for conversation_id, reason in await session.execute(
            select(Handoff.conversation_id, Handoff.reason).where(Handoff.conversation_id.in_(ids))):
        handoffs[conversation_id].append(reason)
    flags = {conversation_id: int(count) for conversation_id, count in await session.execute(
        select(Flag.conversation_id, func.count()).where(Flag.conversation_id.in_(ids)).group_by(Flag.conversation_id))}
    marks = {mark.conversation_id: mark for mark in await session.scalars(
        select(ConversationReview).where(ConversationReview.conversation_id.in_(ids)))}
    items = []
    for conversation, name in await session.execute(
            select(Conversation, Customer.display_name).join(Customer, Customer.id == Conversation.customer_id)
            .where(Conversation.id.in_(ids))):
        facts = ConversationFacts(tuple(turns[conversation.id]), tuple(handoffs[conversation.id]),
                                  flags.get(conversation.id, 0), conversation.satisfaction)
        mark = marks.get(conversation.id)
        items.append(QueueItem(conversation.id, name, conversation.language, conversation.topic_id,
                               as_utc(conversation.started_at), facts, failure_score(facts),
                               mark is not None and mark.reviewed, mark.notes if mark else ""))
    items.sort(key=lambda item: (-item.score.total, -item.started_at.timestamp(), -item.conversation_id))
    return items[:limit]


async def queue_choices(session: AsyncSession) -> QueueChoices:
    languages = await session.scalars(select(Conversation.language).distinct())
    topics = await session.scalars(select(Conversation.topic_id).where(Conversation.topic_id.is_not(None)).distinct())
    reasons = await session.scalars(select(Handoff.reason).distinct())
    moves = await session.scalars(select(Message.move).where(Message.sender == "bot", Message.move != "").distinct())
    return QueueChoices(tuple(sorted(languages)), tuple(sorted(t for t in topics if t)),
                        (CLARIFIED, *sorted(reasons)), tuple(sorted(moves)))


async def mark_reviewed(session: AsyncSession, conversation_id: int, reviewed: bool, notes: str, trainer: str,
                        now: dt.datetime) -> bool:
    """Keep the trainer's mark; False when there is no such conversation."""
    if await session.get(Conversation, conversation_id) is None:
        return False
    mark = await session.get(ConversationReview, conversation_id)
    if mark is None:
        mark = ConversationReview(conversation_id=conversation_id)
        session.add(mark)
    mark.reviewed, mark.notes, mark.trainer, mark.updated_at = reviewed, notes, trainer, now
    return True


async def review_mark(session: AsyncSession, conversation_id: int) -> ReviewMark:
    mark = await session.get(ConversationReview, conversation_id)
    if mark is None:
        return ReviewMark()
    return ReviewMark(mark.reviewed, mark.notes, mark.trainer, as_utc(mark.updated_at))


def _conditions(filters: QueueFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.since:
        conditions.append(Conversation.started_at >= day_start(filters.since))
    if filters.until:
        conditions.append(Conversation.started_at < day_start(filters.until + dt.timedelta(days=1)))
    if filters.language:
        conditions.append(Conversation.language == filters.language)
    if filters.topic:
        conditions.append(Conversation.topic_id.is_(None) if filters.topic == NO_TOPIC
                          else Conversation.topic_id == filters.topic)
    if filters.reason == CLARIFIED:
        conditions.append(_has_message(Message.sender == "bot", Message.move == Move.CLARIFY.value))
    elif filters.reason:
        conditions.append(exists().where(Handoff.conversation_id == Conversation.id, Handoff.reason == filters.reason))
    if filters.move:
        conditions.append(_has_message(Message.sender == "bot", Message.move == filters.move))
    if filters.q:
        words = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(_has_message(Message.sender.in_(("customer", "bot")),
                                       Message.text.ilike(f"%{words}%", escape="\\")))
    if filters.reviewed:
        marked = exists().where(ConversationReview.conversation_id == Conversation.id,
                                ConversationReview.reviewed == true())
        conditions.append(marked if filters.reviewed == "yes" else ~marked)
    return conditions


def _has_message(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Message.conversation_id == Conversation.id, *conditions)


async def _turns(session: AsyncSession, ids: list[int]) -> dict[int, list[Turn]]:
    rows = await session.scalars(select(Message).where(Message.conversation_id.in_(ids), Message.kind != "rating")
                                 .order_by(Message.id))
    turns: dict[int, list[Turn]] = defaultdict(list)
    for row in rows:
        case = case_from_text(row.case_after)
        scores = decided_scores(row).as_dict() if row.anger is not None else None
        turns[row.conversation_id].append(Turn(
            row.sender, row.move or "", tuple(label for label in row.labels.split(",") if label), scores,
            tuple(signal for signal in row.signals.split(",") if signal), case.topic_id if case else None))
    return turns

