"""An article as a help centre holds it, whatever the format it came in, and the questions in it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from knowledge.content_files import KnowledgeError


class SourceError(KnowledgeError):
    """A source cannot be read as the format asked for; the message says which file and what is wrong."""


@dataclass(frozen=True)
class Block:
    """One heading or one paragraph (a list item counts as one) of an article's main text."""

    text: str
    heading: int = 0
    """The heading's level (1 for a title), 0 for text."""


@dataclass(frozen=True)
class Article:
    source: str
    """The format it came from: markdown, csv, html or zendesk."""
    article_id: str
    """Stable within the source: the same article keeps it between exports, translations share it."""
    language: str
    title: str
    blocks: tuple[Block, ...]
    tags: tuple[str, ...] = ()
    url: str = ""

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(block.text for block in self.blocks if not block.heading)


QUESTION_WORDS = {
    "en": ("how", "what", "when", "where", "why", "which", "who", "can", "could", "do", "does", "is", "are", "will",
           "should", "may"),
    "pl": ("jak", "jaki", "jaka", "jakie", "co", "kiedy", "gdzie", "dlaczego", "czemu", "czy", "ile", "kto", "który",
           "która", "które"),
    "ru": ("как", "какой", "какая", "какие", "что", "когда", "где", "почему", "зачем", "можно", "сколько", "кто",
           "который"),
    "zh": (),
}
"""First words that make a heading a question even without its question mark ("How returns work")."""
_QUESTION_PREFIX = re.compile(r"^(?:q|question|pytanie|вопрос|问)\s*[:：.]\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?。！？]*[?？]")


def questions_in(article: Article, limit: int = 8) -> tuple[str, ...]:
    """The example questions a draft starts with: the title, the headings shaped as questions, and
    the questions in the text (an FAQ's "Q: ..." lines included), each once, at most ``limit``."""
    found = [article.title]
    for block in article.blocks:
        text = _QUESTION_PREFIX.sub("", block.text.strip())
        if block.heading:
            if _is_question(text, article.language):
                found.append(text)
            continue
        found += [match.group(0).strip() for match in _SENTENCE.finditer(text)]
    seen: set[str] = set()
    unique = []
    for question in found:
        question = " ".join(question.split())
        if question and question.lower() not in seen and len(question) <= 200:
            seen.add(question.lower())
            unique.append(question)
    return tuple(unique[:limit])


def _is_question(text: str, language: str) -> bool:
    if text.endswith(("?", "？")) or (language == "zh" and text.endswith(("吗", "呢"))):
        return True
    first = text.split()[0].lower() if text.split() else ""
    return first in QUESTION_WORDS.get(language, ())


def slug(text: str, limit: int = 48) -> str:
    """Lowercase ASCII letters, digits and underscores: a draft's id part from a file name or a question."""
    ascii_text = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L")).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return cleaned[:limit].rstrip("_")


def plain(text: str) -> str:
    """Text on one line, spaces collapsed."""
    return " ".join(text.split())
