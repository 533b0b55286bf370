"""Finding a curated text inside a reply the bot sent, and what its fields held there.

A stored reply is plain text: the bot does not record which curated texts it was made of. But
a text is its literal words with fields between them, so the text can be read back out of a
reply: its words must appear in order, and what stands between them is what the fields held
("order #50001", "by 16:00 UTC on Wed 2 Dec"). That is how a wording preview finds the past
conversations a text was used in, and fills a draft with the values a real customer saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Formatter

MIN_WORDS = 4
"""Literal characters (not spaces) a text needs before a match means it was used: "{agent}: {text}" is too little."""

MAX_VALUE = 200
"""Characters a field's value may span: an order number, a time, a name, a list of orders."""
_SENTENCE_END = r"(?=[.!?](?:\s|$)|[。！？]|\n|$)"
_STARTS_SENTENCE = r"(?<![^\s。！？：；）])"


@dataclass(frozen=True)
class Use:
    """Where a text sits in a reply (``reply[start:end]``), with each field's value there."""

    start: int
    end: int
    values: dict[str, str]


def find_use(template: str, reply: str) -> Use | None:
    """The first place ``reply`` holds ``template`` filled in, or None (also for a text too short to tell)."""
    pattern = _pattern(template)
    if pattern is None:
        return None
    found = pattern.search(reply)
    if found is None:
        return None
    return Use(found.start(), found.end(), {name: value for name, value in found.groupdict().items() if value})


def longest_words(template: str) -> str:
    """The longest stretch of the text's own words: a cheap first filter for replies that may hold it."""
    try:
        literals = [literal for literal, *_ in Formatter().parse(template)]
    except ValueError:
        return template
    return max((part.strip() for literal in literals for part in literal.split("\n")), key=len, default="")


def _pattern(template: str) -> re.Pattern[str] | None:
    try:
        parsed = list(Formatter().parse(template.strip()))
    except ValueError:  # a text with a lone brace was never sent as a filled text
        return None
    if sum(len("".join(literal.split())) for literal, *_ in parsed) < MIN_WORDS:
        return None
    pieces: list[str] = []
    seen: set[str] = set()
    for index, (literal, name, _, _) in enumerate(parsed):
        pieces.append(_words(literal))
        if name is None:
            continue
        if not name.isidentifier():  # "{score.__class__}": a text the bot refuses to fill, so never sent
            return None
        if name in seen:
            pieces.append(f"(?P={name})")
            continue
        seen.add(name)
        following = parsed[index + 1][0] if index + 1 < len(parsed) else ""
        pieces.append(f"(?P<{name}>{_value(following, leading=index == 0 and not literal)})")
    return re.compile("".join(pieces))


def _value(following: str, leading: bool) -> str:
    """What a field's value may be: up to where the text's next words begin, never taken back.

    The value runs to the first place the next words appear, atomically (``(?>…)``), so a reply that
    does not hold the text fails at once at each start instead of trying every split of every field
    (a lazy ``.+?`` per field costs seconds on one long reply with four fields). A value opening the
    text stays in its sentence; one closing it runs to the end of its sentence.
    """
    char = r"[^\n.!?。！？]" if leading else r"[^\n]"
    start = _STARTS_SENTENCE if leading else ""
    if following.strip():
        return f"{start}(?>(?:(?!{_words(following)}){char}){{1,{MAX_VALUE}}})"
    if not following:
        return f"{start}{char}{{1,{MAX_VALUE}}}?{_SENTENCE_END}"
    return f"{start}{char}{{1,{MAX_VALUE}}}?"  # two fields with only spaces between: rare, and short


def _words(literal: str) -> str:
    """A literal part, matching any run of spaces for a run of spaces (a folded YAML line reads as one space)."""
    return r"\s+".join(re.escape(part) for part in re.split(r"\s+", literal)) if literal.strip() else (
        r"\s*" if literal else "")
