"""The main text of a saved HTML page as headings and paragraphs, with the standard library's parser.

Navigation, headers, footers, scripts and forms are not an article's words, so they are left out;
when the page marks its main text (<main>, <article>, role="main"), only that is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from knowledge.importing.articles import Block, plain

SKIPPED = frozenset({"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg",
                     "button", "select"})
MAIN = frozenset({"main", "article"})
HEADINGS = {f"h{level}": level for level in range(1, 7)}
BLOCKS = frozenset({"p", "li", "dd", "dt", "td", "th", "blockquote", "pre", "div", "section", "br", "tr", "ul", "ol",
                    "table", "figcaption", *HEADINGS, *MAIN})
VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "source", "wbr", "col", "area", "base", "embed"})


@dataclass(frozen=True)
class Page:
    title: str
    language: str
    """From <html lang>, "" when the page does not say."""
    canonical: str
    blocks: tuple[Block, ...]


def read_page(html: str) -> Page:
    parser = _MainText()
    parser.feed(html)
    parser.close()
    parser.flush()
    in_main = [block for block, main in parser.blocks if main]
    blocks = in_main or [block for block, _ in parser.blocks]
    return Page(plain(parser.title), parser.language, parser.canonical, tuple(blocks))


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[Block, bool]] = []
        self.title = self.language = self.canonical = ""
        self._stack: list[str] = []
        self._skipping = self._main = 0
        self._in_title = False
        self._words: list[str] = []
        self._heading = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.language = values.get("lang", "").split("-")[0].lower()
        elif tag == "link" and values.get("rel", "").lower() == "canonical":
            self.canonical = values.get("href", "")
        elif tag == "title":
            self._in_title = True
        if tag in VOID:
            if tag == "br":
                self.flush()
            return
        self._stack.append(tag)
        if tag in SKIPPED or "hidden" in values:
            self._skipping += 1
            self._stack[-1] = "\0" + tag
            return
        if tag in MAIN or values.get("role") == "main":
            self._main += 1
            self._stack[-1] = "\1" + tag
        if tag in BLOCKS:
            self.flush()
            self._heading = HEADINGS.get(tag, 0)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in VOID or tag not in {name.lstrip("\0\1") for name in self._stack}:
            return
        while self._stack:
            opened = self._stack.pop()
            if opened.startswith("\0"):
                self._skipping -= 1
            elif tag in BLOCKS or opened.lstrip("\1") in BLOCKS:
                self.flush()
            if opened.startswith("\1"):
                self._main -= 1
            if opened.lstrip("\0\1") == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skipping:
            self._words.append(data)

    def flush(self) -> None:
        text = plain("".join(self._words))
        self._words = []
        if text:
            self.blocks.append((Block(text, self._heading), self._main > 0))
        self._heading = 0
