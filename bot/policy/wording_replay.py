"""Replaying a wording draft against real past conversations: what each customer got, and would get now.

The stored replies are searched for the text as it reads now and as it read before each console
edit (a reply sent last week may carry last week's words). Where one is found, the draft takes
its place, filled with the values that customer saw (their order, their promised time), and the
rest of the reply stays as it was sent. Pure functions: storage hands in the replies, newest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from knowledge.preview_fill import MISSING, PAST, SAMPLE, SHOP, Piece, fill_pieces, joined
from knowledge.text_match import Use, find_use

REPLAY_LIMIT = 5
"""Conversations shown per language: the most recent ones, each once."""


@dataclass(frozen=True)
class PastReply:
    """One reply the bot sent, as stored."""

    conversation_id: int
    message_id: int
    language: str
    text: str
    sent_at: dt.datetime


@dataclass(frozen=True)
class Replayed:
    """One past conversation: the reply the customer got then, and the one the draft would give."""

    past: PastReply
    use: Use
    pieces: tuple[Piece, ...]
    """The draft filled with that customer's values (shop and sample values where the old text had no such field)."""

    @property
    def then(self) -> str:
        return self.past.text

    @property
    def would_be(self) -> str:
        return self.past.text[:self.use.start] + joined(self.pieces) + self.past.text[self.use.end:]

    @property
    def changed(self) -> bool:
        return self.would_be != self.then

    @property
    def incomplete(self) -> bool:
        """The draft names a field nothing could fill here: the customer would not get this reply as shown."""
        return any(piece.source == MISSING for piece in self.pieces)


def uses_of(versions: Sequence[str], replies: Sequence[PastReply],
            limit: int = REPLAY_LIMIT) -> list[tuple[PastReply, Use]]:
    """The newest replies (one per conversation, at most ``limit``) that hold one of ``versions`` of the text.

    ``versions`` are the text now and as it read before, shop fields filled, newest first; ``replies``
    come newest first.
    """
    found: list[tuple[PastReply, Use]] = []
    seen: set[int] = set()
    for reply in replies:
        if reply.conversation_id in seen:
            continue
        use = next((u for u in (find_use(version, reply.text) for version in versions) if u is not None), None)
        if use is None:
            continue
        seen.add(reply.conversation_id)
        found.append((reply, use))
        if len(found) == limit:
            break
    return found


def replay(draft: str, uses: Sequence[tuple[PastReply, Use]], shop: Mapping[str, str],
           samples: Mapping[str, str]) -> list[Replayed]:
    """Each past reply with ``draft`` in place of the text it used."""
    return [Replayed(reply, use, fill_pieces(draft, [(PAST, use.values), (SHOP, shop), (SAMPLE, samples)]))
            for reply, use in uses]
