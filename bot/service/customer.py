"""Who a turn is from, and the customer's text as a database column can hold it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.policy.model import CustomerTurn, Reply, TurnKind

Deliver = Callable[[Reply], Awaitable[None]]
"""Sends one reply to the customer a use case is serving (a channel's sender, bound to their chat)."""


@dataclass(frozen=True)
class CustomerRef:
    """Who wrote, in channel terms. ``external_id`` is the channel's id for the person."""

    channel: str
    external_id: str
    display_name: str = ""

    @property
    def key(self) -> str:
        """The customer's lock key: turns, promise checks and webhook updates of one person queue on it."""
        return f"{self.channel}:{self.external_id}"


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: object) -> str:
    """Text a database column can hold: NUL dropped (PostgreSQL refuses it), lone surrogates
    (which JSON can carry but UTF-8 cannot) replaced by U+FFFD; anything not text becomes empty."""
    if not isinstance(text, str):
        return ""
    return _UNSTORABLE.sub(lambda found: "" if found.group() == "\x00" else "\ufffd", text)


def stored_kind(turn: CustomerTurn) -> str:
    if turn.kind is TurnKind.NON_TEXT:
        return turn.content_type or "other"
    return turn.kind.value
