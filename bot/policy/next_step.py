"""The one next step the agents' card suggests: plain rules over the case, first match wins.

The order is the order of harm: a person in danger, a customer nobody has, a promise about to be
broken, order details shared with someone who has not proved the order is theirs, then what the
shop's data says, then the detail the bot was still asking for. A suggestion is a hint for a
person, never an action the bot takes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.policy.card_facts import Payments
from bot.policy.escalation import EscalationReason
from bot.policy.handoff_status import HandoffStatus

PROMISE_SOON = dt.timedelta(hours=2)
"""An open promise due within this is the agent's first job: settle it (or give a new time) before it passes."""
DETAIL_NAMES = {"order_ref": "order number", "contact": "email or phone on the order", "discount_code": "discount code"}


@dataclass(frozen=True)
class StepFacts:
    status: HandoffStatus
    reason: EscalationReason
    has_agent: bool
    now: dt.datetime
    zone: ZoneInfo
    promises: tuple[tuple[str, dt.datetime], ...] = ()
    """(what was promised, in the bot's words; when it is due) of the open promises."""
    order_refs: tuple[str, ...] = ()
    verified: tuple[str, ...] = ()
    payments: Payments | None = None
    awaiting: str | None = None


def suggest_next_step(facts: StepFacts) -> str:
    """The next step for the agent, or "" once the handoff is over."""
    if facts.status not in (HandoffStatus.QUEUED, HandoffStatus.ACTIVE):
        return ""
    if facts.reason is EscalationReason.SELF_HARM:
        return "reach out now: ask whether they are safe; the bot already gave them the emergency numbers"
    if not facts.has_agent:
        return "nobody has this yet: /take it if you can help now"
    due = min(facts.promises, key=lambda promise: promise[1], default=None)
    if due is not None and due[1] <= facts.now:
        return f"the bot's promise (“{due[0]}”) was due {card_time(due[1], facts.zone)}: tell them where it stands now"
    if due is not None and due[1] - facts.now <= PROMISE_SOON:
        return f"settle “{due[0]}” before {card_time(due[1], facts.zone, short=True)}, or tell them a new time"
    if facts.order_refs and not set(facts.order_refs) & set(facts.verified):
        return "ask for the email or phone on the order before you share anything about it"
    if facts.payments is not None and facts.payments.hold:
        return ("explain the hold: one payment went through, the other is a pending hold their bank releases "
                "on its own (usually 3–5 business days)")
    if facts.payments is not None and facts.payments.double_charge:
        return "two charges really went through: make sure the second is refunded and tell them when"
    if facts.awaiting:
        return f"ask for the {DETAIL_NAMES.get(facts.awaiting, facts.awaiting.replace('_', ' '))} the bot was still waiting for"
    return "answer their last message; everything they told the bot is on this card"


def card_time(when: dt.datetime, zone: ZoneInfo, short: bool = False) -> str:
    """"16:00 UTC on Tue 1 Dec" (or "16:00 UTC") in the shop's time zone, as the customer was told it."""
    local = when.astimezone(zone)
    clock = f"{local:%H:%M} {local.tzname() or zone.key}"
    return clock if short else f"{clock} on {local:%a} {local.day} {local:%b}"
