"""Whether a running bot should read its content folder again: a cheap fingerprint of the files it reads.

Every writer changes a file the pack is read from: the console (wording, topics, published drafts,
reverts), ``candor init`` (the profile), a person with an editor, or another worker's console on the same
volume. So the files' sizes and modification times are the version, and no writer has to remember to bump
a stamp. Checking costs a stat per file (about a dozen), cheap enough for every customer turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.content_files import language_folders

Fingerprint = tuple[tuple[str, int, int], ...]
"""(file, modification time in ns, size) of every file the pack is read from, by name."""


def fingerprint(content_dir: Path) -> Fingerprint:
    """The folder's fingerprint now; a file missing or vanishing mid-write just counts as a change."""
    files = [*content_dir.glob("*.yaml"), *(path for folder in language_folders(content_dir)
                                            for path in folder.glob("*.yaml"))]
    marks = []
    for path in sorted(files):
        try:
            stat = path.stat()
        except OSError:
            continue
        marks.append((path.relative_to(content_dir).as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(marks)


@dataclass(frozen=True)
class ContentVersion:
    """The fingerprint of the content the bot answers from, and of the last one it could not load."""

    loaded: Fingerprint
    refused: Fingerprint | None = None


def needs_reload(version: ContentVersion, now: Fingerprint) -> bool:
    """Read again when the folder changed since the content was loaded, unless it is the very state that was
    already refused: a broken edit is reported once, and the next save (which changes the files) is tried."""
    return now != version.loaded and now != version.refused
