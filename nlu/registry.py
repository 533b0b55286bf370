"""Trained models on disk: which exist, which one is live, and promoting a candidate.

Candidates live in a models folder (``candor nlu train --output var/models/NAME``); the live
one is named in ``LIVE`` inside that folder, and only an explicit promotion changes it.
Without a promotion the bot runs the model shipped in the package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from nlu.errors import CandorError
from nlu.model import default_model_dir

LIVE_FILE = "LIVE"
CONFIG_FILE = "config.json"
CARD_FILE = "MODEL_CARD.md"


class RegistryError(CandorError, ValueError):
    """A model name that is not a trained model in the models folder."""


@dataclass(frozen=True)
class ModelEntry:
    name: str
    path: Path
    version: str
    card: str
    live: bool


def live_model_dir(models_dir: Path) -> Path:
    """The promoted model, or the shipped one when nothing was promoted (or the promoted one is gone)."""
    marker = models_dir / LIVE_FILE
    if marker.is_file():
        candidate = models_dir / marker.read_text(encoding="utf-8").strip()
        if (candidate / CONFIG_FILE).is_file():
            return candidate
    return default_model_dir()


def list_models(models_dir: Path) -> list[ModelEntry]:
    """The shipped model first, then every trained model in the folder, newest first."""
    live = live_model_dir(models_dir).resolve()
    entries = [_entry("shipped", default_model_dir(), live)]
    if models_dir.is_dir():
        found = [p for p in models_dir.iterdir() if p.is_dir() and (p / CONFIG_FILE).is_file()]
        for path in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True):
            entries.append(_entry(path.name, path, live))
    return entries


def find_model(models_dir: Path, name: str) -> ModelEntry:
    for entry in list_models(models_dir):
        if entry.name == name:
            return entry
    raise RegistryError(f"No trained model called '{name[:64]}' in {models_dir}.")


def promote(models_dir: Path, name: str) -> ModelEntry:
    """Make ``name`` the live model (the bot loads it at its next start); "shipped" goes back to the package's."""
    entry = find_model(models_dir, name)
    models_dir.mkdir(parents=True, exist_ok=True)
    marker = models_dir / LIVE_FILE
    if entry.name == "shipped":
        marker.unlink(missing_ok=True)
    else:
        marker.write_text(entry.name + "\n", encoding="utf-8")
    return entry


def _entry(name: str, path: Path, live: Path) -> ModelEntry:
    try:
        version = str(json.loads((path / CONFIG_FILE).read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError):
        version = ""
    card = (path / CARD_FILE).read_text(encoding="utf-8") if (path / CARD_FILE).is_file() else "(no model card)"
    return ModelEntry(name, path, version, card, path.resolve() == live)
