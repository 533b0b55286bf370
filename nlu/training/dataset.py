"""Readers for the labelled emotion data in ``../shared/data`` (see its README)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nlu.errors import CandorError
from nlu.training.labels import SUPPORT_TO_GOEMOTIONS, support_targets

HOLD_OUT_EVERY = 5


class DatasetError(CandorError):
    """The training data is missing or malformed."""


@dataclass(frozen=True)
class LabelledTexts:
    texts: list[str]
    targets: list[list[int]]
    source_labels: list[list[str]]

    def rows(self, indices: list[int]) -> LabelledTexts:
        return LabelledTexts([self.texts[i] for i in indices], [self.targets[i] for i in indices],
                             [self.source_labels[i] for i in indices])

    def split_held_out(self) -> tuple[LabelledTexts, LabelledTexts]:
        """(training rows, held-out rows): every fifth row is held out.

        A fixed rule rather than a seeded shuffle, so training and ``candor nlu eval`` agree on
        which rows the model never saw without having to share a seed.
        """
        count = len(self.texts)
        return (self.rows([i for i in range(count) if i % HOLD_OUT_EVERY != HOLD_OUT_EVERY - 1]),
                self.rows([i for i in range(count) if i % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1]))

    def plus(self, other: LabelledTexts, times: int = 1) -> LabelledTexts:
        """These examples followed by ``other`` repeated ``times`` (a weight for a few curated lines)."""
        return LabelledTexts(self.texts + other.texts * times, self.targets + other.targets * times,
                             self.source_labels + other.source_labels * times)

    def first(self, count: int | None) -> LabelledTexts:
        """The first ``count`` examples (all of them when count is None), for quick runs."""
        if count is None:
            return self
        return LabelledTexts(self.texts[:count], self.targets[:count], self.source_labels[:count])


def corrections_as_texts(examples: Iterable[tuple[str, Sequence[str]]]) -> LabelledTexts:
    """Trainers' corrected messages (text, support labels) as training and evaluation rows.

    Each support label stands as its GoEmotions representative, so the rows carry Ekman targets
    too, exactly as if they had been read from a GoEmotions file.
    """
    rows = [(" ".join(text.split()), [SUPPORT_TO_GOEMOTIONS[label] for label in labels]) for text, labels in examples]
    return LabelledTexts([text for text, _ in rows], [support_targets(names) for _, names in rows],
                         [names for _, names in rows])


def default_data_dir() -> Path:
    """``../shared/data`` next to the checkout, where the project keeps its labelled data."""
    return Path(__file__).resolve().parent.parent.parent.parent / "shared" / "data"


def read_goemotions(split_file: Path, label_names_file: Path) -> LabelledTexts:
    """Read one GoEmotions split (text, comma-separated label ids, id) into support targets."""
    if not split_file.is_file():
        raise DatasetError(f"GoEmotions split not found: {split_file}. Pass --data-dir pointing at shared/data.")
    names = label_names_file.read_text(encoding="utf-8").split()
    texts: list[str] = []
    targets: list[list[int]] = []
    source_labels: list[list[str]] = []
    with split_file.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 2 or not row[0].strip():
                continue
            label_ids = [int(part) for part in row[1].split(",") if part.strip()]
            labels = [names[i] for i in label_ids]
            texts.append(row[0])
            targets.append(support_targets(labels))
            source_labels.append(labels)
    if not texts:
        raise DatasetError(f"No examples could be read from {split_file}.")
    return LabelledTexts(texts=texts, targets=targets, source_labels=source_labels)


XED_TO_SUPPORT: dict[int, str] = {1: "anger", 3: "anger", 4: "anxiety", 5: "positive", 6: "sadness", 8: "positive"}
"""Plutchik labels of XED mapped to the support classes (anticipation and surprise have none)."""
XED_CLASSES: tuple[str, ...] = ("anger", "anxiety", "sadness", "positive")


def read_xed(path: Path) -> LabelledTexts:
    """Read one XED file as support targets (columns: text, comma-separated Plutchik ids)."""
    from nlu.types import SUPPORT_CLASSES

    if not path.is_file():
        raise DatasetError(f"XED file not found: {path}.")
    texts: list[str] = []
    targets: list[list[int]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 2 or not row[0].strip():
                continue
            try:
                ids = {int(part) for part in row[1].split(",") if part.strip()}
            except ValueError:
                continue
            present = {XED_TO_SUPPORT[i] for i in ids if i in XED_TO_SUPPORT}
            texts.append(row[0])
            targets.append([1 if name in present else 0 for name in SUPPORT_CLASSES])
    if not texts:
        raise DatasetError(f"No examples could be read from {path}.")
    return LabelledTexts(texts=texts, targets=targets, source_labels=[[] for _ in texts])


def default_support_messages_file() -> Path:
    """The project's own curated support-chat messages, in every language the bot speaks."""
    return Path(__file__).resolve().parent / "data" / "support_messages.tsv"


def read_support_messages(path: Path) -> dict[str, LabelledTexts]:
    """Curated messages by language (columns: language, comma-separated support classes, text).

    Rows are grouped by language and class in the file, so the every-fifth-row hold-out of
    ``split_held_out`` keeps a few examples of each class unseen.
    """
    from nlu.types import SUPPORT_CLASSES

    if not path.is_file():
        raise DatasetError(f"Curated support messages not found: {path}.")
    by_language: dict[str, LabelledTexts] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        classes = set(parts[1].split(",")) if len(parts) == 3 else set()
        if len(parts) != 3 or not classes or not classes <= set(SUPPORT_CLASSES) or not parts[2].strip():
            raise DatasetError(f"{path}:{number}: expected 'language<TAB>classes<TAB>text' with classes from "
                               f"{', '.join(SUPPORT_CLASSES)}.")
        data = by_language.setdefault(parts[0], LabelledTexts([], [], []))
        data.texts.append(parts[2])
        data.targets.append([1 if name in classes else 0 for name in SUPPORT_CLASSES])
        data.source_labels.append(sorted(classes))
    return by_language
