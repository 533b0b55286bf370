"""Putting the shop profile into the wording: the shop's fields, filled once when the pack loads.

Any curated text may name ``{shop_name}``, ``{support_email}``, ``{support_phone}`` and
``{support_hours}``. They are the same in every reply, so they are filled when the pack loads
rather than at each ``fill``: a text sent as written (one that takes no other fields) then
still names the shop, and the code that fills a reply never needs to know the profile. The
hours are said in each language's own words (its ``support_hours`` wording).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import TypeVar

from knowledge.shop_profile import ShopProfile, WorkingDay, same_hours_runs

SHOP_FIELDS = ("shop_name", "support_email", "support_phone", "support_hours")
"""Fields every curated text may use: the shop profile's values."""

_SHOP_FIELD = re.compile(r"\{(" + "|".join(SHOP_FIELDS) + r")\}")
T = TypeVar("T")


@dataclass(frozen=True)
class SupportHoursWording:
    """How a language says the support team's hours: "Monday to Friday, 9:00–18:00; Saturday, 10:00–14:00"."""

    days: list[str]
    """The seven day names as they read in hours, Monday first."""
    range: str
    """Consecutive days with the same hours: {first} and {last}."""
    window: str
    """Days and their times: {days}, {start}, {end}."""
    more: str
    """Two parts of the hours joined: {hours} (said so far) and {more} (the next part)."""


def hours_in_words(hours: tuple[WorkingDay, ...], words: SupportHoursWording) -> str:
    """The hours as a customer reads them in this language; consecutive days with the same times are one range."""
    said = ""
    for run in same_hours_runs(hours):
        first, last = words.days[run[0].weekday], words.days[run[-1].weekday]
        days = first if len(run) == 1 else words.range.format(first=first, last=last)
        start = f"{run[0].start.hour}:{run[0].start.minute:02d}"
        end = "24:00" if run[0].until_midnight else f"{run[0].end.hour}:{run[0].end.minute:02d}"
        part = words.window.format(days=days, start=start, end=end)
        said = words.more.format(hours=said, more=part) if said else part
    return said


def shop_values(profile: ShopProfile, words: SupportHoursWording) -> dict[str, str]:
    """The profile's fields in one language."""
    return {"shop_name": profile.shop_name, "support_email": profile.support_email,
            "support_phone": profile.support_phone, "support_hours": hours_in_words(profile.hours, words)}


def fill_shop_fields(value: T, values: dict[str, str]) -> T:
    """``value`` (a text, or wording and topics holding texts) with every shop field filled from ``values``.

    Only the shop's fields are touched: a reply's own fields ({deadline}, {agent}) stay for ``fill``.
    Profile values hold no braces (the profile refuses them), so a filled text is still one ``fill`` can fill.
    """
    if isinstance(value, str):
        return _SHOP_FIELD.sub(lambda found: values[found.group(1)], value)  # type: ignore[return-value]  # T is str
    if isinstance(value, dict):
        return {key: fill_shop_fields(item, values) for key, item in value.items()}  # type: ignore[return-value]  # T is this dict
    if isinstance(value, tuple):
        return tuple(fill_shop_fields(item, values) for item in value)  # type: ignore[return-value]  # T is this tuple
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: fill_shop_fields(getattr(value, f.name), values) for f in fields(value) if f.init}
        return replace(value, **changes)
    return value
