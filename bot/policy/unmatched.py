"""Which customer messages the bot could not place, and the topics that came closest to each.

The bot records why it chose each reply; a clarifying question's reason names the two closest
topics with their confidences ("... (refund 0.42, order_status 0.31)"). That is what the
customer's message scored when it was answered; a message whose reason names none (the honest
"I don't know" after a clarifying question, or a reason cut short) is scored again by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.retrieval import TopicIndex

UNPLACED_MOVES = ("clarify", "unknown")
"""The bot's moves when no topic reached the confidence floor: a clarifying question, or saying it does not know."""
_NAMED = re.compile(r"confidence floor \(([^)]*)\)")
_CANDIDATE = re.compile(r"^(\w+) (\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class TopicScore:
    topic_id: str
    confidence: float


def named_candidates(why: str) -> tuple[TopicScore, ...]:
    """The closest topics a clarifying question's reason names, best first; () when it names none."""
    found = _NAMED.search(why)
    if found is None:
        return ()
    scores = []
    for part in found.group(1).split(","):
        candidate = _CANDIDATE.match(part.strip())
        if candidate is None:
            return ()
        scores.append(TopicScore(candidate.group(1), float(candidate.group(2))))
    return tuple(scores)


def closest_topics(why: str, text: str, language: str, index: TopicIndex) -> tuple[TopicScore, ...]:
    """The two closest topics: those the recorded reason names, else ``text`` scored again by ``index``."""
    named = named_candidates(why)
    if named:
        return named[:2]
    retrieval = index.find(text, language, None)
    return tuple(TopicScore(match.topic.id, match.confidence) for match in retrieval.candidates[:2])
