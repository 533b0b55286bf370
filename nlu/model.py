"""The emotion model as the bot uses it: encoder + head + language, text in, Analysis out."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from nlu.encoder import SentenceEncoder, locate_encoder
from nlu.head import EmotionHead
from nlu.language import detect_language
from nlu.types import SUPPORT_CLASSES, Analysis, EmotionScores

logger = logging.getLogger(__name__)


def default_model_dir() -> Path:
    """The committed, trained artifact that ships inside the package."""
    return Path(__file__).resolve().parent / "artifacts" / "emotion-head"


class EmotionModel:
    """Scores messages with the transformer. Synchronous and CPU-bound: call it off the event loop."""

    def __init__(self, model_dir: Path) -> None:
        self.head = EmotionHead.load(model_dir)
        self.encoder = SentenceEncoder(locate_encoder(self.head.encoder))
        logger.info("emotion model loaded version=%s dir=%s", self.head.version, model_dir)

    @property
    def version(self) -> str:
        return self.head.version

    def analyse(self, texts: list[str]) -> list[Analysis]:
        if not texts:
            return []
        probabilities = self.head.probabilities(self.encoder.encode(texts))
        return [
            analysis_from_probabilities(text, row, self.head.thresholds, self.head.version)
            for text, row in zip(texts, probabilities, strict=True)
        ]


def analysis_from_probabilities(
    text: str, probabilities: np.ndarray, thresholds: np.ndarray, version: str
) -> Analysis:
    """Turn one row of class probabilities into an Analysis; at least one label is always given."""
    scores = EmotionScores.from_mapping(dict(zip(SUPPORT_CLASSES, (float(p) for p in probabilities), strict=True)))
    labels = tuple(name for name, p, t in zip(SUPPORT_CLASSES, probabilities, thresholds, strict=True) if p >= t)
    if not labels:
        margins = probabilities / np.maximum(thresholds, 1e-6)
        labels = (SUPPORT_CLASSES[int(np.argmax(margins))],)
    return Analysis(language=detect_language(text), scores=scores, labels=labels, model_version=version)
