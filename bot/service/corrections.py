"""Trainers' corrected labels as training data, in the GoEmotions TSV format the trainer reads.

Each support class is written as one GoEmotions label that maps back to it (anger → anger,
anxiety → fear, sadness → sadness, confusion → confusion, positive → joy, neutral → neutral), so
``nlu.dataset.read_goemotions`` reads the file with the public data's own label list.
"""

from __future__ import annotations

from pathlib import Path

from bot.storage.database import Database
from bot.storage.trainers import TrainerRepository
from nlu.training.dataset import DatasetError, default_data_dir

REPRESENTATIVE = {"anger": "anger", "anxiety": "fear", "sadness": "sadness", "confusion": "confusion",
                  "positive": "joy", "neutral": "neutral"}


async def write_corrections_tsv(database_url: str, path: Path, labels_file: Path | None = None) -> int:
    """Write every corrected message once (its latest labels); returns how many.

    Label ids index ``labels_file`` (GoEmotions' labels.txt), as in the public data.
    """
    labels_file = labels_file or default_data_dir() / "goemotions" / "labels.txt"
    if not labels_file.is_file():
        raise DatasetError(f"GoEmotions label list not found: {labels_file}. Pass --data-dir pointing at shared/data.")
    names = labels_file.read_text(encoding="utf-8").split()
    database = Database(database_url)
    try:
        async with database.session() as session:
            examples = await TrainerRepository(session).corrected_examples()
    finally:
        await database.dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        for example in examples:
            ids = ",".join(str(names.index(REPRESENTATIVE[label])) for label in example.labels)
            text = " ".join(example.text.replace("\t", " ").split())
            handle.write(f"{text}\t{ids}\tcandor-message-{example.message_id}\n")
    return len(examples)
