"""The emotion model as the bot uses it: text in, Analysis out, routed by language.

Russian, Polish and Chinese scores come from the multilingual head, lifted where the customer
names a feeling outright (``nlu.lexicon``): the encoder alone blurs those words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.artifact import ModelArtifact, load_artifact
from nlu.encoder import ModelLoadError, SentenceEncoder, locate_encoder
from nlu.language import detect_language
from nlu.lexicon import explicit_emotions, with_explicit_evidence
from nlu.multilingual import MultilingualModel
from nlu.precision import choose_precision, read_cpu_flags
from nlu.types import SUPPORT_CLASSES, Analysis, EmotionScores

logger = logging.getLogger(__name__)


def default_model_dir() -> Path:
    """The committed, trained artifact that ships inside the package."""
    return Path(__file__).resolve().parent / "artifacts" / "emotion"


MULTILINGUAL_LANGUAGES = frozenset({"ru", "pl", "zh"})


@dataclass(frozen=True)
class ScoredTexts:
    """Per-text probabilities with the thresholds and model version that apply to each row."""

    languages: list[str]
    probabilities: np.ndarray
    thresholds: np.ndarray
    versions: list[str]


class EmotionModel:
    """Scores messages: English through the fine-tuned transformer, ru/pl/zh through the
    multilingual head when it is installed. Synchronous and CPU-bound: call it off the event loop.
    """

    def __init__(self, model_dir: Path, precision: str = "auto") -> None:
        self.artifact: ModelArtifact = load_artifact(model_dir)
        self.encoder = SentenceEncoder(
            locate_encoder(self.artifact.encoder),
            adapters=self.artifact.adapters,
            adapter_scale=self.artifact.adapter_scale,
            max_tokens=self.artifact.max_tokens,
            normalise=False,
            precision=choose_precision(precision, read_cpu_flags()),
        )
        self.multilingual: MultilingualModel | None = None
        try:
            self.multilingual = MultilingualModel(model_dir)
        except ModelLoadError as error:
            logger.warning("no multilingual head, so ru/pl/zh messages are scored by the English model: %s", error)
        logger.info(
            "emotion model loaded version=%s precision=%s multilingual=%s dir=%s", self.artifact.version,
            self.encoder.precision, self.multilingual.head.version if self.multilingual else "-", model_dir,
        )

    @property
    def version(self) -> str:
        return self.artifact.version

    def score(self, texts: list[str]) -> ScoredTexts:
        languages = [detect_language(text) for text in texts]
        count = len(SUPPORT_CLASSES)
        probabilities = np.zeros((len(texts), count), dtype=np.float32)
        thresholds = np.tile(self.artifact.thresholds, (len(texts), 1))
        versions = [self.artifact.version] * len(texts)
        other = [i for i, language in enumerate(languages) if language in MULTILINGUAL_LANGUAGES and self.multilingual]
        english = sorted(set(range(len(texts))) - set(other))
        if english:
            probabilities[english] = self.artifact.support_probabilities(self.encoder.encode([texts[i] for i in english]))
        if other and self.multilingual is not None:
            head = self.multilingual.head
            scored = self.multilingual.probabilities([texts[i] for i in other])
            for row, i in zip(scored, other, strict=True):
                probabilities[i] = with_explicit_evidence(row, head.thresholds, explicit_emotions(texts[i], languages[i]))
                thresholds[i] = head.thresholds
                versions[i] = head.version
        return ScoredTexts(languages, probabilities, thresholds, versions)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Support-class probabilities, one row per text."""
        return self.score(texts).probabilities

    def all_probabilities(self, texts: list[str]) -> np.ndarray:
        """The English model's support and auxiliary (Ekman) outputs, for evaluation."""
        return self.artifact.all_probabilities(self.encoder.encode(texts))

    def analyse(self, texts: list[str]) -> list[Analysis]:
        scored = self.score(texts)
        return [
            analysis_from_probabilities(language, row, thresholds, version)
            for language, row, thresholds, version in zip(
                scored.languages, scored.probabilities, scored.thresholds, scored.versions, strict=True
            )
        ]


def analysis_from_probabilities(
    language: str, probabilities: np.ndarray, thresholds: np.ndarray, version: str
) -> Analysis:
    """Turn one row of class probabilities into an Analysis; at least one label is always given."""
    scores = EmotionScores.from_mapping(dict(zip(SUPPORT_CLASSES, (float(p) for p in probabilities), strict=True)))
    labels = tuple(name for name, p, t in zip(SUPPORT_CLASSES, probabilities, thresholds, strict=True) if p >= t)
    if not labels:
        margins = probabilities / np.maximum(thresholds, 1e-6)
        labels = (SUPPORT_CLASSES[int(np.argmax(margins))],)
    return Analysis(language=language, scores=scores, labels=labels, model_version=version)
