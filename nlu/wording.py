"""One plain form of a customer's text that the word lists of nlu/ are written against.

Customers type "thats all", "dziekuje", "всё" and "все", "It's", "it’s" and "#48214!" for the
same words, so every list is matched against the text lower-cased, with "ё" as "е", Polish
letters without their marks, apostrophes dropped, any other punctuation as a space, and a space
between Chinese and other scripts. The patterns go through the same folding, so a list may be
written with Polish marks and still matches text typed without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LETTERS = str.maketrans("ёąćęłńóśźż", "еacelnoszz")
_APOSTROPHES = str.maketrans("", "", "'’`ʼ")
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SCRIPT_CHANGE = re.compile(r"(?<=[\u3400-\u9fff])(?=[^\u3400-\u9fff\s])|(?<=[^\u3400-\u9fff\s])(?=[\u3400-\u9fff])")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, "ё" as "е", Polish letters without marks, no apostrophes; punctuation kept."""
    return text.lower().translate(_LETTERS).translate(_APOSTROPHES)


def plain(text: str) -> str:
    """The folded text with punctuation as spaces, Chinese set apart from other scripts, spaces single."""
    spaced = _SCRIPT_CHANGE.sub(" ", _PUNCTUATION.sub(" ", fold(text)))
    return _SPACES.sub(" ", spaced).strip()


def patterns(*sources: str) -> tuple[re.Pattern[str], ...]:
    """Compiled patterns with their letters folded like the text (case and escapes such as \\W untouched)."""
    return tuple(re.compile(source.translate(_LETTERS)) for source in sources)


def found(compiled: Iterable[re.Pattern[str]], text: str) -> bool:
    return any(pattern.search(text) for pattern in compiled)
