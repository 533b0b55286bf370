"""Dev-set figures for multi-task probabilities: thresholds, per-class F1, macro-F1, ROC-AUC."""

from __future__ import annotations

from typing import Any

import numpy as np

from nlu.training.labels import EKMAN_CLASSES
from nlu.types import SUPPORT_CLASSES


def best_threshold(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The threshold in [0.05, 0.95] that maximises this class's F1."""
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.05, 0.96, 0.01):
        f1 = f1_score(truth == 1, probabilities >= threshold)
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def f1_score(actual: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(actual & predicted))
    if tp == 0:
        return 0.0
    precision, recall = tp / float(predicted.sum()), tp / float(actual.sum())
    return 2 * precision * recall / (precision + recall)


def roc_auc(scores: np.ndarray, truth: np.ndarray) -> float:
    """Mann–Whitney estimate of ROC-AUC (ties count half)."""
    positives, negatives = scores[truth == 1], scores[truth == 0]
    if len(positives) == 0 or len(negatives) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([positives, negatives]), kind="mergesort")
    ranks = np.empty(len(order))
    ranks[order] = np.arange(1, len(order) + 1)
    combined = np.concatenate([positives, negatives])
    for value in np.unique(combined):
        tied = combined == value
        ranks[tied] = ranks[tied].mean()
    return float((ranks[: len(positives)].sum() - len(positives) * (len(positives) + 1) / 2) / (len(positives) * len(negatives)))


def evaluate_probabilities(probabilities: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    """Thresholds tuned per class on these same rows; figures for both label sets."""
    n_support = len(SUPPORT_CLASSES)
    thresholds = [best_threshold(probabilities[:, i], truth[:, i]) for i in range(probabilities.shape[1])]
    f1s = [f1_score(truth[:, i] == 1, probabilities[:, i] >= thresholds[i]) for i in range(probabilities.shape[1])]
    return {
        "thresholds": [round(t, 2) for t in thresholds],
        "support_f1": dict(zip(SUPPORT_CLASSES, (round(f, 4) for f in f1s[:n_support]), strict=True)),
        "ekman_f1": dict(zip(EKMAN_CLASSES, (round(f, 4) for f in f1s[n_support:]), strict=True)),
        "support_macro_f1": round(float(np.mean(f1s[:n_support])), 4),
        "ekman_macro_f1": round(float(np.mean(f1s[n_support:])), 4),
        "anxiety_auc": round(roc_auc(probabilities[:, 1], truth[:, 1]), 4),
        "anger_auc": round(roc_auc(probabilities[:, 0], truth[:, 0]), 4),
    }


def classification_table(truth: np.ndarray, predicted: np.ndarray, names: tuple[str, ...]) -> list[str]:
    """Per-class precision, recall, F1 and support, then the macro-F1."""
    lines = [f"{'class':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
    f1s = []
    for i, name in enumerate(names):
        actual, guess = truth[:, i] == 1, predicted[:, i]
        tp = float(np.sum(actual & guess))
        precision = tp / max(float(guess.sum()), 1.0)
        recall = tp / max(float(actual.sum()), 1.0)
        f1 = f1_score(actual, guess)
        f1s.append(f1)
        lines.append(f"{name:<10} {precision:9.3f} {recall:7.3f} {f1:6.3f} {int(actual.sum()):8d}")
    lines.append(f"{'macro-F1':<10} {'':>9} {'':>7} {float(np.mean(f1s)):6.3f}")
    return lines


def confusion_table(truth: np.ndarray, predicted: np.ndarray, names: tuple[str, ...]) -> list[str]:
    """Rows: the true class; columns: how often each class was predicted for those examples."""
    width = max(len(n) for n in names) + 1
    lines = ["true \\ predicted".ljust(width + 6) + "".join(n[:9].rjust(10) for n in names)]
    for i, name in enumerate(names):
        rows = truth[:, i] == 1
        counts = [int(np.sum(predicted[rows, j])) for j in range(len(names))]
        lines.append(name.ljust(width + 6) + "".join(str(c).rjust(10) for c in counts))
    return lines
