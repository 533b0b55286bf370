"""The words of a transfer: why one was refused (for the agent) and who will reply when (for the customer)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.policy.assignment import AgentLoad
from bot.policy.deadlines import format_deadline
from bot.policy.transfer import TransferDecision, TransferRefusal
from bot.service.handoff_contact import AgentNotes
from knowledge import Wording, fill


def format_moment(wording: Wording, when: dt.datetime, zone: ZoneInfo) -> str:
    """"at 02:00 UTC on Tue 1 Dec" (``agents.starts_at``): when a shift starts, in the group's time zone."""
    local = when.astimezone(zone)
    return fill(wording.agents.starts_at, "agents.starts_at", wording.language, time=local.strftime("%H:%M"),
                zone=local.tzname() or str(zone), weekday=wording.weekdays[local.weekday()], day=local.day,
                month=wording.months[local.month - 1])


def transfer_refused(notes: AgentNotes, decision: TransferDecision, language: str, zone: ZoneInfo) -> str:
    """The agent's note for a refused transfer: the reason, and what to do instead."""
    target, refusal = decision.target, decision.refusal
    assert target is not None and refusal is not None and refusal is not TransferRefusal.UNKNOWN
    if refusal is TransferRefusal.SAME:
        return notes.say("transfer_same", agent=target.name)
    if refusal is TransferRefusal.FULL:
        return notes.say("transfer_full", agent=target.name, max_chats=target.max_chats)
    if refusal is TransferRefusal.OFF_SHIFT and decision.starts_at is not None:
        return notes.say("transfer_off_shift", agent=target.name,
                         start=format_moment(notes.wording, decision.starts_at, zone))
    if refusal is TransferRefusal.LANGUAGE:
        return notes.say("transfer_language", agent=target.name, language=language)
    return notes.say("transfer_away", agent=target.name)


def transfer_text(wording: Wording, from_agent: str, target: AgentLoad, decision: TransferDecision,
                  expected: dt.datetime, zone: ZoneInfo) -> str:
    """What the customer hears: the new person, and the true time (from their next shift when they are off)."""
    deadline = format_deadline(wording, expected, zone)
    if decision.starts_at is None:
        return fill(wording.handoff.transferred, "handoff.transferred", wording.language, agent=from_agent,
                    new_agent=target.name, role=target.role, deadline=deadline)
    return fill(wording.handoff.transferred_later, "handoff.transferred_later", wording.language, agent=from_agent,
                new_agent=target.name, role=target.role, start=format_moment(wording, decision.starts_at, zone),
                deadline=deadline)
