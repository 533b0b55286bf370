"""Which reader a source needs: the one asked for, or the one its path suggests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.importing.articles import Article, SourceError
from knowledge.importing.csv_table import read_csv
from knowledge.importing.html_pages import read_html
from knowledge.importing.markdown import read_markdown
from knowledge.importing.zendesk import read_zendesk

READERS: dict[str, Callable[[Path, str], list[Article]]] = {
    "markdown": read_markdown, "csv": read_csv, "html": read_html, "zendesk": read_zendesk,
}
FORMATS = tuple(READERS)


def guess_format(path: Path) -> str:
    """A folder is Markdown; otherwise the file's ending says it (.json is a Zendesk export, .xml a sitemap)."""
    if path.is_dir():
        return "markdown"
    by_suffix = {".csv": "csv", ".json": "zendesk", ".html": "html", ".htm": "html", ".xml": "html", ".md": "markdown"}
    guessed = by_suffix.get(path.suffix.lower())
    if guessed is None:
        raise SourceError(f"Cannot tell the format of {path}; pass --format {'|'.join(FORMATS)}.")
    return guessed


def read_source(path: Path, format: str | None = None, language: str = "") -> list[Article]:
    if not path.exists():
        raise SourceError(f"Nothing to import at {path}.")
    chosen = format or guess_format(path)
    if chosen not in READERS:
        raise SourceError(f"Unknown format {chosen}; it can be {', '.join(FORMATS)}.")
    return READERS[chosen](path, language.lower())
