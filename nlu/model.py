"""The emotion model as the bot uses it: encoder + adapters + head, text in, Analysis out."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from nlu.artifact import ModelArtifact, load_artifact
from nlu.encoder import SentenceEncoder, locate_encoder
from nlu.language import detect_language
from nlu.types import SUPPORT_CLASSES, Analysis, EmotionScores

logger = logging.getLogger(__name__)


def default_model_dir() -> Path:
    """The committed, trained artifact that ships inside the package."""
    return Path(__file__).resolve().parent / "artifacts" / "emotion"


class EmotionModel:
    """Scores messages with the transformer. Synchronous and CPU-bound: call it off the event loop."""

    def __init__(self, model_dir: Path) -> None:
        self.artifact: ModelArtifact = load_artifact(model_dir)
        self.encoder = SentenceEncoder(
            locate_encoder(self.artifact.encoder),
            adapters=self.artifact.adapters,
            adapter_scale=self.artifact.adapter_scale,
            max_tokens=self.artifact.max_tokens,
            normalise=False,
        )
        logger.info("emotion model loaded version=%s dir=%s", self.artifact.version, model_dir)

    @property
    def version(self) -> str:
        return self.artifact.version

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Support-class probabilities, one row per text."""
        if not texts:
            return np.zeros((0, len(SUPPORT_CLASSES)), dtype=np.float32)
        return self.artifact.support_probabilities(self.encoder.encode(texts))

    def all_probabilities(self, texts: list[str]) -> np.ndarray:
        """Support and auxiliary (Ekman) probabilities, for evaluation."""
        return self.artifact.all_probabilities(self.encoder.encode(texts))

    def analyse(self, texts: list[str]) -> list[Analysis]:
        rows = self.probabilities(texts)
        return [
            analysis_from_probabilities(text, row, self.artifact.thresholds, self.artifact.version)
            for text, row in zip(texts, rows, strict=True)
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
