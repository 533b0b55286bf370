"""The shop profile: who the shop is and when its people work, in one file the wording reads.

A shop's name, support email and hours used to be written into every language's wording; a
shop adopting Candor had to find and edit them in four languages. Now they live once, in
``shop.yaml`` in the content folder, and the wording names them as fields (``{support_email}``,
``{support_hours}``) filled when the pack loads. ``candor init`` writes this file; every value is
checked here, so a profile that loads is one the bot can speak from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from knowledge.content_files import KnowledgeError, read_yaml

PROFILE_FILE = "shop.yaml"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EMAIL = re.compile(r"^[^@\s{}]+@[^@\s{}]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")
_TIME = r"([01]?\d|2[0-4]):([0-5]\d)"
_WINDOW = re.compile(rf"^([a-z]{{3}})(?:-([a-z]{{3}}))?\s+{_TIME}\s*-\s*{_TIME}$")


class ProfileError(KnowledgeError):
    """A profile value is not usable; the message names the value and shows a good one."""


@dataclass(frozen=True)
class WorkingDay:
    """One weekday the support team works (Monday = 0), from ``start`` to ``end`` in the shop's time zone."""

    weekday: int
    start: dt.time
    end: dt.time
    """``dt.time(0, 0)`` with ``until_midnight``: the team works to the end of the day."""
    until_midnight: bool = False


@dataclass(frozen=True)
class ShopProfile:
    shop_name: str
    support_email: str
    timezone: str
    hours: tuple[WorkingDay, ...]
    """The days the team works, Monday first; each day at most once."""
    languages: tuple[str, ...]
    order_pattern: str
    support_phone: str = ""


def parse_hours(text: str) -> tuple[WorkingDay, ...]:
    """``"Mon-Fri 09:00-18:00,Sat 10:00-14:00"`` → one WorkingDay per day worked, Monday first."""
    days: dict[int, WorkingDay] = {}
    for part in (p.strip() for p in text.split(",")):
        match = _WINDOW.match(part.lower())
        if not match or match.group(1) not in DAY_NAMES or (match.group(2) and match.group(2) not in DAY_NAMES):
            raise ProfileError(f"support hours '{part[:40]}' should look like Mon-Fri 09:00-18:00 (several parts "
                               "separated by commas: Mon-Fri 09:00-18:00,Sat 10:00-14:00)")
        first, last, h1, m1, h2, m2 = match.groups()
        start_minutes, end_minutes = int(h1) * 60 + int(m1), int(h2) * 60 + int(m2)
        if not start_minutes < end_minutes <= 24 * 60:
            raise ProfileError(f"support hours '{part[:40]}' must start before they end, within one day")
        a, b = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        for weekday in range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)]:
            if weekday in days:
                raise ProfileError(f"support hours name {DAY_NAMES[weekday].title()} twice; give each day once")
            days[weekday] = WorkingDay(weekday, _clock(start_minutes), _clock(end_minutes), end_minutes == 24 * 60)
    return tuple(days[weekday] for weekday in sorted(days))


def format_hours(hours: tuple[WorkingDay, ...]) -> str:
    """The hours as ``parse_hours`` reads them, consecutive days with the same times joined: "Mon-Fri 09:00-18:00"."""
    parts = []
    for run in same_hours_runs(hours):
        days = DAY_NAMES[run[0].weekday].title() + (f"-{DAY_NAMES[run[-1].weekday].title()}" if len(run) > 1 else "")
        parts.append(f"{days} {run[0].start:%H:%M}-{end_of(run[0])}")
    return ",".join(parts)


def same_hours_runs(hours: tuple[WorkingDay, ...]) -> list[tuple[WorkingDay, ...]]:
    """Consecutive days with the same times, grouped: how people say hours ("Monday to Friday, 9:00–18:00")."""
    runs: list[list[WorkingDay]] = []
    for day in hours:
        last = runs[-1][-1] if runs else None
        if last and day.weekday == last.weekday + 1 and (day.start, day.end) == (last.start, last.end):
            runs[-1].append(day)
        else:
            runs.append([day])
    return [tuple(run) for run in runs]


def end_of(day: WorkingDay) -> str:
    return "24:00" if day.until_midnight else f"{day.end:%H:%M}"


def check_email(text: str) -> str:
    email = text.strip()
    if not _EMAIL.match(email):
        raise ProfileError(f"support email '{email[:64]}' is not an email address; for example help@yourshop.com")
    return email


def check_phone(text: str) -> str:
    phone = text.strip()
    if phone and not _PHONE.match(phone):
        raise ProfileError(f"support phone '{phone[:32]}' should be digits, spaces and dashes, for example "
                           "+48 22 123 45 67 (or leave it empty)")
    return phone


def check_timezone(text: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ProfileError(f"unknown time zone '{name[:64]}'; use an IANA name such as Europe/Warsaw or UTC") from None
    return name


def check_shop_name(text: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > 80 or "{" in name or "}" in name:
        raise ProfileError("the shop's name must be 1 to 80 characters, without braces")
    return name


def check_languages(text: str, available: tuple[str, ...]) -> tuple[str, ...]:
    """``"en,ru"`` → ("en", "ru"); each must be one the content folder has words in."""
    languages = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [language for language in languages if language not in available]
    if not languages or unknown:
        raise ProfileError(f"languages '{text[:40]}' should be a comma-separated list of {', '.join(available)}")
    return languages


def check_order_pattern(text: str) -> str:
    pattern = text.strip()
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ProfileError(f"the order-reference pattern is not a regular expression ({error}); for example "
                           "#?\\d{5,} (an optional # and 5 or more digits)") from None
    if not pattern or compiled.match(""):
        raise ProfileError("the order-reference pattern matches empty text, so every message would hold an order "
                           "number; for example #?\\d{5,}")
    return pattern


def read_profile(content_dir: Path, available: tuple[str, ...]) -> ShopProfile:
    """The profile in ``content_dir``, every value checked; a ProfileError naming the file when one is wrong."""
    path = content_dir / PROFILE_FILE
    if not path.is_file():
        raise KnowledgeError(f"{path} is missing: the shop profile (name, email, hours) the wording reads. "
                             "Run 'candor init' to write it.")
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path} must be a mapping: shop_name, support_email, timezone, hours, languages, ...")
    try:
        return ShopProfile(
            shop_name=check_shop_name(str(raw.get("shop_name") or "")),
            support_email=check_email(str(raw.get("support_email") or "")),
            support_phone=check_phone(str(raw.get("support_phone") or "")),
            timezone=check_timezone(str(raw.get("timezone") or "UTC")),
            hours=parse_hours(str(raw.get("hours") or "")),
            languages=check_languages(",".join(_listed(raw.get("languages"))) or ",".join(available), available),
            order_pattern=check_order_pattern(str(raw.get("order_pattern") or r"#?\d{5,}")),
        )
    except ProfileError as error:
        raise ProfileError(f"{path}: {error}") from None


def write_profile(content_dir: Path, profile: ShopProfile) -> Path:
    """Write ``shop.yaml`` (replacing the file whole, so a reader never sees half of it)."""
    data: dict[str, Any] = {
        "shop_name": profile.shop_name, "support_email": profile.support_email, "support_phone": profile.support_phone,
        "timezone": profile.timezone, "hours": format_hours(profile.hours), "languages": list(profile.languages),
        "order_pattern": profile.order_pattern,
    }
    path = content_dir / PROFILE_FILE
    draft = path.with_name(f".{PROFILE_FILE}.new")
    header = "# The shop profile: the wording fills {shop_name}, {support_email}, {support_phone} and {support_hours}\n" \
             "# from here. Written by 'candor init'; hours look like Mon-Fri 09:00-18:00,Sat 10:00-14:00.\n"
    draft.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    draft.replace(path)
    return path


def _listed(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)] if value else []


def _clock(minutes: int) -> dt.time:
    return dt.time(0, 0) if minutes == 24 * 60 else dt.time(minutes // 60, minutes % 60)
