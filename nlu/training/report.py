"""``candor nlu eval``: the committed model's figures on dev data, in every grouping we report."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlu.model import EmotionModel
from nlu.training.dataset import XED_CLASSES, LabelledTexts, read_goemotions, read_support_messages, read_xed
from nlu.training.evaluate import classification_table, confusion_table, roc_auc
from nlu.training.labels import EKMAN_CLASSES, ekman_targets
from nlu.types import SUPPORT_CLASSES

XED_LANGUAGES = ("ru", "pl", "zh")


def evaluate_model(
    model_dir: Path, data_dir: Path, curated_file: Path | None = None, languages: tuple[str, ...] = XED_LANGUAGES,
    precision: str = "auto",
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
        part = "every row, never seen in training"
        if language == "pl":
            xed, part = xed.split_held_out()[1], "every fifth row, held out from training"
        heading = f"XED {language} ({len(xed.texts)} subtitle lines, labels projected from English; {part})"
        lines += ["", *_language_table(model, xed, XED_CLASSES, heading)]
    if curated_file is not None and curated_file.is_file():
        for language, data in read_support_messages(curated_file).items():
            if language in languages:
                held_out = data.split_held_out()[1]
                heading = f"curated support messages, {language} ({len(held_out.texts)} lines held out from training)"
                lines += ["", *_language_table(model, held_out, SUPPORT_CLASSES, heading)]
    return lines


def _language_table(model: EmotionModel, data: LabelledTexts, classes: tuple[str, ...], heading: str) -> list[str]:
    """Per-class figures for one language, scored the way the bot scores it (routed by language)."""
    columns = [SUPPORT_CLASSES.index(name) for name in classes]
    truth = np.asarray(data.targets)[:, columns]
    scored = model.score(data.texts, retrieval=False)
    predicted = scored.probabilities[:, columns] >= scored.thresholds[:, columns]
    routed = sum(1 for version in scored.versions if version != model.version)
    return [f"{heading}; {routed} scored by the multilingual head:", *classification_table(truth, predicted, classes)]
