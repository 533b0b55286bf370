"""Filling a text for a preview: each field from the best place there is, and said where it came from.

A trainer previewing a draft should read it as a customer would, so its fields are filled: from a
real past reply that used the text when there is one, from the content itself (a topic's problem and
owner), and otherwise from sample values that the page labels as samples. A field nothing can fill
stays visible as ``{name}``, marked missing, rather than silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from string import Formatter

PAST = "past conversation"
CONTENT = "content"
SHOP = "shop profile"
SAMPLE = "sample"
MISSING = "missing"

SAMPLES: dict[str, str] = {
    "address": "12 Mill Lane, Leeds LS1 4AB", "agent": "Marta", "agents": "Marta, Tomasz", "amount": "€42.90",
    "answer": "Refunds take 5–10 business days.", "at": "14:02", "carrier": "DPD", "command": "/take",
    "contact": "emily.clarke@example.com", "conversations": "#12, #15", "count": "2", "created": "24 Nov",
    "customer": "Emily", "date": "24 Nov", "day": "28", "days": "Monday to Friday", "delivered": "1",
    "detail": "your order number", "discount_code": "WINTER10", "due": "16:00", "email": "emily.clarke@example.com",
    "end": "18:00", "event": "delivery attempted", "expected": "2 Dec", "facts": "two settled charges of €42.90",
    "first": "the double charge on your card", "handoff": "#7", "hold": "€42.90", "hours": "Monday to Friday",
    "item": "blue mug", "language": "en", "last": "Friday", "lead": "Anna", "leads": "Anna",
    "link": "https://help.example/refunds", "max_chats": "3", "member": "Anna", "messages": "14", "minutes": "10",
    "month": "Dec", "more": "Saturday, 10:00–14:00", "name": "order number", "new_agent": "Tomasz",
    "note": "refunded the second charge", "open_chats": "3", "order_ref": "#50001", "orders": "#50001, #50005",
    "owner": "our payments team", "owners": "Marta", "parts": "2", "phone": "+44 7700 900123", "photo": "a photo",
    "place": "Hinckley Hub", "placed": "20 Nov", "problem": "your refund", "promised": "a firm date for your refund",
    "promises": "1", "question": "Which card did you pay with?", "queued": "2", "reason": "asked for a person",
    "role": "payments specialist", "score": "5", "second": "your refund", "since": "14:05", "size": "M",
    "start": "9:00", "status": "waiting", "step": "Open the shipping email and tap the tracking link.",
    "task": "#3", "tasks": "1", "team": "payments", "text": "I've refunded the second charge.", "time": "16:00",
    "title": "Returns", "topics": "refund, cancel", "total": "€42.90", "tracking": "15504322953621",
    "url": "https://track.example/15504322953621", "value": "#50001", "waited": "12 min", "waiting": "1",
    "weekday": "Wed", "zone": "UTC",
}
"""Made-up values for fields no real reply or content can fill; the page marks each one a sample."""


@dataclass(frozen=True)
class Piece:
    """A run of a filled text: the text's own words (``field`` None) or a field's value and where it came from."""

    text: str
    field: str | None = None
    source: str = ""


def fill_pieces(template: str, sources: Sequence[tuple[str, Mapping[str, str]]]) -> tuple[Piece, ...]:
    """``template`` cut into its words and filled fields; each field takes the first of ``sources`` that has it.

    ``sources`` come in order of preference, each named (PAST, CONTENT, SAMPLE). A text that does not
    parse (a lone brace in a draft) comes back whole, as its words: the findings say what is wrong.
    """
    try:
        parsed = list(Formatter().parse(template))
    except ValueError:
        return (Piece(template),)
    pieces: list[Piece] = []
    for literal, name, spec, conversion in parsed:
        if literal:
            pieces.append(Piece(literal))
        if name is None:
            continue
        found = next(((source, values[name]) for source, values in sources if name in values), None)
        if found is None or spec or conversion or not name.isidentifier():
            pieces.append(Piece("{" + name + "}", name, MISSING))
        else:
            pieces.append(Piece(found[1], name, found[0]))
    return tuple(pieces)


def joined(pieces: Sequence[Piece]) -> str:
    return "".join(piece.text for piece in pieces)
