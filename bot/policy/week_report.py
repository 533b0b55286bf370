"""A week at a glance: per topic, how many conversations, clarifications, handoffs, and how customers felt.

Pure: the console reads the week's conversations (``bot/storage/review_queue.py``) and this module
counts them and says in plain words what stood out, with the same failure parts the review queue
shows, so a number on the dashboard and a row in the queue never disagree.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.policy.model import Move
from bot.policy.queue_filters import NO_TOPIC
from bot.policy.review_score import ConversationFacts, failure_score, felt_turns, handoff_label, strain

WEEK_DAYS = 7
WHAT_STOOD_OUT = {
    "script after thanks": "a thank-you answered with a script",
    "fraud not handed off": "fraud or lost money not handed to a person",
    "clarifying loop": "clarifying questions in a row",
    "flagged": "flagged by an agent",
    "anger peak": "anger peaked",
    "negative ending": "the last message was negative",
    "low satisfaction": "rated 1 or 2 of 5",
    "emotion rose": "feeling rose instead of fell",
    "low confidence": "the model guessed",
}
"""Each failure part as the week's summary counts it; handoffs are counted by their own reasons."""


@dataclass(frozen=True)
class WeekConversation:
    day: dt.date
    topic: str | None
    facts: ConversationFacts


@dataclass(frozen=True)
class TopicWeek:
    topic: str
    """The topic's id, or ``none`` for conversations that reached no topic."""
    conversations: int
    clarified: int
    """Conversations in which the bot asked at least one clarifying question."""
    handed_off: int
    feeling_start: float | None
    """Mean of anger-or-anxiety at the first scored customer message; None when nothing was scored."""
    feeling_end: float | None
    per_day: tuple[int, ...]
    reasons: tuple[str, ...]
    """What stood out, in words, most frequent first."""


@dataclass(frozen=True)
class WeekReport:
    start: dt.date
    topics: tuple[TopicWeek, ...]

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(self.start + dt.timedelta(days=offset) for offset in range(WEEK_DAYS))

    @property
    def end(self) -> dt.date:
        """The week's last day (inclusive)."""
        return self.days[-1]

    @property
    def per_day(self) -> tuple[int, ...]:
        return tuple(sum(topic.per_day[index] for topic in self.topics) for index in range(WEEK_DAYS))


def week_start(value: str, today: dt.date) -> tuple[dt.date, str]:
    """The week the query asks for (seven days from its date); by default the seven days ending today."""
    default = today - dt.timedelta(days=WEEK_DAYS - 1)
    if not value.strip():
        return default, ""
    try:
        return dt.date.fromisoformat(value.strip()), ""
    except ValueError:
        return default, "The week's first day is a date like 2026-11-23: showing the last seven days."


def week_report(start: dt.date, conversations: Iterable[WeekConversation]) -> WeekReport:
    by_topic: dict[str, list[WeekConversation]] = {}
    for conversation in conversations:
        by_topic.setdefault(conversation.topic or NO_TOPIC, []).append(conversation)
    topics = [_topic_week(start, topic, found) for topic, found in by_topic.items()]
    return WeekReport(start, tuple(sorted(topics, key=lambda week: (-week.conversations, week.topic))))


def _topic_week(start: dt.date, topic: str, conversations: list[WeekConversation]) -> TopicWeek:
    felt = [turns for turns in (felt_turns(c.facts.turns) for c in conversations) if turns]
    per_day = Counter((c.day - start).days for c in conversations)
    stood_out: Counter[str] = Counter()
    for conversation in conversations:
        kinds = {part.kind for part in failure_score(conversation.facts).parts}
        stood_out.update(WHAT_STOOD_OUT[kind] for kind in kinds if kind in WHAT_STOOD_OUT)
        stood_out.update(f"handed off: {handoff_label(reason)}" for reason in set(conversation.facts.handoff_reasons))
    return TopicWeek(
        topic=topic, conversations=len(conversations),
        clarified=sum(1 for c in conversations if any(t.move == Move.CLARIFY.value for t in c.facts.turns)),
        handed_off=sum(1 for c in conversations if c.facts.handoff_reasons),
        feeling_start=statistics.fmean(strain(turns[0]) for turns in felt) if felt else None,
        feeling_end=statistics.fmean(strain(turns[-1]) for turns in felt) if felt else None,
        per_day=tuple(per_day.get(index, 0) for index in range(WEEK_DAYS)),
        reasons=tuple(f"{reason} ({count})" for reason, count in
                      sorted(stood_out.items(), key=lambda pair: (-pair[1], pair[0]))),
    )
