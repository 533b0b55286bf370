"""Plain data that crosses the boundary between the model and the conversation engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


class Emotion(StrEnum):
    """The support classes the model scores; a StrEnum, so stored and serialised values stay plain words."""

    ANGER = "anger"
    ANXIETY = "anxiety"
    SADNESS = "sadness"
    CONFUSION = "confusion"
    POSITIVE = "positive"
    NEUTRAL = "neutral"


SUPPORT_CLASSES: tuple[Emotion, ...] = tuple(Emotion)


@dataclass(frozen=True)
class EmotionScores:
    """Independent probabilities in [0, 1] for each support class (multi-label)."""

    anger: float = 0.0
    anxiety: float = 0.0
    sadness: float = 0.0
    confusion: float = 0.0
    positive: float = 0.0
    neutral: float = 1.0

    @classmethod
    def from_mapping(cls, values: dict[str, float]) -> EmotionScores:
        return cls(**{name: float(values.get(name, 0.0)) for name in SUPPORT_CLASSES})

    def as_dict(self) -> dict[str, float]:
        return {name: round(float(getattr(self, name)), 4) for name in SUPPORT_CLASSES}

    def strongest(self) -> Emotion:
        """The class with the highest score; ties resolve in SUPPORT_CLASSES order."""
        values = self.as_dict()
        return max(SUPPORT_CLASSES, key=lambda name: values[name])


@dataclass(frozen=True)
class Analysis:
    """What the bot knows about one customer message before it decides how to reply.

    ``degraded`` is true when the transformer could not be used and the scores come from
    keyword rules; the engine then leans toward offering a person sooner. ``embedding`` holds
    the message's multilingual sentence vectors for topic retrieval (knowledge.retrieval),
    shape (pieces, 512): the whole message first, then each clause when it has several; None
    when no model could give them.
    """

    language: str
    scores: EmotionScores
    labels: tuple[str, ...] = field(default_factory=tuple)
    degraded: bool = False
    model_version: str = ""
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)

    def as_json(self) -> dict[str, object]:
        """The stable `candor nlu predict` output shape."""
        return {
            "language": self.language,
            "scores": self.scores.as_dict(),
            "labels": list(self.labels),
        }
