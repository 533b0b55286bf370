"""A Zendesk Guide articles export: the Help Center API's ``{"articles": [...]}`` saved as JSON.

Each article has an ``id``, a ``title``, an HTML ``body``, its ``locale`` ("en-us"), its
``label_names`` and its ``html_url``. Translations of an article share the id. Articles still in
draft in Zendesk (``"draft": true``) are not on the help centre, so they are left out.
"""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.importing.articles import Article, SourceError, plain
from knowledge.importing.html_text import read_page


def read_zendesk(path: Path, language: str = "") -> list[Article]:
    try:
        export = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(f"{path} is not a JSON file: {error}") from error
    entries = export.get("articles") if isinstance(export, dict) else None
    if not isinstance(entries, list):
        raise SourceError(f"{path} has no \"articles\" list, as Zendesk's Help Center API exports them.")
    articles = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or "id" not in entry or not entry.get("title"):
            raise SourceError(f"{path}: article #{number} needs an id and a title.")
        if entry.get("draft"):
            continue
        locale = str(entry.get("locale") or language).lower()
        if not locale:
            raise SourceError(f"{path}: article {entry['id']} has no locale; pass --language.")
        page = read_page(str(entry.get("body") or ""))
        labels = entry.get("label_names") or []
        articles.append(Article("zendesk", str(entry["id"]), locale.split("-")[0], plain(str(entry["title"])),
                                page.blocks, tuple(plain(str(label)) for label in labels),
                                str(entry.get("html_url") or "")))
    return articles
