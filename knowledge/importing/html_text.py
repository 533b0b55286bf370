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


@dataclass(frozen=True)
class _Open:
    """An element still open: its tag, and whether it hides its words or marks the main text."""

    tag: str
    skipped: bool = False
    main: bool = False


class _MainText(HTMLParser):
    """Collects (block, inside the main text) pairs; a block ends where any block element opens or closes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[Block, bool]] = []
        self.title = self.language = self.canonical = ""
        self._open: list[_Open] = []
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
        element = _Open(tag, skipped=tag in SKIPPED or "hidden" in values,
                        main=tag in MAIN or values.get("role") == "main")
        self._open.append(element)
        self._skipping += element.skipped
        self._main += element.main
        if tag in BLOCKS and not element.skipped:
            self.flush()
            self._heading = HEADINGS.get(tag, 0)

    def handle_endtag(self, tag: str) -> None:
        """Close ``tag`` and whatever was left open inside it; an end tag never opened is ignored."""
        if tag == "title":
            self._in_title = False
        if tag in VOID or all(element.tag != tag for element in self._open):
            return
        while self._open:
            element = self._open.pop()
            if element.tag in BLOCKS and not self._skipping:
                self.flush()
            self._skipping -= element.skipped
            self._main -= element.main
            if element.tag == tag:
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
