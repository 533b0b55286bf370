"""The shop's own content folder, seeded from the package's defaults the first time Candor starts.

The curated wording and topics are the shop's, edited in the console and by ``candor init``;
kept inside the installed package they would be overwritten by the next upgrade. So the bot
reads and writes a folder of its own (``CANDOR_CONTENT_DIR``), which starts as a copy of the
shipped pack (knowledge/content) and is never touched by the package again.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from knowledge.pack import CONTENT_DIR

logger = logging.getLogger(__name__)


def seed_content(folder: Path, defaults: Path = CONTENT_DIR) -> Path:
    """``folder``, first filled with a copy of ``defaults`` when it does not exist yet or is empty (a
    fresh Docker volume is mounted as an empty directory).

    The copy is made beside the folder and moved into place whole, so a start interrupted half-way
    leaves no half-copied pack that the next start would take for the shop's own.
    """
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{folder.name}-", dir=folder.parent) as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(defaults, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        if folder.is_dir():
            _fill(folder, copy)
        else:
            try:
                copy.rename(folder)
            except OSError:
                if not folder.is_dir():  # another process seeding at the same moment won; anything else is a real fault
                    raise
    logger.info("content folder created from the shipped defaults: %s", folder)
    return folder


def _fill(empty: Path, copy: Path) -> None:
    """Move the copy's parts into an empty mount point that cannot be replaced; the files go before the
    language folders, so a folder with ``en/`` in it always has the shared files too."""
    for part in sorted(copy.iterdir(), key=lambda path: path.is_dir()):
        target = empty / part.name
        try:
            part.rename(target)
        except OSError:
            if not target.exists():  # another worker seeding the same volume at the same moment won
                raise
