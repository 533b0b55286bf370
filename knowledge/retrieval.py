"""Finding the topic a message is about (lexical for now; semantic search comes with issue 4)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.pack import Topic

MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class TopicMatch:
    topic: Topic
    confidence: float


def find_topic(text: str, topics: tuple[Topic, ...]) -> TopicMatch | None:
    """The best-matching topic, or None when no topic is a confident match.

    Confidence grows with the number and length of matched key phrases, so "charged twice"
    outweighs a lone "delivery".
    """
    normalised = " " + re.sub(r"[^\w#']+", " ", text.lower().replace("’", "'")) + " "
    best: TopicMatch | None = None
    for topic in topics:
        matched = [k for k in topic.keywords if f" {k} " in normalised]
        if not matched:
            continue
        confidence = min(1.0, sum(0.5 + 0.1 * k.count(" ") for k in matched))
        if best is None or confidence > best.confidence:
            best = TopicMatch(topic, confidence)
    if best is None or best.confidence < MIN_CONFIDENCE:
        return None
    return best
