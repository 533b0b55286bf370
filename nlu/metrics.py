"""Per-class precision, recall and F1 for multi-label predictions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlu.types import SUPPORT_CLASSES


@dataclass(frozen=True)
class ClassReport:
    name: str
    precision: float
    recall: float
    f1: float
    support: int


def per_class_report(truth: np.ndarray, predicted: np.ndarray) -> list[ClassReport]:
    reports = []
    for index, name in enumerate(SUPPORT_CLASSES):
        actual, guess = truth[:, index] == 1, predicted[:, index]
        tp = float(np.sum(actual & guess))
        precision = tp / max(float(guess.sum()), 1.0)
        recall = tp / max(float(actual.sum()), 1.0)
        f1 = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
        reports.append(ClassReport(name, precision, recall, f1, int(actual.sum())))
    return reports
