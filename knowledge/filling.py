"""Filling a curated text's fields: the one way the bot formats curated text, and it never fails a turn.

The pack is checked when it loads, so a text that cannot be filled should never get here. If
one does anyway (a pack built in memory, a field the code forgot to pass), the customer still
gets a true reply: the same text from the shipped pack in the customer's language, then in
English, and at worst the text itself with its fields filled where they can be and the rest
left out. The fault is logged so someone fixes it; the turn goes on.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from knowledge.fields import TextFields, fields_for, fill_problems
from knowledge.pack import CONTENT_DIR, FALLBACK_LANGUAGE, KnowledgeError, KnowledgePack, load_pack

logger = logging.getLogger(__name__)

_ANY_FIELD = re.compile(r"\{([^{}]*)\}")


def fill(template: str, path: str, language: str, /, **values: object) -> str:
    """``template`` (the text at ``path`` in ``language``) with ``values`` in its fields; never raises."""
    fields = fields_for(path)
    filled = _filled(template, fields, values)
    if filled is not None:
        return filled
    logger.error("curated text %s (%s) cannot be filled: %s; sending a fallback", path, language,
                 "; ".join(fill_problems(template, fields)) or "a field has no value")
    for fallback in _shipped_texts(path, language):
        filled = _filled(fallback, fields, values)
        if filled is not None:
            return filled
    return plain_fill(template, values)


def plain_fill(template: str, values: dict[str, object]) -> str:
    """The last resort: each bare ``{name}`` with a value is filled, every other field and brace left out."""
    def field(found: re.Match[str]) -> str:
        name = found.group(1)
        return str(values[name]) if name in values else ""

    return _ANY_FIELD.sub(field, template).replace("{", "").replace("}", "")


def _filled(template: str, fields: TextFields, values: dict[str, object]) -> str | None:
    """The filled text, or None when the template breaks its allow-list or uses a field with no value."""
    if fill_problems(template, fields):
        return None
    try:
        return template.format(**values)
    except (KeyError, ValueError, TypeError):  # a field the caller did not pass, or a value that will not format
        return None


def _shipped_texts(path: str, language: str) -> list[str]:
    pack = _shipped_pack()
    if pack is None:
        return []
    found = (pack.text_at(path, lang) for lang in dict.fromkeys((language, FALLBACK_LANGUAGE)))
    return [text for text in found if text is not None]


@cache
def _shipped_pack() -> KnowledgePack | None:
    """The pack as shipped with the package, read once on the first fault; None if it cannot load either."""
    try:
        return load_pack(CONTENT_DIR)
    except (KnowledgeError, OSError) as error:
        logger.error("the shipped knowledge pack cannot load either: %s", error)
        return None
