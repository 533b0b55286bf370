"""Trainers' corrected labels, read from the database for training or written as a GoEmotions TSV.

``candor nlu train`` hands them to the trainer as ``LabelledTexts`` (``nlu`` never reads the
bot's database itself); ``candor trainers export-corrections`` writes the same rows as a file.
In the file each support class is written as one GoEmotions label that maps back to it (anger →
anger, anxiety → fear, sadness → sadness, confusion → confusion, positive → joy, neutral →
neutral), so ``nlu.training.dataset.read_goemotions`` reads it with the public data's own label list.
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.database import Database
from bot.storage.trainers import CorrectedExample, TrainerRepository
from nlu.training.dataset import DatasetError, LabelledTexts, corrections_as_texts, default_data_dir
from nlu.training.labels import SUPPORT_TO_GOEMOTIONS


async def corrections_for_training(database_url: str) -> LabelledTexts:
    """Every corrected message once (its latest labels), as rows the trainer mixes in."""
    return corrections_as_texts([(example.text, example.labels) for example in await _corrected(database_url)])


async def write_corrections_tsv(database_url: str, path: Path, labels_file: Path | None = None) -> int:
    """Write every corrected message once (its latest labels); returns how many.

    Label ids index ``labels_file`` (GoEmotions' labels.txt), as in the public data.
    """
    labels_file = labels_file or default_data_dir() / "goemotions" / "labels.txt"
    if not labels_file.is_file():
        raise DatasetError(f"GoEmotions label list not found: {labels_file}. Pass --data-dir pointing at shared/data.")
    names = labels_file.read_text(encoding="utf-8").split()
    examples = await _corrected(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        for example in examples:
            ids = ",".join(str(names.index(SUPPORT_TO_GOEMOTIONS[label])) for label in example.labels)
            text = " ".join(example.text.replace("\t", " ").split())
            handle.write(f"{text}\t{ids}\tcandor-message-{example.message_id}\n")
    return len(examples)


async def _corrected(database_url: str) -> list[CorrectedExample]:
    database = Database(database_url)
    try:
        async with database.session() as session:
            return await TrainerRepository(session).corrected_examples()
    finally:
        await database.dispose()
