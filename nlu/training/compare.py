"""A candidate model against the live one, on the same rows: GoEmotions dev and trainers' corrections.

Both models are scored with their own shipped thresholds (nothing is re-tuned on the rows they
are compared on), so the figures say what the bot would do with each.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.model import EmotionModel
from nlu.training.dataset import LabelledTexts, read_goemotions
from nlu.training.evaluate import f1_score, roc_auc


@dataclass(frozen=True)
class ModelFigures:
    version: str
    dev_macro_f1: float
    anxiety_auc: float
    corrections_macro_f1: float | None
    """On the trainers' corrected messages; None when there are none."""


def figures_for(model_dir: Path, dev: LabelledTexts, corrections: LabelledTexts) -> ModelFigures:
    model = EmotionModel(model_dir)
    dev_scores = model.score(dev.texts, retrieval=False)
    truth = np.asarray(dev.targets)
    corrected = None
    if corrections.texts:
        scored = model.score(corrections.texts, retrieval=False)
        corrected = _macro(np.asarray(corrections.targets), scored.probabilities >= scored.thresholds)
    return ModelFigures(model.version, _macro(truth, dev_scores.probabilities >= dev_scores.thresholds),
                        roc_auc(dev_scores.probabilities[:, 1], truth[:, 1]), corrected)


def compare(candidate: Path, live: Path, data_dir: Path, corrections: LabelledTexts,
            dev_limit: int | None = None) -> tuple[ModelFigures, ModelFigures]:
    labels = data_dir / "goemotions" / "labels.txt"
    dev = read_goemotions(data_dir / "goemotions" / "dev.tsv", labels).first(dev_limit)
    return figures_for(candidate, dev, corrections), figures_for(live, dev, corrections)


def _macro(truth: np.ndarray, predicted: np.ndarray) -> float:
    present = [i for i in range(truth.shape[1]) if truth[:, i].any() or predicted[:, i].any()]
    return float(np.mean([f1_score(truth[:, i] == 1, predicted[:, i]) for i in present])) if present else 0.0
