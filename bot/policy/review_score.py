"""How much a conversation looks like a failure of the bot, in parts a trainer can read.

The review queue ranks conversations by this score. Each part says in plain words what happened
("thanked, then got the refund script"), so two different failures never read alike and none
reads "nothing unusual". Pure: the caller reads the conversation from the database and passes
plain facts in.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from bot.policy.escalation import REASON_LABELS, EscalationReason
from bot.policy.model import Move

ANGER_PEAK = 0.6
"""A customer message whose anger score reaches this is an anger peak."""
LOW_CONFIDENCE = 0.45
"""A customer message whose strongest score is below this was a guess by the model."""
NEGATIVE_LABELS = ("anger", "anxiety", "sadness")
SCRIPT_MOVES = frozenset({Move.ANSWER.value, Move.ASK_DETAIL.value})
"""Replies that send a topic's script: what a thank-you must not get."""

WEIGHTS = {
    "script after thanks": 10,
    "fraud not handed off": 10,
    "clarifying loop": 5,
    "flagged": 5,
    "anger peak": 3,
    "negative ending": 3,
    "low satisfaction": 3,
    "emotion rose": 2,
    "handed off": 1,
    "low confidence": 1,
}
"""The bot's own mistakes weigh most: one outranks an angry customer who was rightly handed to a person
(a handoff is often the right move, so it weighs little)."""


@dataclass(frozen=True)
class Turn:
    """One stored message, as the score needs it."""

    sender: str
    """customer | bot | agent"""
    move: str = ""
    labels: tuple[str, ...] = ()
    scores: dict[str, float] | None = None
    signals: tuple[str, ...] = ()
    topic: str | None = None
    """For a bot reply: the topic of the case after it."""


@dataclass(frozen=True)
class ConversationFacts:
    turns: tuple[Turn, ...]
    handoff_reasons: tuple[str, ...] = ()
    flags: int = 0
    satisfaction: int | None = None


@dataclass(frozen=True)
class ScorePart:
    kind: str
    """A key of ``WEIGHTS``."""
    text: str
    """What happened, in plain words."""

    @property
    def weight(self) -> int:
        return WEIGHTS[self.kind]


@dataclass(frozen=True)
class FailureScore:
    parts: tuple[ScorePart, ...]

    @property
    def total(self) -> int:
        return sum(part.weight for part in self.parts)


def failure_score(facts: ConversationFacts) -> FailureScore:
    """Every sign of failure in the conversation, heaviest first."""
    found = [part for part in (_script_after_thanks(facts.turns), _fraud_not_handed_off(facts),
                               _clarifying_loop(facts.turns), _anger_peak(facts.turns), _negative_ending(facts.turns),
                               _emotion_rose(facts.turns), _low_confidence(facts.turns)) if part is not None]
    if facts.handoff_reasons:
        reasons = ", ".join(handoff_label(reason) for reason in sorted(set(facts.handoff_reasons)))
        found.append(ScorePart("handed off", f"handed to a person: {reasons}"))
    if facts.flags:
        found.append(ScorePart("flagged", f"flagged by an agent ({facts.flags})"))
    if facts.satisfaction is not None and facts.satisfaction <= 2:
        found.append(ScorePart("low satisfaction", f"rated {facts.satisfaction} of 5"))
    return FailureScore(tuple(sorted(found, key=lambda part: -part.weight)))


def handoff_label(reason: str) -> str:
    """A stored handoff reason in words (an unknown one, from an older version, as stored)."""
    try:
        return REASON_LABELS[EscalationReason(reason)]
    except ValueError:
        return reason


def felt_turns(turns: tuple[Turn, ...]) -> list[Turn]:
    """The customer messages the model scored, in order."""
    return [turn for turn in turns if turn.sender == "customer" and turn.scores is not None]


def _thanks(turn: Turn) -> bool:
    return "positive" in turn.labels and not set(turn.labels) & set(NEGATIVE_LABELS)


def _script_after_thanks(turns: tuple[Turn, ...]) -> ScorePart | None:
    for said, answer in itertools.pairwise(turns):
        if said.sender == "customer" and _thanks(said) and answer.sender == "bot" and answer.move in SCRIPT_MOVES:
            script = f"the {answer.topic} script" if answer.topic else "a topic's script"
            return ScorePart("script after thanks", f"thanked, then got {script}")
    return None


def _fraud_not_handed_off(facts: ConversationFacts) -> ScorePart | None:
    spoke = any("money_lost" in turn.signals for turn in facts.turns if turn.sender == "customer")
    if not spoke or facts.handoff_reasons:
        return None
    topics = [turn.topic for turn in facts.turns if turn.sender == "bot" and turn.topic]
    answered = f", answered as {topics[-1]}" if topics else ""
    return ScorePart("fraud not handed off", f"spoke of fraud or lost money{answered}; never handed to a person")


def _clarifying_loop(turns: tuple[Turn, ...]) -> ScorePart | None:
    longest = run = 0
    for turn in (turn for turn in turns if turn.sender == "bot"):
        run = run + 1 if turn.move == Move.CLARIFY.value else 0
        longest = max(longest, run)
    if longest < 2:
        return None
    return ScorePart("clarifying loop", f"asked {longest} clarifying questions in a row")


def _anger_peak(turns: tuple[Turn, ...]) -> ScorePart | None:
    peak = max((turn.scores.get("anger", 0.0) for turn in felt_turns(turns) if turn.scores), default=0.0)
    return ScorePart("anger peak", f"anger peaked at {peak:.2f}") if peak >= ANGER_PEAK else None


def _negative_ending(turns: tuple[Turn, ...]) -> ScorePart | None:
    said = [turn for turn in turns if turn.sender == "customer" and turn.labels]
    if not said:
        return None
    felt = [label for label in NEGATIVE_LABELS if label in said[-1].labels]
    return ScorePart("negative ending", f"last message read as {' and '.join(felt)}") if felt else None


def strain(turn: Turn) -> float:
    """How strongly a customer felt in one message: the larger of anger and anxiety."""
    scores = turn.scores or {}
    return max(scores.get("anger", 0.0), scores.get("anxiety", 0.0))


def _emotion_rose(turns: tuple[Turn, ...]) -> ScorePart | None:
    scored = felt_turns(turns)
    if len(scored) < 2 or strain(scored[-1]) <= strain(scored[0]) + 0.1:
        return None
    return ScorePart("emotion rose",
                     f"emotion rose instead of fell ({strain(scored[0]):.2f} → {strain(scored[-1]):.2f})")


def _low_confidence(turns: tuple[Turn, ...]) -> ScorePart | None:
    guesses = sum(1 for turn in felt_turns(turns) if turn.scores and max(turn.scores.values()) < LOW_CONFIDENCE)
    return ScorePart("low confidence", f"the model guessed on {guesses} message(s)") if guesses else None
