"""Which goodwill gesture, if any, the bot may give now: a pure rule over plain data."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge import GestureRule


@dataclass(frozen=True)
class GestureChoice:
    rule: GestureRule
    reason: str
    """Why it was given, in words an agent or trainer reads later (stored with the gesture)."""


def choose_gesture(
    rules: tuple[GestureRule, ...], topic_id: str, scores: dict[str, float], already_given: frozenset[str]
) -> GestureChoice | None:
    """The first configured gesture whose topic and emotion rule match and that was not given yet.

    One gesture per reply and each at most once per conversation: more would stop feeling like
    a considered, personal gesture.
    """
    for rule in rules:
        if rule.id in already_given or topic_id not in rule.topics:
            continue
        triggers = [f"{name} {scores.get(name, 0.0):.2f} ≥ {floor:.2f}" for name, floor in rule.when_any_emotion.items()
                    if scores.get(name, 0.0) >= floor]
        if triggers:
            return GestureChoice(rule, f"{topic_id}: {', '.join(triggers)}")
    return None
