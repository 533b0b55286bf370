"""The review queue's filters, read from and written back to the page's URL query.

Pure: a link to a filtered queue (a dashboard bar, a bookmark) is just a query string, and a
wrong value (a date typed badly) is dropped with a note the page shows, never an error page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from urllib.parse import urlencode

REVIEWED_CHOICES = ("yes", "no")
NO_TOPIC = "none"
"""The topic filter's value for conversations that never reached a topic."""
CLARIFIED = "clarify"
"""The reason filter's value for conversations where the bot asked a clarifying question."""
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class QueueFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    """Inclusive: conversations started on this day are kept."""
    language: str = ""
    topic: str = ""
    reason: str = ""
    """A handoff reason (``EscalationReason`` value) or ``clarify``."""
    move: str = ""
    """Conversations in which the bot made this move at least once."""
    q: str = ""
    """Words in the customer's or the bot's messages."""
    reviewed: str = ""
    """``yes``, ``no`` or empty for both."""

    def query(self, **changes: str) -> str:
        """This filter as a URL query, with ``changes`` applied (empty values left out)."""
        values = {field.name: _text(getattr(self, field.name)) for field in fields(self)}
        values.update(changes)
        return urlencode({name: value for name, value in values.items() if value})

    @property
    def active(self) -> bool:
        return any(getattr(self, field.name) for field in fields(self))


@dataclass(frozen=True)
class ParsedFilters:
    filters: QueueFilters
    problems: tuple[str, ...]
    """What was dropped from the query, and why, for the page to say."""


def parse_filters(query: Mapping[str, str]) -> ParsedFilters:
    """The filters a query asks for; values that make no sense are dropped with a note."""
    problems: list[str] = []
    since = _date(query.get("since", ""), "From", problems)
    until = _date(query.get("until", ""), "To", problems)
    if since and until and until < since:
        problems.append("'To' is before 'From': the dates were swapped")
        since, until = until, since
    reviewed = query.get("reviewed", "").strip().lower()
    if reviewed and reviewed not in REVIEWED_CHOICES:
        problems.append("'Reviewed' is yes or no: shown both")
        reviewed = ""
    return ParsedFilters(QueueFilters(
        since=since, until=until, language=_word(query.get("language", "")), topic=_word(query.get("topic", "")),
        reason=_word(query.get("reason", "")), move=_word(query.get("move", "")),
        q=" ".join(query.get("q", "").split())[:SEARCH_LIMIT], reviewed=reviewed,
    ), tuple(problems))


def _date(value: str, name: str, problems: list[str]) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"'{name}' is not a date like 2026-11-30: left out")
        return None


def _word(value: str) -> str:
    """An identifier (a language, topic, reason or move): anything else cannot match and is cut."""
    value = value.strip().lower()[:64]
    return value if value.replace("_", "").replace("-", "").isalnum() else ""


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
