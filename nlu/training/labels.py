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


SUPPORT_TO_GOEMOTIONS: dict[str, str] = {
    "anger": "anger", "anxiety": "fear", "sadness": "sadness", "confusion": "confusion", "positive": "joy",
    "neutral": "neutral",
}
"""One GoEmotions label per support class that maps back to it, so a trainer's support labels also
give the Ekman targets the model learns alongside (anxiety → fear, positive → joy)."""


EKMAN_CLASSES: tuple[str, ...] = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")

GOEMOTIONS_TO_EKMAN: dict[str, str] = {
    **{name: "anger" for name in ("anger", "annoyance", "disapproval")},
    "disgust": "disgust",
    **{name: "fear" for name in ("fear", "nervousness")},
    **{
        name: "joy"
        for name in (
            "joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief",
            "pride", "admiration", "desire", "caring",
        )
    },
    **{name: "sadness" for name in ("sadness", "disappointment", "embarrassment", "grief", "remorse")},
    **{name: "surprise" for name in ("surprise", "realization", "confusion", "curiosity")},
    "neutral": "neutral",
}
"""The Ekman grouping of the GoEmotions paper, so our figures compare with its 0.64 macro-F1."""


def ekman_targets(goemotions_labels: list[str]) -> list[int]:
    present = {GOEMOTIONS_TO_EKMAN[name] for name in goemotions_labels if name in GOEMOTIONS_TO_EKMAN}
    return [1 if name in present else 0 for name in EKMAN_CLASSES]


def support_targets(goemotions_labels: list[str]) -> list[int]:
    """Multi-hot vector over SUPPORT_CLASSES for one example's GoEmotions labels."""
    present = {GOEMOTIONS_TO_SUPPORT[name] for name in goemotions_labels if name in GOEMOTIONS_TO_SUPPORT}
    return [1 if name in present else 0 for name in SUPPORT_CLASSES]
