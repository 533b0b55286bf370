"""Promised times: concrete, rounded like a person's, and only when someone works."""

from __future__ import annotations

import datetime as dt

from bot.policy.assignment import parse_shift
from bot.policy.deadlines import due_time


def test_a_promised_time_falls_inside_the_teams_working_hours() -> None:
    office = parse_shift("Europe/Warsaw", "09:00-17:00", "mon-fri")
    friday_evening = dt.datetime(2026, 11, 27, 15, 30, tzinfo=dt.UTC)  # 16:30 in Warsaw
    due = due_time(friday_evening, 2, office)
    assert due == dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)  # 10:00 on Monday in Warsaw, an hour into work
    monday_morning = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    assert due_time(monday_morning, 2, office) == dt.datetime(2026, 11, 30, 11, 0, tzinfo=dt.UTC)
    assert due_time(friday_evening, 2) == dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC)
