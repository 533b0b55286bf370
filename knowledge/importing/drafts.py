"""Draft topics kept in the content folder (``<content>/drafts/<id>.yaml``), and what they are now.

A draft records what was published from it (a hash of its words as they went live), so a
re-import can tell a trainer's later edits of the live topic from the source's own changes and
never overwrite the first; and so can publishing again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from knowledge.content_files import DRAFTS_FOLDER, KnowledgeError, language_folders, read_yaml
from knowledge.importing.drafting import DraftFinding, topic_entry
from knowledge.pack import Topic


class DraftState(StrEnum):
    DRAFT = "draft"
    """Not live: never published, or its topic was retired since."""
    PUBLISHED = "published"
    CHANGED = "source changed"
    """Live as published, and a re-import brought new words that are not live yet."""
    EDITED_LIVE = "edited live"
    """A trainer edited the live topic after publishing; importing and publishing keep those edits."""


@dataclass(frozen=True)
class Published:
    hash: str
    at: str


@dataclass(frozen=True)
class Draft:
    id: str
    title: str
    source: str
    origin: str
    """What was imported: the folder, file or sitemap."""
    article: str
    url: str
    tags: tuple[str, ...]
    texts: dict[str, Topic]
    """The topic's words in each language it has."""
    findings: tuple[DraftFinding, ...] = ()
    """The linter's findings as of the last import."""
    published: Published | None = None
    skipped: tuple[str, ...] = field(default=())
    """Languages of the article the pack does not have."""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.texts))


def drafts_folder(content_dir: Path) -> Path:
    return content_dir / DRAFTS_FOLDER


def all_drafts(content_dir: Path) -> list[Draft]:
    folder = drafts_folder(content_dir)
    return [read_draft(content_dir, path.stem) for path in sorted(folder.glob("*.yaml"))] if folder.is_dir() else []


def read_draft(content_dir: Path, draft_id: str) -> Draft:
    path = _path(content_dir, draft_id)
    if not path.is_file():
        raise KnowledgeError(f"No draft '{draft_id[:80]}'; see candor knowledge drafts list.")
    raw = read_yaml(path)
    try:
        texts = {str(language): Topic(id=str(raw["id"]), **{**words, "examples": tuple(words["examples"]),
                                                            "keywords": tuple(words["keywords"])})
                 for language, words in dict(raw["topic"]).items()}
        published = raw.get("published")
        return Draft(
            id=str(raw["id"]), title=str(raw["title"]), source=str(raw["source"]), origin=str(raw.get("origin", "")),
            article=str(raw.get("article", "")), url=str(raw.get("url") or ""), tags=tuple(raw.get("tags") or ()),
            texts=texts, findings=tuple(DraftFinding(**finding) for finding in raw.get("findings") or ()),
            published=Published(**published) if published else None, skipped=tuple(raw.get("skipped") or ()),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise KnowledgeError(f"{path}: not a draft topic ({error}); import its source again.") from error


def write_draft(content_dir: Path, draft: Draft) -> None:
    path = _path(content_dir, draft.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw: dict[str, Any] = {
        "id": draft.id, "title": draft.title, "source": draft.source, "origin": draft.origin,
        "article": draft.article, "url": draft.url, "tags": list(draft.tags),
        "topic": {language: {k: v for k, v in topic_entry(words).items() if k not in ("id", "promised")}
                  for language, words in sorted(draft.texts.items())},
        "findings": [asdict(finding) for finding in draft.findings],
    }
    if draft.skipped:
        raw["skipped"] = list(draft.skipped)
    if draft.published is not None:
        raw["published"] = asdict(draft.published)
    header = ("# A draft topic imported from a help centre: edit its words here, then publish it with\n"
              "# candor knowledge drafts publish " + draft.id + " (or from the console's Drafts page).\n")
    path.write_text(header + yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def state_of(content_dir: Path, draft: Draft) -> DraftState:
    if draft.published is None:
        return DraftState.DRAFT
    live = live_entries(content_dir, draft.id)
    if not live:
        return DraftState.DRAFT
    if entries_hash(live) != draft.published.hash:
        return DraftState.EDITED_LIVE
    return DraftState.PUBLISHED if texts_hash(draft.texts) == draft.published.hash else DraftState.CHANGED


def live_entries(content_dir: Path, topic_id: str) -> dict[str, dict[str, Any]]:
    """The topic's entry in each language's topics.yaml that has one, as the file holds it."""
    found = {}
    for folder in language_folders(content_dir):
        raw = read_yaml(folder / "topics.yaml") if (folder / "topics.yaml").is_file() else []
        entry = next((item for item in raw or () if isinstance(item, dict) and str(item.get("id")) == topic_id), None)
        if entry is not None:
            found[folder.name] = entry
    return found


def texts_hash(texts: dict[str, Topic]) -> str:
    return entries_hash({language: topic_entry(words) for language, words in texts.items()})


def entries_hash(entries: dict[str, dict[str, Any]]) -> str:
    """The same for the same words, however the file wraps or quotes them."""
    def normal(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [normal(item) for item in value]
        return " ".join(str(value if value is not None else "").split())

    flat = {language: {str(k): normal(v) for k, v in entry.items()} for language, entry in entries.items()}
    return hashlib.sha256(json.dumps(flat, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def _path(content_dir: Path, draft_id: str) -> Path:
    if not draft_id or not draft_id.replace("_", "").isalnum() or not draft_id.isascii():
        raise KnowledgeError(f"'{draft_id[:80]}' is not a draft id; see candor knowledge drafts list.")
    return drafts_folder(content_dir) / f"{draft_id}.yaml"
