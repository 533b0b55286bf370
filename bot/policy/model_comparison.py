"""What a trainer decides a promotion from: each figure for both models with its change and sample
size, and the past messages whose labels would flip.

Pure: the runner (``bot/console/comparison_runner.py``) scores, this module only compares, so the
figures and flips are checked without a model. The result is stored as JSON (``to_json``) so a
finished comparison survives a restart and can be reopened.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from nlu.training.evaluate import f1_score

MACRO = "macro-F1"


@dataclass(frozen=True)
class Figure:
    """One F1 on one evaluation set: ``label`` is a class or ``MACRO``; ``n`` the texts it rests on
    (for a class, the texts truly carrying it; for ``MACRO``, every text of the set)."""

    language: str
    set_name: str
    label: str
    n: int
    live: float
    candidate: float

    @property
    def change(self) -> float:
        return self.candidate - self.live


@dataclass(frozen=True)
class PastMessage:
    message_id: int
    conversation_id: int
    language: str


@dataclass(frozen=True)
class LabelFlip:
    """A stored customer message the two models label differently."""

    message_id: int
    conversation_id: int
    language: str
    live: tuple[str, ...]
    candidate: tuple[str, ...]


@dataclass(frozen=True)
class ComparisonResult:
    figures: tuple[Figure, ...]
    flips: tuple[LabelFlip, ...]
    messages_checked: int

    def by_language(self) -> list[Figure]:
        """The macro-F1 of every set, one row per set, grouped by language."""
        return [figure for figure in self.figures if figure.label == MACRO]

    def by_class(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.label != MACRO]


def set_figures(language: str, set_name: str, classes: Sequence[str], truth: np.ndarray,
                live: np.ndarray, candidate: np.ndarray) -> list[Figure]:
    """Macro-F1 (over the classes some text carries) then each class's F1 of both models' decisions
    (rows: texts, columns: ``classes``)."""
    truth = truth.astype(bool)
    per_class = [
        Figure(language, set_name, name, int(truth[:, i].sum()),
               f1_score(truth[:, i], live[:, i].astype(bool)), f1_score(truth[:, i], candidate[:, i].astype(bool)))
        for i, name in enumerate(classes)
    ]
    carried = [f for f in per_class if f.n > 0] or per_class  # a class no text carries would only pull the mean to 0
    macro = Figure(language, set_name, MACRO, int(truth.shape[0]),
                   float(np.mean([f.live for f in carried])) if carried else 0.0,
                   float(np.mean([f.candidate for f in carried])) if carried else 0.0)
    return [macro, *per_class]


def label_flips(messages: Sequence[PastMessage], live: Sequence[Sequence[str]],
                candidate: Sequence[Sequence[str]]) -> list[LabelFlip]:
    """The messages whose set of labels differs between the models (order of labels does not matter)."""
    return [
        LabelFlip(message.message_id, message.conversation_id, message.language, tuple(mine), tuple(theirs))
        for message, mine, theirs in zip(messages, live, candidate, strict=True)
        if set(mine) != set(theirs)
    ]


def to_json(result: ComparisonResult) -> str:
    return json.dumps(asdict(result), ensure_ascii=False)


def from_json(text: str) -> ComparisonResult:
    data = json.loads(text)
    return ComparisonResult(
        tuple(Figure(**figure) for figure in data["figures"]),
        tuple(LabelFlip(f["message_id"], f["conversation_id"], f["language"], tuple(f["live"]),
                        tuple(f["candidate"])) for f in data["flips"]),
        int(data["messages_checked"]),
    )
