"""Readers for the labelled emotion data in ``../shared/data`` (see its README)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nlu.labels import support_targets


class DatasetError(RuntimeError):
    """The training data is missing or malformed."""


@dataclass(frozen=True)
class LabelledTexts:
    texts: list[str]
    targets: list[list[int]]


def default_data_dir() -> Path:
    """``../shared/data`` next to the checkout, where the project keeps its labelled data."""
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def read_goemotions(split_file: Path, label_names_file: Path) -> LabelledTexts:
    """Read one GoEmotions split (text, comma-separated label ids, id) into support targets."""
    if not split_file.is_file():
        raise DatasetError(f"GoEmotions split not found: {split_file}. Pass --data-dir pointing at shared/data.")
    names = label_names_file.read_text(encoding="utf-8").split()
    texts: list[str] = []
    targets: list[list[int]] = []
    with split_file.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 2 or not row[0].strip():
                continue
            label_ids = [int(part) for part in row[1].split(",") if part.strip()]
            texts.append(row[0])
            targets.append(support_targets([names[i] for i in label_ids]))
    if not texts:
        raise DatasetError(f"No examples could be read from {split_file}.")
    return LabelledTexts(texts=texts, targets=targets)
