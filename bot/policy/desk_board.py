"""The agents' view of the desk, as text: /mine, /queue and the board pinned in the group's General topic.

Pure rendering over plain data: the storage layer gathers ``DeskCase`` rows and agents' loads,
the channel posts. Short, plain lines in the reader's language (wording ``agents:``); the board
carries no clock time of its own, so its text changes only when the desk does and it is edited
only then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.policy.assignment import AgentLoad
from bot.policy.handoff_status import HandoffStatus
from knowledge import Wording, fill

VERY_ANGRY = 0.8
ANGRY = 0.5
"""Anger scores (0–1, from the emotion model) named on the board; calmer conversations are not listed."""
ANGRIEST_SHOWN = 3


@dataclass(frozen=True)
class DeskCase:
    """One open handoff as the desk sees it."""

    handoff_id: int
    customer: str
    status: HandoffStatus
    agent_user_id: int | None
    agent_name: str
    waiting_since: dt.datetime | None
    """The customer's oldest message still without a person's answer; None when nobody waits."""
    reply_due: dt.datetime | None
    anger: float | None
    """How angry the customer's latest scored message was."""


def _say(wording: Wording, key: str, /, **values: object) -> str:
    return fill(getattr(wording.agents, key), f"agents.{key}", wording.language, **values)


def waited(wording: Wording, since: dt.datetime, now: dt.datetime) -> str:
    """"12 min", "1 h 5 min": how long someone has waited, in the reader's words."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return _say(wording, "minutes", minutes=minutes)
    return _say(wording, "hours", hours=minutes // 60, minutes=minutes % 60)


def _clock(when: dt.datetime, zone: ZoneInfo) -> str:
    local = when.astimezone(zone)
    return f"{local:%H:%M} {local.tzname() or zone}"


def case_line(wording: Wording, case: DeskCase, now: dt.datetime, zone: ZoneInfo) -> str:
    status = (_say(wording, "desk_with", agent=case.agent_name) if case.status is HandoffStatus.ACTIVE
              else _say(wording, "desk_queued"))
    customer = case.customer or wording.agents.the_customer
    if case.waiting_since is None:
        return "• " + _say(wording, "desk_line_calm", customer=customer, handoff=case.handoff_id, status=status)
    due = _clock(case.reply_due, zone) if case.reply_due else "—"
    return "• " + _say(wording, "desk_line", customer=customer, handoff=case.handoff_id, status=status,
                       waited=waited(wording, case.waiting_since, now), due=due)


def _longest_wait_first(cases: list[DeskCase]) -> list[DeskCase]:
    never = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(cases, key=lambda c: (c.waiting_since or never, c.handoff_id))


def render_mine(wording: Wording, agent: str, agent_user_id: int, cases: list[DeskCase], now: dt.datetime,
                zone: ZoneInfo) -> str:
    """/mine: the agent's open conversations, longest wait first."""
    mine = _longest_wait_first([c for c in cases if c.agent_user_id == agent_user_id])
    if not mine:
        return _say(wording, "mine_none", agent=agent)
    return "\n".join([_say(wording, "mine_header", agent=agent, count=len(mine)),
                      *(case_line(wording, c, now, zone) for c in mine)])


def render_queue(wording: Wording, agents: list[AgentLoad], cases: list[DeskCase], now: dt.datetime,
                 zone: ZoneInfo) -> str:
    """/queue: customers waiting for an agent, longest wait first, and who has how many."""
    waiting = _longest_wait_first([c for c in cases if c.status is HandoffStatus.QUEUED])
    lines = ([_say(wording, "queue_header", count=len(waiting)), *(case_line(wording, c, now, zone) for c in waiting)]
             if waiting else [_say(wording, "queue_none")])
    lines.append(_say(wording, "queue_owners", owners=_loads(wording, agents) or wording.agents.board_nobody))
    return "\n".join(lines)


def _loads(wording: Wording, agents: list[AgentLoad]) -> str:
    return ", ".join(_say(wording, "owner_load", agent=a.name, count=a.open_chats, max_chats=a.max_chats)
                     for a in agents)


def feeling(wording: Wording, anger: float | None) -> str | None:
    """The board's word for a customer's anger, or None below the level worth a lead's eye."""
    if anger is None or anger < ANGRY:
        return None
    return wording.agents.feeling_very_angry if anger >= VERY_ANGRY else wording.agents.feeling_angry


def render_board(wording: Wording, agents: list[AgentLoad], cases: list[DeskCase], now: dt.datetime) -> str:
    """The pinned board: who is on shift (load against cap), away, off shift; how many wait; the longest
    wait; the angriest open conversations."""
    nobody = wording.agents.board_nobody
    away = [a for a in agents if a.away]
    on_shift = [a for a in agents if not a.away and a.shift.covers(now)]
    off_shift = [a for a in agents if not a.away and not a.shift.covers(now)]
    queued = sum(1 for c in cases if c.status is HandoffStatus.QUEUED)
    replies = sum(1 for c in cases if c.status is HandoffStatus.ACTIVE and c.waiting_since is not None)
    lines = [
        wording.agents.board_title,
        _say(wording, "board_on_shift", agents=_loads(wording, on_shift) or nobody),
        _say(wording, "board_away", agents=_loads(wording, away) or nobody),
        _say(wording, "board_off_shift", agents=", ".join(a.name for a in off_shift) or nobody),
        _say(wording, "board_waiting", queued=queued, waiting=replies),
    ]
    oldest = next((c for c in _longest_wait_first(cases) if c.waiting_since is not None), None)
    if oldest is not None and oldest.waiting_since is not None:
        lines.append(_say(wording, "board_oldest", customer=oldest.customer or wording.agents.the_customer,
                          waited=waited(wording, oldest.waiting_since, now)))
    upset = [(c, word) for c in sorted(cases, key=lambda c: -(c.anger or 0.0))
             if (word := feeling(wording, c.anger)) is not None][:ANGRIEST_SHOWN]
    if upset:
        lines.append(_say(wording, "board_angriest", conversations=", ".join(
            f"{c.customer or wording.agents.the_customer} #{c.handoff_id} ({word})" for c, word in upset)))
    return "\n".join(lines)
