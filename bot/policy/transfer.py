"""Whether a conversation may go to the colleague an agent named, and what the customer is then told.

A transfer is refused with the reason when the target could not really take the customer now:
away, off shift, without the customer's language or at their cap. ``--anyway`` lets the agent
override what only they can judge (shift, language, away), never a name nobody has or a full
cap, and then the customer is told the true time: the target's next shift start plus the
first-reply minutes, not "in 15 minutes" for someone who starts at 02:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.policy.assignment import FIRST_REPLY_MINUTES, AgentLoad

ANYWAY = "--anyway"


class TransferRefusal(StrEnum):
    """Why a transfer was refused; each value names the agents' note (``agents.transfer_<value>``) that says so."""

    UNKNOWN = "unknown"
    SAME = "same"
    AWAY = "away"
    OFF_SHIFT = "off_shift"
    LANGUAGE = "language"
    FULL = "full"


OVERRIDABLE = frozenset({TransferRefusal.AWAY, TransferRefusal.OFF_SHIFT, TransferRefusal.LANGUAGE})
"""What ``--anyway`` overrides: the agent knows the colleague is around, or will manage the language."""


@dataclass(frozen=True)
class TransferRequest:
    """``/transfer NAME [--anyway]`` as typed."""

    name: str
    anyway: bool


@dataclass(frozen=True)
class TransferDecision:
    target: AgentLoad | None
    refusal: TransferRefusal | None
    """None: the transfer goes ahead."""
    starts_at: dt.datetime | None = None
    """When an off-shift target's shift starts (shown in the refusal, and the base of the customer's time)."""
    expected_at: dt.datetime | None = None
    """When the new owner will reply, as the customer is told; set when the transfer goes ahead."""


def parse_transfer(argument: str) -> TransferRequest:
    """``"li --anyway"`` → TransferRequest("li", True); the flag may stand anywhere."""
    words = argument.split()
    anyway = any(word.lower() == ANYWAY for word in words)
    return TransferRequest(" ".join(word for word in words if word.lower() != ANYWAY), anyway)


def find_agent(agents: list[AgentLoad], name: str) -> AgentLoad | None:
    """The agent by first name (any case) or Telegram user id."""
    wanted = name.strip().lower()
    return next((a for a in agents if a.name.lower() == wanted or str(a.user_id) == wanted), None)


def decide_transfer(agents: list[AgentLoad], request: TransferRequest, owner_id: int | None, language: str,
                    now: dt.datetime) -> TransferDecision:
    """May the conversation go to ``request.name`` now, and by when will they reply."""
    target = find_agent(agents, request.name)
    if target is None:
        return TransferDecision(None, TransferRefusal.UNKNOWN)
    if target.user_id == owner_id:
        return TransferDecision(target, TransferRefusal.SAME)
    if target.open_chats >= target.max_chats:
        return TransferDecision(target, TransferRefusal.FULL)
    on_shift = target.shift.covers(now)
    starts_at = None if on_shift else target.shift.next_start(now)
    refusal = _first_problem(target, on_shift, language)
    if refusal is not None and not (request.anyway and refusal in OVERRIDABLE):
        return TransferDecision(target, refusal, starts_at)
    if refusal is not None and not on_shift:
        # Overridden: still off shift, so the customer hears when the shift starts, not "in 15 minutes".
        expected = (starts_at or now) + dt.timedelta(minutes=FIRST_REPLY_MINUTES)
        return TransferDecision(target, None, starts_at, expected)
    return TransferDecision(target, None, None, now + dt.timedelta(minutes=FIRST_REPLY_MINUTES))


def _first_problem(target: AgentLoad, on_shift: bool, language: str) -> TransferRefusal | None:
    if target.away:
        return TransferRefusal.AWAY
    if not on_shift:
        return TransferRefusal.OFF_SHIFT
    if language not in target.languages:
        return TransferRefusal.LANGUAGE
    return None
