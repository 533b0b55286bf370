"""Where a handoff stands, and which way it may move: the one place these rules live.

A handoff is active with an agent, queued with the time a person will look, or unreachable
(recorded for the figures, but the bot keeps helping: nobody could take it). An open one
(queued or active) ends resolved by an agent, or when the customer blocks the bot.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class HandoffStatus(StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    UNREACHABLE = "unreachable"
    RESOLVED = "resolved"
    CUSTOMER_GONE = "customer_gone"


OPEN_STATUSES = (HandoffStatus.QUEUED, HandoffStatus.ACTIVE)
_MOVES: dict[HandoffStatus, frozenset[HandoffStatus]] = {
    HandoffStatus.QUEUED: frozenset({HandoffStatus.ACTIVE, HandoffStatus.RESOLVED, HandoffStatus.CUSTOMER_GONE}),
    HandoffStatus.ACTIVE: frozenset({HandoffStatus.ACTIVE, HandoffStatus.RESOLVED, HandoffStatus.CUSTOMER_GONE}),
}


def initial_status(agent_user_id: int | None, expected_at: dt.datetime | None) -> HandoffStatus:
    if agent_user_id is not None:
        return HandoffStatus.ACTIVE
    return HandoffStatus.QUEUED if expected_at is not None else HandoffStatus.UNREACHABLE


def may_move(current: str, wanted: HandoffStatus) -> bool:
    """Only an open handoff moves: a resolved one is not reassigned, and an unreachable one never opens."""
    return wanted in _MOVES.get(HandoffStatus(current), frozenset())
