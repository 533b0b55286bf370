"""Readers for the labelled emotion data in ``../shared/data`` (see its README)."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nlu.errors import CandorError
from nlu.training.labels import SUPPORT_TO_GOEMOTIONS, support_targets


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


@dataclass(frozen=True)
class CuratedSplit:
    """One language's curated messages: ``train`` rows may be trained on, ``test`` rows never are."""

    train: LabelledTexts
    test: LabelledTexts


SPLITS = ("train", "test")


def read_support_messages(path: Path) -> dict[str, CuratedSplit]:
    """Curated messages by language (columns: language, split, comma-separated support classes, text).

    The split is written in the file, not derived from row order, so adding a line never moves
    another between training and evaluation.
    """
    from nlu.types import SUPPORT_CLASSES

    if not path.is_file():
        raise DatasetError(f"Curated support messages not found: {path}.")
    by_language: dict[str, CuratedSplit] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        classes = set(parts[2].split(",")) if len(parts) == 4 else set()
        if (len(parts) != 4 or parts[1] not in SPLITS or not classes or not classes <= set(SUPPORT_CLASSES)
                or not parts[3].strip()):
            raise DatasetError(f"{path}:{number}: expected 'language<TAB>split<TAB>classes<TAB>text' with split "
                               f"train or test and classes from {', '.join(SUPPORT_CLASSES)}.")
        split = by_language.setdefault(parts[0], CuratedSplit(LabelledTexts([], [], []), LabelledTexts([], [], [])))
        data = split.train if parts[1] == "train" else split.test
        data.texts.append(parts[3])
        data.targets.append([1 if name in classes else 0 for name in SUPPORT_CLASSES])
        data.source_labels.append(sorted(classes))
    return by_language


HELD_OUT_TENTHS = 3
"""Three comments in ten of GoEmotions dev are held out from every language's training: their Russian
translation is the Russian test set, and their English original the English one, so no figure of a
language is flattered by the head having read the same comment in another."""
TUNING_TENTHS = 2
"""Two in ten more tune the per-language thresholds; the other half trains."""


def dev_comment_part(comment_id: str) -> str:
    """``test``, ``tune`` or ``train`` for one GoEmotions dev comment, fixed by a hash of its id.

    A hash rather than a seeded shuffle, so training, ``candor nlu eval`` and any later file agree on
    the parts without sharing state, and adding rows elsewhere never moves a comment.
    """
    tenth = int(hashlib.sha256(comment_id.encode("utf-8")).hexdigest(), 16) % 10
    if tenth < HELD_OUT_TENTHS:
        return "test"
    return "tune" if tenth < HELD_OUT_TENTHS + TUNING_TENTHS else "train"


@dataclass(frozen=True)
class ParallelDev:
    """GoEmotions dev in English and in its Russian translation, row for row, with each row's part."""

    english: LabelledTexts
    russian: LabelledTexts
    parts: list[str]

    def part(self, name: str, language: str) -> LabelledTexts:
        data = self.russian if language == "ru" else self.english
        return data.rows([i for i, part in enumerate(self.parts) if part == name])


def read_parallel_dev(data_dir: Path) -> ParallelDev:
    """GoEmotions dev (``goemotions/dev.tsv``) beside ru-goemotions (``ru-goemotions/dev.csv``).

    The two files list the same 5,426 comments in the same order; a row whose ids differ means a
    changed file, and is refused rather than paired with the wrong labels.
    """
    labels = data_dir / "goemotions" / "labels.txt"
    english = read_goemotions(data_dir / "goemotions" / "dev.tsv", labels)
    ids = _goemotions_ids(data_dir / "goemotions" / "dev.tsv")
    path = data_dir / "ru-goemotions" / "dev.csv"
    if not path.is_file():
        raise DatasetError(f"Russian GoEmotions not found: {path}. Pass --data-dir pointing at shared/data.")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if len(rows) != len(ids) or any(row.get("id") != comment for row, comment in zip(rows, ids, strict=False)):
        raise DatasetError(f"{path} does not list the comments of goemotions/dev.tsv in the same order.")
    russian = LabelledTexts([row["ru_text"] for row in rows], english.targets, english.source_labels)
    return ParallelDev(english, russian, [dev_comment_part(comment) for comment in ids])


def _goemotions_ids(split_file: Path) -> list[str]:
    with split_file.open(encoding="utf-8", newline="") as handle:
        return [row[2].strip() for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                if len(row) >= 3 and row[0].strip()]
