"""When the bot steps aside for a person, and why: pure rules over plain data.

Each rule is a reason the agent sees on the handoff card (DESIGN.md section 5). The thresholds
are trainers' settings (knowledge/content/escalation.yaml); self-harm words always go to a
person at once and cannot be switched off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from knowledge.pack import CONTENT_DIR, KnowledgeError, read_yaml
from nlu.signals import Signals
from nlu.types import Emotion

EASING = 0.1
"""A feeling has eased only when it fell by at least this much; smaller moves are the model's noise."""


class EscalationReason(StrEnum):
    SELF_HARM = "self_harm"
    ASKED_FOR_PERSON = "asked_for_person"
    SENSITIVE = "sensitive"
    HIGH_EMOTION = "high_emotion"
    REPEATED_FAILURE = "repeated_failure"
    MISSED_PROMISE = "missed_promise"
    UNVERIFIED = "unverified"
    """The customer could not prove an order is theirs (three lookups found no order with their contact)."""
    TASK_DECLINED = "task_declined"
    """A team declined the work the bot committed to: a person takes the customer, with the team's reason."""

    @property
    def for_logs(self) -> str:
        """The reason as a log line shows it next to an id: that someone spoke of self-harm is not logged."""
        return "withheld" if self is EscalationReason.SELF_HARM else self.value


REASON_LABELS: dict[EscalationReason, str] = {
    EscalationReason.SELF_HARM: "self-harm words: a person must reach out now",
    EscalationReason.ASKED_FOR_PERSON: "the customer asked for a person",
    EscalationReason.SENSITIVE: "sensitive topic",
    EscalationReason.HIGH_EMOTION: "strong feeling that is not easing",
    EscalationReason.REPEATED_FAILURE: "the bot did not solve it after two tries",
    EscalationReason.MISSED_PROMISE: "a promised time was missed",
    EscalationReason.UNVERIFIED: "the customer could not prove the order is theirs (3 tries)",
    EscalationReason.TASK_DECLINED: "a team declined the task the bot committed to",
}
"""How each reason reads on the agents' handoff card."""


@dataclass(frozen=True)
class EscalationRules:
    enabled: frozenset[EscalationReason] = frozenset(EscalationReason)
    emotion_high: float = 0.7
    """Anger or anxiety at or above this counts as high."""
    high_turns: int = 2
    """How many recent customer turns must be high (and the latest not lower) to hand off."""
    tries: int = 2
    """Bot replies on the same unresolved problem before a person takes over."""

    def without_the_model(self) -> EscalationRules:
        """Keyword scores miss much of what the model reads, so a person is offered one try sooner.

        The feeling rule stays as it is: crude scores are no reason to hand off on one message.
        """
        return replace(self, tries=max(1, self.tries - 1))


@dataclass(frozen=True)
class TurnFacts:
    """What the rules read about the conversation at this customer turn."""

    signals: Signals
    feelings: tuple[tuple[float, float], ...] = ()
    """(anger, anxiety) of recent customer messages, oldest first, this one last."""
    tries: int = 0
    """The bot's replies since the customer's problem was last settled (answers and questions)."""
    same_problem: bool = False
    """This message is about the problem the bot already tried (same topic, a repeat, or still unclear)."""
    degraded: bool = False
    """The emotion model could not be used: feelings were scored by keyword rules."""


@dataclass(frozen=True)
class Escalation:
    reason: EscalationReason
    detail: str

    @property
    def label(self) -> str:
        return REASON_LABELS[self.reason]


TRY_MOVES = frozenset({"answer", "corrected", "unknown"})
"""Replies that try to solve the customer's problem. The bot's own questions (clarifying, a form's
detail) are not tries: the customer answering them moves the case on. A closing, a handoff or a person
handing the customer back settles it, and the count starts again."""


def tries_since_settled(latest_moves: Iterable[str]) -> int:
    """How many of the bot's latest replies (newest first) were tries with nothing settled in between."""
    tries = 0
    for move in latest_moves:
        if move not in TRY_MOVES:
            break
        tries += 1
    return tries


def should_escalate(facts: TurnFacts, rules: EscalationRules) -> Escalation | None:
    """The first reason that applies, most urgent first; None keeps the bot answering."""
    found = _first_reason(facts, rules.without_the_model() if facts.degraded else rules)
    if found is not None and facts.degraded and found.reason is not EscalationReason.SELF_HARM:
        return Escalation(found.reason, f"{found.detail} (emotion model unavailable: keyword scores, so sooner)")
    return found


def _first_reason(facts: TurnFacts, rules: EscalationRules) -> Escalation | None:
    signals = facts.signals
    if signals.self_harm:
        return Escalation(EscalationReason.SELF_HARM, "self-harm words in the customer's message")
    on = rules.enabled
    if EscalationReason.ASKED_FOR_PERSON in on and signals.asks_for_human:
        return Escalation(EscalationReason.ASKED_FOR_PERSON, "asked to talk to a person")
    if EscalationReason.SENSITIVE in on and (signals.money_lost or signals.threat):
        what = "money lost or fraud" if signals.money_lost else "legal threat"
        return Escalation(EscalationReason.SENSITIVE, what)
    if EscalationReason.HIGH_EMOTION in on and (feeling := _high_and_not_easing(facts.feelings, rules)):
        return Escalation(EscalationReason.HIGH_EMOTION, feeling)
    if EscalationReason.REPEATED_FAILURE in on and facts.same_problem and facts.tries >= rules.tries:
        return Escalation(EscalationReason.REPEATED_FAILURE, f"{facts.tries} replies and the customer is still asking")
    return None


def _high_and_not_easing(feelings: tuple[tuple[float, float], ...], rules: EscalationRules) -> str:
    recent = feelings[-rules.high_turns:]
    if len(recent) < rules.high_turns:
        return ""
    for index, name in ((0, Emotion.ANGER), (1, Emotion.ANXIETY)):
        values = [turn[index] for turn in recent]
        if min(values) >= rules.emotion_high and values[-1] > values[0] - EASING:
            return f"{name} " + " → ".join(f"{value:.2f}" for value in values)
    return ""


def load_rules(path: Path = CONTENT_DIR / "escalation.yaml") -> EscalationRules:
    """Trainers' thresholds; the defaults when the file is absent."""
    if not path.is_file():
        return EscalationRules()
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path} must be a mapping of escalation settings.")
    try:
        enabled = frozenset(EscalationReason(name) for name in raw.get("enabled", [r.value for r in EscalationReason]))
        return EscalationRules(
            enabled=enabled | {EscalationReason.SELF_HARM},
            emotion_high=float(raw.get("emotion_high", 0.7)),
            high_turns=max(1, int(raw.get("high_turns", 2))),
            tries=max(1, int(raw.get("tries", 2))),
        )
    except (TypeError, ValueError) as error:
        raise KnowledgeError(f"{path}: {error}. Reasons are: {', '.join(r.value for r in EscalationReason)}.") from error
