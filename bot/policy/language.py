"""Which language the bot speaks to a customer: decided here once, for every reply path.

The stored conversation language wins (the customer has written to us before); without one,
the message's own language, as far as it can be told; without that, DEFAULT_LANGUAGE. A
conversation switches language only when the customer clearly writes in another one we speak.
"""

from __future__ import annotations

import re

from bot.policy.decide import is_meaningful
from nlu.language import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, detect_language
from nlu.types import Analysis

_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+")
_POLISH_LETTERS = re.compile(r"[ąćęłńśźżĄĆĘŁŃŚŹŻ]")
_ADDRESSES = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+", re.IGNORECASE)
"""An email or a web address is in no language: "dmitry.kuznetsov@example.org" is four Latin words of none."""


def language_of(stored: str | None, text: str = "") -> str:
    """The language to answer in when no model reading is at hand (ratings, /mydata, failures, outages)."""
    if stored in SUPPORTED_LANGUAGES:
        return stored
    if is_meaningful(text):
        detected = detect_language(text)
        if detected in SUPPORTED_LANGUAGES:
            return detected
    return DEFAULT_LANGUAGE


def choose_language(current: str, analysis: Analysis | None, text: str = "") -> str:
    """Keep the conversation's language unless the customer clearly writes in another we speak.

    A one- or two-word Latin-script message ("ok", "thanks!", "super") says little about the
    language, so it never switches a conversation, and neither does an email address given as an
    answer; Cyrillic and Chinese script are clear at once.
    """
    if analysis is None or analysis.language == current or analysis.language not in SUPPORTED_LANGUAGES:
        return current
    words = _LATIN_WORD.findall(_ADDRESSES.sub(" ", text))
    if analysis.language in ("en", "pl") and len(words) < 3 and not _POLISH_LETTERS.search(text):
        return current
    return analysis.language
