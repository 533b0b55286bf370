"""Every reply has a deadline: when a customer waiting on a person is owed what (pure decisions).

While a person has the chat, the customer's first unanswered message starts a wait with a due
time. If the due time passes, the ladder climbs one rung at a time and never twice for one
wait: the agent is nudged, then the lead(s), and the customer hears one honest holding message
with a real new time. A wait whose time the customer was promised ("Marta will reply by 14:15")
is different only in one way: the customer must hear before that time passes (the service
rules: a promise about to be missed is announced before it is missed), so the whole ladder runs
then at the latest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from bot.policy.assignment import AgentProfile

PROMISE_LEAD = dt.timedelta(minutes=2)
"""How long before a promised reply time the customer hears that it is running late."""


class Rung(IntEnum):
    """How far the ladder went for the current wait (stored as ``Handoff.nudge_stage``)."""

    NONE = 0
    AGENT = 1
    """The agent who has the chat was mentioned in the topic."""
    LEAD = 2
    """The lead(s) were mentioned too."""
    CUSTOMER = 3
    """The customer heard the honest holding message: the last rung, nothing more for this wait."""


@dataclass(frozen=True)
class ReplyTiming:
    """The desk's settings: CANDOR_AGENT_REPLY_MINUTES and CANDOR_LEAD_NUDGE_MINUTES (floats, so tests can be quick)."""

    agent_reply_minutes: float = 10.0
    lead_nudge_minutes: float = 5.0

    @property
    def reply_within(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.agent_reply_minutes)

    @property
    def lead_after(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.lead_nudge_minutes)


@dataclass(frozen=True)
class Wait:
    """One customer waiting on a person: what the ladder needs to know."""

    due_at: dt.datetime
    rung: Rung
    promised_at: dt.datetime | None = None
    """The time the customer was told a person would reply by, when this wait carries one."""


def rungs_due(wait: Wait, now: dt.datetime, timing: ReplyTiming) -> tuple[Rung, ...]:
    """The rungs to climb now, in order; empty when nothing is owed yet (or the ladder is done).

    The agent's rung comes at the due time and the lead's after CANDOR_LEAD_NUDGE_MINUTES more,
    together with the customer's holding message; a promised time pulls all of them forward to
    just before it passes.
    """
    times = {Rung.AGENT: wait.due_at, Rung.LEAD: wait.due_at + timing.lead_after,
             Rung.CUSTOMER: wait.due_at + timing.lead_after}
    if wait.promised_at is not None:
        before_promise = wait.promised_at - PROMISE_LEAD
        times = {rung: min(at, before_promise) for rung, at in times.items()}
    reached = [rung for rung in (Rung.AGENT, Rung.LEAD, Rung.CUSTOMER) if rung > wait.rung and times[rung] <= now]
    if not reached:
        return ()
    top = max(reached)
    return tuple(rung for rung in (Rung.AGENT, Rung.LEAD, Rung.CUSTOMER) if wait.rung < rung <= top)


def holding_time(wait: Wait, now: dt.datetime, timing: ReplyTiming, first_reply: dt.timedelta) -> dt.datetime:
    """The new time the customer is told: a promised wait gets a full first-reply window past the promise
    (as before), any other wait the agent's reply window from now."""
    if wait.promised_at is not None:
        return max(now, wait.promised_at) + first_reply
    return now + timing.reply_within


def wait_starts(due_now: dt.datetime | None, queued_until: dt.datetime | None, now: dt.datetime,
                timing: ReplyTiming) -> dt.datetime | None:
    """The due time a customer's message sets, or None when a wait already runs (it keeps its time, so
    "Hello? Are you still there?" does not push the deadline back). A queued handoff's wait is the time the
    customer was already given: no new promise."""
    if due_now is not None:
        return None
    return queued_until if queued_until is not None else now + timing.reply_within


def leads_to_nudge(agents: list[AgentProfile], owner_user_id: int | None, now: dt.datetime) -> tuple[AgentProfile, ...]:
    """Who hears the lead's rung: the active leads on shift, or, when none is, every lead who is not away.

    The agent who has the chat was nudged already. A lead who said /away is never mentioned; one
    off shift only when no lead is on shift, so a late reply still reaches a person who can act
    (an on-call lead) without waking everyone while a colleague is at the desk.
    """
    leads = [a for a in agents if a.is_lead and a.active and not a.away and a.telegram_user_id != owner_user_id]
    on_shift = tuple(a for a in leads if a.shift().covers(now))
    return on_shift or tuple(leads)
