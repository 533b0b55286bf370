"""Concrete times in the customer's language, and when to check a promise before it passes.

Pure functions: the caller passes "now" and the shop's time zone, so tests need no clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.policy.assignment import Shift
from knowledge import Wording, fill

MAX_CHECK_LEAD = dt.timedelta(hours=1)
CHECK_LEAD_SHARE = 0.25
"""A promise is checked a quarter of its span before it is due, and at most an hour before:
early enough to warn the customer, late enough that most promises are kept by then."""


WORK_LEAD = dt.timedelta(hours=1)
"""Time a team gets after it starts work for something that fell due while nobody worked."""


def due_time(now: dt.datetime, hours: float, working: Shift | None = None) -> dt.datetime:
    """The promised time, rounded up to the next quarter hour so it reads like a person's promise.

    With the responsible team's working hours, a time that would fall while nobody works (a
    Sunday night) moves to an hour into the team's next working day: a promise only people at
    work can keep.
    """
    raw = quarter(now + dt.timedelta(hours=hours))
    if working is None or working.covers(raw):
        return raw
    start = working.next_start(raw)
    return raw if start is None else quarter(start + min(WORK_LEAD, dt.timedelta(hours=max(hours, 0.25))))


def quarter(raw: dt.datetime) -> dt.datetime:
    rounded = raw.replace(second=0, microsecond=0)
    extra = (15 - rounded.minute % 15) % 15
    if extra == 0 and raw > rounded:
        extra = 15
    return rounded + dt.timedelta(minutes=extra)


def check_time(now: dt.datetime, due: dt.datetime) -> dt.datetime:
    """When to look at a promise again: before it is due, never in the past."""
    lead = min(MAX_CHECK_LEAD, (due - now) * CHECK_LEAD_SHARE)
    return max(now, due - lead)


def format_deadline(wording: Wording, when: dt.datetime, zone: ZoneInfo) -> str:
    """"by 15:00 UTC on Tue 24 Nov" in the wording's language and the shop's time zone."""
    local = when.astimezone(zone)
    return fill(
        wording.deadline, "deadline", wording.language,
        time=local.strftime("%H:%M"),
        zone=local.tzname() or str(zone),
        weekday=wording.weekdays[local.weekday()],
        day=local.day,
        month=wording.months[local.month - 1],
    )
