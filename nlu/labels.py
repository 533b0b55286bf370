"""Mapping from the 28 GoEmotions labels to the six support classes (DESIGN.md §4)."""

from __future__ import annotations

from nlu.types import SUPPORT_CLASSES

GOEMOTIONS_TO_SUPPORT: dict[str, str] = {
    "anger": "anger",
    "annoyance": "anger",
    "disapproval": "anger",
    "disgust": "anger",
    "fear": "anxiety",
    "nervousness": "anxiety",
    "sadness": "sadness",
    "disappointment": "sadness",
    "grief": "sadness",
    "remorse": "sadness",
    "embarrassment": "sadness",
    "confusion": "confusion",
    "curiosity": "confusion",
    "gratitude": "positive",
    "joy": "positive",
    "relief": "positive",
    "admiration": "positive",
    "approval": "positive",
    "amusement": "positive",
    "excitement": "positive",
    "love": "positive",
    "optimism": "positive",
    "pride": "positive",
    "caring": "positive",
    "desire": "positive",
    "neutral": "neutral",
    # "realization" and "surprise" have no support class: they carry no signal for the policy.
}


def support_targets(goemotions_labels: list[str]) -> list[int]:
    """Multi-hot vector over SUPPORT_CLASSES for one example's GoEmotions labels."""
    present = {GOEMOTIONS_TO_SUPPORT[name] for name in goemotions_labels if name in GOEMOTIONS_TO_SUPPORT}
    return [1 if name in present else 0 for name in SUPPORT_CLASSES]
