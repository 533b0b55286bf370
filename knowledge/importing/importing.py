"""Importing a source's articles as drafts: new ones written, changed ones updated with a diff of
what changed, and a published topic never touched, so a trainer's edits after publishing are kept."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from knowledge.content_files import KnowledgeError
from knowledge.importing.articles import Article
from knowledge.importing.drafting import draft_findings, draft_id, draft_texts
from knowledge.importing.drafts import Draft, DraftState, read_draft, state_of, write_draft
from knowledge.pack import FALLBACK_LANGUAGE, TOPIC_TEXT_FIELDS, Topic, read_pack


@dataclass(frozen=True)
class Imported:
    draft: Draft
    change: str
    """new, updated or unchanged."""
    diff: str
    """What changed in the draft's words, as a unified diff ("" for a new or unchanged draft)."""
    state: DraftState


def import_articles(content_dir: Path, articles: list[Article], origin: str) -> list[Imported]:
    """Write each article (all its languages together) as a draft in ``content_dir``'s drafts folder."""
    pack = read_pack(content_dir)
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(draft_id(article), []).append(article)
    results = []
    for topic_id, group in groups.items():
        texts = {a.language: draft_texts(a, pack.wording[a.language]) for a in group if a.language in pack.wording}
        skipped = tuple(sorted({a.language for a in group} - set(texts)))
        if not texts:
            raise KnowledgeError(f"{group[0].title!r} is only in {', '.join(skipped)}, which the pack does not speak "
                                 f"({', '.join(pack.languages)}).")
        first = next((a for a in group if a.language == FALLBACK_LANGUAGE), group[0])
        old = _existing(content_dir, topic_id)
        draft = Draft(id=topic_id, title=first.title, source=first.source, origin=origin, article=first.article_id,
                      url=first.url, tags=first.tags, texts=texts, findings=tuple(draft_findings(topic_id, texts)),
                      published=old.published if old else None, skipped=skipped)
        diff = "" if old is None else _diff(old.texts, texts)
        if old is None or diff or old != draft:
            write_draft(content_dir, draft)
        change = "new" if old is None else "updated" if diff else "unchanged"
        results.append(Imported(draft, change, diff, state_of(content_dir, draft)))
    return results


def _existing(content_dir: Path, topic_id: str) -> Draft | None:
    try:
        return read_draft(content_dir, topic_id)
    except KnowledgeError:
        return None


def _diff(old: dict[str, Topic], new: dict[str, Topic]) -> str:
    lines = difflib.unified_diff(_lines(old), _lines(new), "before", "now", lineterm="", n=0)
    return "\n".join(line for line in lines if not line.startswith("@@"))


def _lines(texts: dict[str, Topic]) -> list[str]:
    lines = []
    for language, words in sorted(texts.items()):
        for part in (*TOPIC_TEXT_FIELDS, "examples", "keywords"):
            value = getattr(words, part)
            values = value if isinstance(value, tuple) else (value,)
            lines += [f"{language}.{part}: {item}" for item in values]
    return lines
