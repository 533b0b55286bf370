"""The settings the shop profile decides, and noticing when they drifted apart.

Promised times are stated in ``CANDOR_TIMEZONE`` and fall within ``CANDOR_SUPPORT_HOURS`` on
``CANDOR_SUPPORT_DAYS``; orders are picked out with ``CANDOR_ORDER_REF_PATTERN``. ``candor init``
sets them from the profile, so the hours a customer reads and the times the bot promises agree.
Edited by hand on one side only, they would not: the bot says so at start.
"""

from __future__ import annotations

from bot.config import Settings
from bot.policy.assignment import parse_shift
from knowledge.shop_profile import ShopProfile, WorkingDay


def profile_settings(profile: ShopProfile) -> dict[str, str]:
    """The .env values the profile decides."""
    hours, days = promise_hours(profile.hours)
    return {"CANDOR_TIMEZONE": profile.timezone, "CANDOR_SUPPORT_HOURS": hours, "CANDOR_SUPPORT_DAYS": days,
            "CANDOR_ORDER_REF_PATTERN": profile.order_pattern}


def settings_unlike_profile(profile: ShopProfile, settings: Settings) -> list[str]:
    """The settings (by name) that say something other than the profile: someone changed one side only."""
    wanted = profile_settings(profile)
    unlike = [name for name, current in (("CANDOR_TIMEZONE", settings.timezone),
                                         ("CANDOR_ORDER_REF_PATTERN", settings.order_ref_pattern))
              if current != wanted[name]]
    shift = parse_shift(profile.timezone, wanted["CANDOR_SUPPORT_HOURS"], wanted["CANDOR_SUPPORT_DAYS"])
    current_shift = settings.support_shift
    if (shift.start, shift.end, shift.days) != (current_shift.start, current_shift.end, current_shift.days):
        unlike.append("CANDOR_SUPPORT_HOURS/CANDOR_SUPPORT_DAYS")
    return unlike


def promise_hours(hours: tuple[WorkingDay, ...]) -> tuple[str, str]:
    """The one daily window promised times are timed by (CANDOR_SUPPORT_HOURS, CANDOR_SUPPORT_DAYS): the times most
    days share, on those days. A day with other hours is not promised within, so promises err late, never early."""
    counts: dict[tuple[str, str], list[int]] = {}
    for day in hours:
        end = "24:00" if day.until_midnight else f"{day.end:%H:%M}"
        counts.setdefault((f"{day.start:%H:%M}", end), []).append(day.weekday)
    (start, end), weekdays = max(counts.items(), key=lambda item: len(item[1]))
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return f"{start}-{end}", ",".join(names[weekday] for weekday in weekdays)
