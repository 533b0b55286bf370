"""Reading one content file, and the error every malformed content file raises.

Kept apart from the loader so the parts of the pack that load in their own modules (the
forms' details) raise the same error with the same kind of message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from nlu.errors import CandorError

DRAFTS_FOLDER = "drafts"
"""Where imported help-centre articles wait as draft topics (``candor knowledge import``); not a language."""


def language_folders(content_dir: Path) -> list[Path]:
    """The folders of a content directory that hold one language's words, by name."""
    return sorted(p for p in content_dir.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")) and p.name != DRAFTS_FOLDER)


class KnowledgeError(CandorError):
    """A content file is missing or malformed; the message names the file and the field."""


def read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise KnowledgeError(f"Missing content file {path}.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path} is not valid YAML: {error}") from error
