"""``candor nlu eval``: the committed model's figures per language and per class, on text it never trained on.

Every set is scored the way the bot scores a message (routed by language, with the artifact's own
per-language thresholds; nothing is re-tuned here), so a trainer reads what customers get. The
same figures fill the model card's table (``summary_markdown``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.model import EmotionModel
from nlu.training.dataset import (
    XED_CLASSES,
    LabelledTexts,
    read_parallel_dev,
    read_support_messages,
    read_xed,
)
from nlu.training.evaluate import classification_table, f1_score, roc_auc
from nlu.training.multilingual import xed_rows
from nlu.types import SUPPORT_CLASSES

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "pl": "Polish", "zh": "Chinese"}
FEELINGS_CONFUSED = ("anxiety", "sadness", "anger")
"""The three feelings the policy treats differently and a weak model mixes up."""


@dataclass(frozen=True)
class EvalSet:
    """Rows of one language the model never trained on, and the classes their labels cover."""

    language: str
    name: str
    data: LabelledTexts
    classes: tuple[str, ...]


@dataclass(frozen=True)
class SetFigures:
    """How the model did on one set: truth, decisions and scores over the set's classes."""

    eval_set: EvalSet
    truth: np.ndarray
    predicted: np.ndarray
    probabilities: np.ndarray

    def f1(self, name: str) -> float:
        column = self.eval_set.classes.index(name)
        return f1_score(self.truth[:, column] == 1, self.predicted[:, column])

    @property
    def macro_f1(self) -> float:
        return float(np.mean([self.f1(name) for name in self.eval_set.classes]))

    def auc(self, name: str) -> float:
        column = self.eval_set.classes.index(name)
        return roc_auc(self.probabilities[:, column], self.truth[:, column])


def evaluation_sets(data_dir: Path, curated_file: Path | None) -> list[EvalSet]:
    """Every held-out set, in the order the report prints them.

    GoEmotions dev: the held-out part of its comments (``dev_comment_part``), in English and in the
    Russian translation. XED: every fifth row of each projection file. Support-domain: the curated
    file's ``test`` rows.
    """
    dev = read_parallel_dev(data_dir)
    sets = [
        EvalSet("en", "GoEmotions dev, held-out comments", dev.part("test", "en"), SUPPORT_CLASSES),
        EvalSet("ru", "ru-goemotions, the same held-out comments in Russian", dev.part("test", "ru"), SUPPORT_CLASSES),
    ]
    for language in ("pl", "zh", "ru"):
        path = data_dir / "xed" / f"{language}-projections.tsv"
        if path.is_file():
            held_out = xed_rows(read_xed(path), "test")
            sets.append(EvalSet(language, "XED subtitles, every fifth row (labels projected from English)",
                                held_out, XED_CLASSES))
    if curated_file is not None and curated_file.is_file():
        for language, split in read_support_messages(curated_file).items():
            sets.append(EvalSet(language, "support chat, the curated test split", split.test, SUPPORT_CLASSES))
    return sets


def score_sets(model: EmotionModel, sets: list[EvalSet]) -> list[SetFigures]:
    figures = []
    for eval_set in sets:
        columns = [SUPPORT_CLASSES.index(name) for name in eval_set.classes]
        scored = model.score_as(eval_set.data.texts, eval_set.language)
        truth = np.asarray(eval_set.data.targets)[:, columns]
        predicted = scored.probabilities[:, columns] >= scored.thresholds[:, columns]
        figures.append(SetFigures(eval_set, truth, predicted, scored.probabilities[:, columns]))
    return figures


def evaluate_model(
    model_dir: Path, data_dir: Path, curated_file: Path | None = None, precision: str = "auto",
    cache_dir: Path | None = None,
) -> list[str]:
    """Lines of the report: a table per set, the anxiety/sadness/anger confusion, then the summary."""
    model = EmotionModel(model_dir, precision, cache_dir=cache_dir)
    figures = score_sets(model, evaluation_sets(data_dir, curated_file))
    head = model.multilingual.head.version if model.multilingual else "none"
    lines = [f"model {model.version} ({model.encoder.precision}); multilingual head {head}",
             "Every set below is text the model never trained on; thresholds are the artifact's own, per language.", ""]
    for figure in figures:
        lines += report_set(figure)
    lines += ["Summary (the model card carries the same table):", *summary_lines(figures)]
    return lines


def report_set(figure: SetFigures) -> list[str]:
    eval_set = figure.eval_set
    lines = [f"{LANGUAGE_NAMES.get(eval_set.language, eval_set.language)} — {eval_set.name} ({len(eval_set.data.texts)} texts)"]
    lines += classification_table(figure.truth, figure.predicted, eval_set.classes)
    aucs = [f"{name} ROC-AUC {figure.auc(name):.3f}" for name in ("anxiety", "anger") if name in eval_set.classes]
    lines += ["; ".join(aucs), "", *feelings_confusion(figure), ""]
    return lines


def feelings_confusion(figure: SetFigures) -> list[str]:
    """Rows: texts truly labelled anxiety, sadness or anger; columns: what the model said of them.

    A text can carry several labels and get several, so a row can add up to more than its count;
    "none of the three" counts the texts given none of these feelings.
    """
    classes = figure.eval_set.classes
    columns = [classes.index(name) for name in FEELINGS_CONFUSED]
    width = 10
    lines = ["true \\ predicted".ljust(18) + "".join(name.rjust(width) for name in FEELINGS_CONFUSED)
             + "none of the three".rjust(19) + "texts".rjust(7)]
    for name, column in zip(FEELINGS_CONFUSED, columns, strict=True):
        rows = figure.truth[:, column] == 1
        counts = [int(np.sum(figure.predicted[rows, other])) for other in columns]
        missed = int(np.sum(~figure.predicted[rows][:, columns].any(axis=1)))
        lines.append(name.ljust(18) + "".join(str(count).rjust(width) for count in counts) + str(missed).rjust(19)
                     + str(int(rows.sum())).rjust(7))
    return lines


def summary_rows(figures: list[SetFigures]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for figure in figures:
        eval_set = figure.eval_set
        classes = eval_set.classes
        auc = f"{figure.auc('anxiety'):.3f}" if "anxiety" in classes else "—"
        lowest = min(classes, key=figure.f1)
        rows.append((LANGUAGE_NAMES.get(eval_set.language, eval_set.language), eval_set.name, str(len(eval_set.data.texts)),
                     f"{figure.macro_f1:.3f}", f"{figure.f1('anxiety'):.3f}", f"{figure.f1('anger'):.3f}",
                     f"{lowest} {figure.f1(lowest):.3f}", auc))
    return rows


SUMMARY_HEADER = ("language", "set", "texts", "macro-F1", "anxiety F1", "anger F1", "weakest class", "anxiety AUC")


def summary_lines(figures: list[SetFigures]) -> list[str]:
    rows = [SUMMARY_HEADER, *summary_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(SUMMARY_HEADER))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]


def summary_markdown(figures: list[SetFigures]) -> str:
    """The summary as a Markdown table, for the model card."""
    lines = ["| " + " | ".join(SUMMARY_HEADER) + " |", "|" + "---|" * len(SUMMARY_HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in summary_rows(figures)]
    return "\n".join(lines)
