"""A CSV of questions and answers: ``question,answer,tags,url,language``, one article a row.

A row has no id of its own, so the question is its id: editing an answer and importing again
updates the same draft; rewording the question makes a new one.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from knowledge.importing.articles import Article, Block, SourceError, plain

COLUMNS = ("question", "answer", "tags", "url", "language")
_TAG_SEPARATORS = re.compile(r"[,;|]")


def read_csv(path: Path, language: str = "") -> list[Article]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        if "question" not in header or "answer" not in header:
            raise SourceError(f"{path}: the first row must name the columns {','.join(COLUMNS)} "
                              "(question and answer at least).")
        reader.fieldnames = header
        articles = []
        for number, row in enumerate(reader, start=2):
            question, answer = plain(row.get("question") or ""), (row.get("answer") or "").strip()
            if not question and not answer:
                continue
            if not question or not answer:
                raise SourceError(f"{path}:{number}: a row needs both a question and an answer.")
            row_language = (row.get("language") or language).strip().lower()
            if not row_language:
                raise SourceError(f"{path}:{number}: no language; fill the language column or pass --language.")
            paragraphs = tuple(Block(plain(part)) for part in re.split(r"\n\s*\n", answer) if part.strip())
            tags = tuple(plain(tag) for tag in _TAG_SEPARATORS.split(row.get("tags") or "") if tag.strip())
            articles.append(Article("csv", question.lower(), row_language, question, paragraphs, tags,
                                    (row.get("url") or "").strip()))
    return articles
