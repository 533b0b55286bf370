"""``candor nlu eval``: the committed model's figures on dev data, in every grouping we report."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlu.dataset import XED_CLASSES, read_goemotions, read_xed
from nlu.evaluate import classification_table, confusion_table, roc_auc
from nlu.labels import EKMAN_CLASSES, ekman_targets
from nlu.model import EmotionModel
from nlu.types import SUPPORT_CLASSES

XED_LANGUAGES = ("ru", "pl", "zh")


def evaluate_model(
    model_dir: Path, data_dir: Path, languages: tuple[str, ...] = XED_LANGUAGES, precision: str = "auto"
) -> list[str]:
    """Lines of the report; thresholds are the artifact's own, nothing is re-tuned here."""
    model = EmotionModel(model_dir, precision)
    dev = read_goemotions(data_dir / "goemotions" / "dev.tsv", data_dir / "goemotions" / "labels.txt")
    probabilities = model.all_probabilities(dev.texts)
    support_truth = np.asarray(dev.targets)
    support_predicted = probabilities[:, : len(SUPPORT_CLASSES)] >= model.artifact.thresholds
    lines = [f"model {model.version} ({model.encoder.precision}) on GoEmotions dev ({len(dev.texts)} texts)", "",
             "Support taxonomy:"]
    lines += classification_table(support_truth, support_predicted, SUPPORT_CLASSES)
    anxiety_auc = roc_auc(probabilities[:, 1], support_truth[:, 1])
    anger_auc = roc_auc(probabilities[:, 0], support_truth[:, 0])
    lines += [f"anxiety ROC-AUC {anxiety_auc:.3f}; anger ROC-AUC {anger_auc:.3f}", "", "Confusion (support taxonomy):"]
    lines += confusion_table(support_truth, support_predicted, SUPPORT_CLASSES)
    ekman_thresholds = model.artifact.metadata.get("ekman_thresholds")
    if ekman_thresholds and probabilities.shape[1] >= len(SUPPORT_CLASSES) + len(EKMAN_CLASSES):
        ekman_truth = np.asarray([ekman_targets(labels) for labels in dev.source_labels])
        ekman_probabilities = probabilities[:, len(SUPPORT_CLASSES) : len(SUPPORT_CLASSES) + len(EKMAN_CLASSES)]
        lines += ["", "Ekman grouping (GoEmotions paper, BERT-base: 0.64 macro-F1 on test):"]
        lines += classification_table(ekman_truth, ekman_probabilities >= np.asarray(ekman_thresholds), EKMAN_CLASSES)
    for language in languages:
        path = data_dir / "xed" / f"{language}-projections.tsv"
        if not path.is_file():
            continue
        xed = read_xed(path)
        columns = [SUPPORT_CLASSES.index(name) for name in XED_CLASSES]
        truth = np.asarray(xed.targets)[:, columns]
        scored = model.score(xed.texts)
        predicted = scored.probabilities[:, columns] >= scored.thresholds[:, columns]
        routed = sum(1 for version in scored.versions if version != model.version)
        seen = ", which trained on XED pl" if language == "pl" else ""
        heading = (f"XED {language} ({len(xed.texts)} subtitle lines, labels projected from English; "
                   f"{routed} scored by the multilingual head{seen}):")
        lines += ["", heading]
        lines += classification_table(truth, predicted, XED_CLASSES)
    return lines
