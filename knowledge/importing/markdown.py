"""A folder of Markdown articles, each with YAML front matter (language, tags, optionally title, id, url).

Translations of one article share its ``id`` (by default the file's name without .md), so they
become one draft topic with the words of each language. Only what a help centre writes is read:
headings, paragraphs, list items; inline marks and link targets are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from knowledge.importing.articles import Article, Block, SourceError, plain

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def read_markdown(source: Path, language: str = "") -> list[Article]:
    """Every .md file under the folder ``source`` (or the one file ``source``)."""
    files = [source] if source.is_file() else sorted(source.rglob("*.md"))
    if not files:
        raise SourceError(f"{source} has no .md files.")
    folder = source.parent if source.is_file() else source
    return [_article(path, folder, language) for path in files]


def _article(path: Path, folder: Path, default_language: str) -> Article:
    meta, body = _front_matter(path)
    language = str(meta.get("language") or meta.get("lang") or default_language).lower()
    if not language:
        raise SourceError(f"{path}: no language; add 'language: en' to its front matter or pass --language.")
    blocks = _blocks(body)
    title = str(meta.get("title") or "")
    if not title and blocks and blocks[0].heading == 1:
        title, blocks = blocks[0].text, blocks[1:]
    if not title:
        title = path.stem.replace("-", " ").replace("_", " ").capitalize()
    raw_tags = meta.get("tags") or []
    tags = raw_tags.split(",") if isinstance(raw_tags, str) else list(raw_tags) if isinstance(raw_tags, list) else []
    article_id = str(meta.get("id") or path.relative_to(folder).with_suffix("").as_posix())
    return Article("markdown", article_id, language, plain(title), tuple(blocks),
                   tuple(plain(str(tag)) for tag in tags if str(tag).strip()), str(meta.get("url") or ""))


def _front_matter(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    if not text.startswith("---"):
        return {}, text
    _, _, rest = text.partition("\n")
    head, separator, body = rest.partition("\n---")
    if not separator:
        raise SourceError(f"{path}: the front matter opened with --- is never closed with ---.")
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as error:
        raise SourceError(f"{path}: the front matter is not valid YAML: {error}") from error
    if not isinstance(meta, dict):
        raise SourceError(f"{path}: the front matter must be fields like 'language: en'.")
    return meta, body.partition("\n")[2]


def _blocks(body: str) -> list[Block]:
    blocks: list[Block] = []
    lines: list[str] = []

    def flush() -> None:
        text = _inline(" ".join(lines))
        if text:
            blocks.append(Block(text))
        lines.clear()

    fenced = False
    for line in body.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
            flush()
            continue
        heading = None if fenced else _HEADING.match(line)
        if heading:
            flush()
            blocks.append(Block(_inline(heading.group(2)), len(heading.group(1))))
        elif not line.strip():
            flush()
        elif _ITEM.match(line) and not fenced:
            flush()
            lines.append(_ITEM.sub("", line))
        else:
            lines.append(line.strip().lstrip(">").strip())
    flush()
    return blocks


def _inline(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    for _ in range(2):
        text = _MARKS.sub(r"\2", text)
    return plain(text)
