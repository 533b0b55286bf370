"""What the shop's data says about the customer's problem, in plain words, and whether it is a real problem.

Pure functions over one lookup's facts. The bot states what is true now, with where it comes
from and when ("Your parcel (DPD 0123…) was last scanned in Warsaw at 14:02 yesterday"), then:

- ``PROBLEM``: the data says the problem is real (two settled charges, a parcel with an exception or
  past its estimate, a refund past its expected date): the bot says so candidly and moves to the
  topic's next step and its time;
- ``FINE``: the data shows nothing wrong yet (a hold, a parcel on its way, a refund on its way): the
  facts, and what to do if they change;
- ``DISPUTED``: the data contradicts the customer (one payment, a parcel marked delivered that they ask about): the bot
  says what it sees and offers a person; it never argues;
- ``UNCLEAR``: the data says nothing either way (no refund yet, nothing shipped): the facts it has,
  then the topic's next step as without a shop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.policy.model import Clock
from bot.policy.orders import OrderFacts, Payment, Refund, Shipment
from knowledge import Wording, fill

IN_MOTION = frozenset({"info_received", "in_transit", "out_for_delivery", "pending"})
TROUBLE = frozenset({"exception", "attempt_fail", "expired"})


class Finding(StrEnum):
    PROBLEM = "problem"
    FINE = "fine"
    DISPUTED = "disputed"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Told:
    """The facts in words, and what they mean for the case."""

    text: str
    finding: Finding
    note: str
    """Why, for the log and the trainer's transcript (no personal data: statuses and counts only)."""
    link: str = ""
    """Where the customer can follow it themselves (the courier's tracking page), said last, on its own line."""


def request_kinds(lookup: str) -> tuple[str, ...]:
    """What to fetch besides the order itself for a topic's lookup."""
    return (lookup,) if lookup in ("shipments", "refunds") else ()


def tell(lookup: str, facts: OrderFacts, wording: Wording, clock: Clock, ref: str) -> Told:
    """The facts a found order gives for this topic (``ref`` as the reply shows it: "#50001")."""
    words = wording.shop
    assert facts.order is not None  # only a found order is told
    checked = fill(words.checked_demo if facts.source == "demo" else words.checked, "shop.checked", wording.language,
                   order_ref=ref)
    if lookup == "payments":
        told = _payments(facts.order.payments, wording, clock, ref)
    elif lookup == "shipments" and facts.shipments is not None:
        told = _shipments(facts.shipments, wording, clock, ref)
    elif lookup == "refunds" and facts.refunds is not None:
        told = _refunds(facts.refunds, wording, clock, ref)
    else:
        told = Told("", Finding.UNCLEAR, f"order status {facts.order.status}")
    status = _order_line(facts, wording, clock, ref)
    lead = status if lookup in ("order", "shipments") or not told.text else ""
    return Told(" ".join(part for part in (checked, lead, told.text) if part), told.finding, told.note, told.link)


def _order_line(facts: OrderFacts, wording: Wording, clock: Clock, ref: str) -> str:
    assert facts.order is not None
    template = wording.shop.order_status.get(facts.order.status, "")
    return fill(template, f"shop.order_status.{facts.order.status}", wording.language, order_ref=ref,
                placed=moment(facts.order.placed_at, wording, clock)) if template else ""


def _payments(payments: tuple[Payment, ...], wording: Wording, clock: Clock, ref: str) -> Told:
    words, language = wording.shop, wording.language
    settled = [p for p in payments if p.status == "settled"]
    pending = [p for p in payments if p.status == "pending"]
    failed = [p for p in payments if p.status == "failed"]
    counts = f"payments settled={len(settled)} pending={len(pending)} failed={len(failed)}"
    if len(settled) >= 2:
        first, second = sorted(settled, key=_when)[:2]
        text = fill(words.payments_two, "shop.payments_two", language, amount=money(second.amount, second.currency),
                    order_ref=ref, first=moment(first.at, wording, clock), second=moment(second.at, wording, clock))
        return Told(text, Finding.PROBLEM, f"{counts}: a real double charge")
    if settled and pending:
        taken, hold = settled[0], pending[0]
        text = fill(words.payments_hold, "shop.payments_hold", language, amount=money(taken.amount, taken.currency),
                    hold=money(hold.amount, hold.currency), order_ref=ref, at=moment(taken.at, wording, clock))
        return Told(text, Finding.FINE, f"{counts}: the second is a hold")
    if settled:
        taken = settled[0]
        parts = [fill(words.payments_one, "shop.payments_one", language, amount=money(taken.amount, taken.currency),
                      order_ref=ref, at=moment(taken.at, wording, clock))]
        parts += [fill(words.payments_failed, "shop.payments_failed", language, amount=money(p.amount, p.currency))
                  for p in failed[:1]]
        return Told(" ".join(parts), Finding.DISPUTED, f"{counts}: one charge only")
    return Told(fill(words.payments_none, "shop.payments_none", language, order_ref=ref), Finding.UNCLEAR, counts)


def _shipments(shipments: tuple[Shipment, ...], wording: Wording, clock: Clock, ref: str) -> Told:
    words, language = wording.shop, wording.language
    if not shipments:
        return Told(fill(words.parcel_none, "shop.parcel_none", language, order_ref=ref), Finding.UNCLEAR,
                    "no shipment yet")
    # The parcel that matters most: one in trouble, then one still moving, then the latest.
    parcel = min(shipments, key=lambda s: (s.status not in TROUBLE, s.status not in IN_MOTION))
    carrier = parcel.carrier or ""
    parts = [_last_scan(parcel, wording, clock)]
    note = f"parcel {parcel.status}"
    if parcel.status in TROUBLE:
        event = parcel.last_event.text if parcel.last_event else parcel.status
        parts = [fill(words.parcel_problem, "shop.parcel_problem", language, carrier=carrier, event=event)]
        finding = Finding.PROBLEM
    elif parcel.status == "delivered":
        when = parcel.last_event.at if parcel.last_event else None
        parts = [fill(words.parcel_delivered, "shop.parcel_delivered", language, carrier=carrier,
                      time=moment(when, wording, clock))]
        # Asked where it is, the customer does not have it: the courier's word is stated, and a person offered.
        finding = Finding.DISPUTED
    elif parcel.status == "available_for_pickup":
        parts.append(fill(words.parcel_pickup, "shop.parcel_pickup", language, carrier=carrier))
        finding = Finding.FINE
    elif parcel.estimated_delivery is not None and _day_passed(parcel.estimated_delivery, clock):
        parts.append(fill(words.parcel_late, "shop.parcel_late", language, carrier=carrier,
                          day=day(parcel.estimated_delivery, wording, clock)))
        finding, note = Finding.PROBLEM, f"{note}, past its estimate"
    elif parcel.estimated_delivery is not None:
        parts.append(fill(words.parcel_expected, "shop.parcel_expected", language, carrier=carrier,
                          day=day(parcel.estimated_delivery, wording, clock)))
        finding = Finding.FINE
    else:
        finding = Finding.UNCLEAR
    link = fill(words.tracking_link, "shop.tracking_link", language, url=parcel.tracking_url) if parcel.tracking_url else ""
    return Told(" ".join(part for part in parts if part), finding, note, link)


def _last_scan(parcel: Shipment, wording: Wording, clock: Clock) -> str:
    words, language = wording.shop, wording.language
    carrier, tracking = parcel.carrier or "", parcel.tracking_number or ""
    event = parcel.last_event
    if event is None or event.at is None:
        return fill(words.parcel_not_scanned, "shop.parcel_not_scanned", language, carrier=carrier, tracking=tracking)
    if event.place:
        return fill(words.parcel_scanned, "shop.parcel_scanned", language, carrier=carrier, tracking=tracking,
                    place=event.place, time=moment(event.at, wording, clock), event=event.text)
    return fill(words.parcel_scanned_nowhere, "shop.parcel_scanned_nowhere", language, carrier=carrier,
                tracking=tracking, time=moment(event.at, wording, clock), event=event.text)


def _refunds(refunds: tuple[Refund, ...], wording: Wording, clock: Clock, ref: str) -> Told:
    words, language = wording.shop, wording.language
    if not refunds:
        return Told(fill(words.refund_none, "shop.refund_none", language, order_ref=ref), Finding.UNCLEAR, "no refund")
    refund = max(refunds, key=lambda r: _when_refund(r))
    amount = money(refund.amount, refund.currency)
    if refund.status == "failed":
        return Told(fill(words.refund_failed, "shop.refund_failed", language, amount=amount, order_ref=ref),
                    Finding.PROBLEM, "refund failed")
    if refund.status == "succeeded":
        return Told(fill(words.refund_sent, "shop.refund_sent", language, amount=amount, order_ref=ref,
                         created=moment(refund.created_at, wording, clock)), Finding.FINE, "refund succeeded")
    if refund.expected_by is not None and _day_passed(refund.expected_by, clock):
        return Told(fill(words.refund_late, "shop.refund_late", language, amount=amount, order_ref=ref,
                         expected=day(refund.expected_by, wording, clock)), Finding.PROBLEM, "refund past its date")
    if refund.expected_by is None:
        return Told(fill(words.refund_none, "shop.refund_none", language, order_ref=ref), Finding.UNCLEAR,
                    "refund pending without a date")
    return Told(fill(words.refund_on_way, "shop.refund_on_way", language, amount=amount, order_ref=ref,
                     created=moment(refund.created_at, wording, clock), expected=day(refund.expected_by, wording, clock)),
                Finding.FINE, "refund pending, on time")


def _when(payment: Payment) -> dt.datetime:
    return payment.at or dt.datetime.min.replace(tzinfo=dt.UTC)


def _when_refund(refund: Refund) -> dt.datetime:
    return refund.created_at or dt.datetime.min.replace(tzinfo=dt.UTC)


def _day_passed(when: dt.datetime, clock: Clock) -> bool:
    """A date promised for a day is missed only once that day is over in the shop's time zone."""
    return clock.now.astimezone(clock.zone).date() > when.astimezone(clock.zone).date()


def money(amount: str, currency: str) -> str:
    """"49.90 PLN": the shop's decimal string as it gave it, so the customer sees the figure on their statement."""
    return f"{amount} {currency}".strip()


def moment(when: dt.datetime | None, wording: Wording, clock: Clock) -> str:
    """"at 14:02 yesterday", "at 09:10 on Tue 1 Dec": a past or coming time in the shop's zone."""
    words = wording.shop
    if when is None:
        return ""
    local, today = when.astimezone(clock.zone), clock.now.astimezone(clock.zone).date()
    time = local.strftime("%H:%M")
    if local.date() == today:
        return fill(words.moment_today, "shop.moment_today", wording.language, time=time)
    if local.date() == today - dt.timedelta(days=1):
        return fill(words.moment_yesterday, "shop.moment_yesterday", wording.language, time=time)
    return fill(words.moment, "shop.moment", wording.language, time=time, weekday=wording.weekdays[local.weekday()],
                day=local.day, month=wording.months[local.month - 1])


def day(when: dt.datetime, wording: Wording, clock: Clock) -> str:
    """"today", "tomorrow", "on Tue 1 Dec": a date the courier or the bank gave."""
    words = wording.shop
    local, today = when.astimezone(clock.zone).date(), clock.now.astimezone(clock.zone).date()
    if local == today:
        return words.day_today
    if local == today + dt.timedelta(days=1):
        return words.day_tomorrow
    return fill(words.day, "shop.day", wording.language, weekday=wording.weekdays[local.weekday()], day=local.day,
                month=wording.months[local.month - 1])
