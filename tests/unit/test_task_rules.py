"""A team task's rules: due times someone at work can keep, who may tap what, and teams that can be added."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.policy.assignment import parse_shift
from bot.policy.tasks import (
    NOTE_LIMIT,
    Member,
    Refusal,
    TaskAction,
    TaskState,
    callback_data,
    clean_words,
    lead_alert_time,
    more_time,
    next_working_day_end,
    parse_callback,
    refusal,
    state_after,
    warn_time,
    working_due,
)
from bot.policy.teams import MAX_TARGET_HOURS, TeamProfile, team_problem

WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE = parse_shift("Europe/Warsaw", "09:00-17:00", "mon-fri")
ANNA = Member(42, "Anna", "Payments specialist")


def warsaw(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment given as a Warsaw wall clock reads it."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def payments(**changes: Any) -> TeamProfile:
    values: dict[str, Any] = {
        "name": "payments", "chat_id": -1001, "thread_id": 7, "timezone": "Europe/Warsaw",
        "work_hours": "09:00-17:00", "work_days": "mon-fri", "target_hours": 4.0,
    }
    values.update(changes)
    return TeamProfile(**values)


# Due times: hours of the team's working time, never calendar hours.

def test_a_task_made_late_on_friday_is_due_on_monday_morning_in_the_teams_time_zone() -> None:
    friday_afternoon = warsaw(2026, 11, 27, 16, 30)  # 15:30 UTC

    due = working_due(friday_afternoon.astimezone(dt.UTC), 4, OFFICE)

    assert due == warsaw(2026, 11, 30, 12, 30)  # half an hour on Friday, three and a half on Monday
    assert due.tzinfo is dt.UTC and due.hour == 11


def test_a_task_that_does_not_fit_today_continues_the_next_morning() -> None:
    tuesday_afternoon = warsaw(2026, 11, 24, 15, 0)

    assert working_due(tuesday_afternoon, 4, OFFICE) == warsaw(2026, 11, 25, 11, 0)


def test_a_task_that_fits_today_is_due_today_even_exactly_at_closing_time() -> None:
    assert working_due(warsaw(2026, 11, 30, 9, 0), 4, OFFICE) == warsaw(2026, 11, 30, 13, 0)
    assert working_due(warsaw(2026, 11, 30, 13, 0), 4, OFFICE) == warsaw(2026, 11, 30, 17, 0)


def test_a_task_made_before_work_starts_counts_from_the_start_of_work() -> None:
    assert working_due(warsaw(2026, 11, 30, 6, 45), 2, OFFICE) == warsaw(2026, 11, 30, 11, 0)
    saturday = warsaw(2026, 11, 28, 11, 0)
    assert working_due(saturday, 2, OFFICE) == warsaw(2026, 11, 30, 11, 0)


def test_a_target_longer_than_a_working_day_spans_days() -> None:
    assert working_due(warsaw(2026, 11, 30, 9, 0), 10, OFFICE) == warsaw(2026, 12, 1, 11, 0)


def test_a_due_time_is_rounded_up_to_a_quarter_hour() -> None:
    assert working_due(warsaw(2026, 11, 30, 10, 7), 1, OFFICE) == warsaw(2026, 11, 30, 11, 15)


def test_working_hours_keep_their_wall_clock_across_the_change_from_summer_time() -> None:
    friday_afternoon = warsaw(2026, 10, 23, 16, 30)  # CEST, UTC+2; winter time starts on Sunday the 25th

    due = working_due(friday_afternoon, 4, OFFICE)

    assert due == warsaw(2026, 10, 26, 12, 30)
    assert due == dt.datetime(2026, 10, 26, 11, 30, tzinfo=dt.UTC)


def test_the_same_moment_is_due_at_different_times_for_teams_in_different_zones() -> None:
    moment = dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC)  # 16:30 in Warsaw, 10:30 in New York
    new_york = parse_shift("America/New_York", "09:00-17:00", "mon-fri")

    assert working_due(moment, 2, OFFICE) == warsaw(2026, 12, 1, 10, 30)
    assert working_due(moment, 2, new_york) == dt.datetime(2026, 11, 30, 12, 30, tzinfo=ZoneInfo("America/New_York"))


# More time, next working day, the customer's warning and the lead's alert.

def test_next_working_day_ends_at_closing_time_of_the_next_day_worked() -> None:
    assert next_working_day_end(warsaw(2026, 11, 24, 10, 0), OFFICE) == warsaw(2026, 11, 25, 17, 0)
    assert next_working_day_end(warsaw(2026, 11, 27, 16, 30), OFFICE) == warsaw(2026, 11, 30, 17, 0)
    assert next_working_day_end(warsaw(2026, 11, 29, 12, 0), OFFICE) == warsaw(2026, 11, 30, 17, 0)


def test_more_time_adds_working_hours_to_the_due_time_not_to_the_clock() -> None:
    now = warsaw(2026, 11, 30, 14, 0)
    due = warsaw(2026, 11, 30, 16, 30)

    assert more_time(TaskAction.MORE_1H, now, due, OFFICE) == warsaw(2026, 12, 1, 9, 30)
    assert more_time(TaskAction.MORE_4H, now, due, OFFICE) == warsaw(2026, 12, 1, 12, 30)
    assert more_time(TaskAction.NEXT_DAY, now, due, OFFICE) == warsaw(2026, 12, 1, 17, 0)


def test_more_time_on_a_task_already_late_counts_from_now() -> None:
    now = warsaw(2026, 11, 30, 14, 0)
    overdue = warsaw(2026, 11, 30, 11, 0)

    assert more_time(TaskAction.MORE_1H, now, overdue, OFFICE) == warsaw(2026, 11, 30, 15, 0)


def test_the_lead_is_alerted_halfway_to_the_due_time() -> None:
    created = warsaw(2026, 11, 30, 10, 0)

    assert lead_alert_time(created, warsaw(2026, 11, 30, 14, 0)) == warsaw(2026, 11, 30, 12, 0)
    assert lead_alert_time(created, warsaw(2026, 12, 1, 10, 0)) == warsaw(2026, 11, 30, 22, 0)


def test_the_customer_is_warned_before_the_due_time_and_never_in_the_past() -> None:
    now = warsaw(2026, 11, 30, 10, 0)
    due = warsaw(2026, 11, 30, 14, 0)

    assert now < warn_time(now, due) < due
    assert warn_time(now, warsaw(2026, 11, 30, 9, 0)) == now


# Buttons: what a card carries, and what a forged tap gets.

@pytest.mark.parametrize("action", list(TaskAction))
def test_every_buttons_data_reads_back_as_its_task_and_action_and_fits_telegrams_limit(action: TaskAction) -> None:
    assert parse_callback(callback_data(1234, action)) == (1234, action)
    assert len(callback_data(999_999_999_999, action).encode()) <= 64


@pytest.mark.parametrize("forged", [
    "", "tasks:12:take", "TASK:12:take", "handoff:12:take", "task:12a:take", "task:-12:take", "task::take",
    "task:12:steal", "task:12:TAKE", "task:12:", "task:12:take:more", "task:1234567890123:take",
    "task:12:" + "take" * 20, "task:12:take\n", "task:\u0661\u0662:take", " task:12:take",
])
def test_a_tap_with_data_no_card_carries_is_refused(forged: str) -> None:
    assert parse_callback(forged) is None


# Who may act, and the state a tap leaves.

def test_only_team_members_may_act_and_nobody_on_a_closed_task() -> None:
    assert refusal(TaskState.OPEN, TaskAction.TAKE, is_member=False) is Refusal.NOT_MEMBER
    assert refusal(TaskState.DONE, TaskAction.TAKE, is_member=False) is Refusal.NOT_MEMBER
    assert refusal(TaskState.OPEN, TaskAction.TAKE, is_member=True) is None
    for closed in (TaskState.DONE, TaskState.DECLINED):
        for action in TaskAction:
            assert refusal(closed, action, is_member=True) is Refusal.CLOSED


def test_a_second_question_waits_for_the_customers_answer_but_done_and_decline_do_not() -> None:
    assert refusal(TaskState.WAITING, TaskAction.NEED_INFO, is_member=True) is Refusal.WAITING
    assert refusal(TaskState.WAITING, TaskAction.DONE, is_member=True) is None
    assert refusal(TaskState.WAITING, TaskAction.DECLINE, is_member=True) is None
    assert refusal(TaskState.TAKEN, TaskAction.NEED_INFO, is_member=True) is None


def test_states_follow_the_taps() -> None:
    assert state_after(TaskState.OPEN, TaskAction.TAKE) is TaskState.TAKEN
    assert state_after(TaskState.OPEN, TaskAction.MORE_4H) is TaskState.TAKEN
    assert state_after(TaskState.TAKEN, TaskAction.NEED_INFO) is TaskState.WAITING
    assert state_after(TaskState.WAITING, TaskAction.MORE_1H) is TaskState.WAITING
    assert state_after(TaskState.WAITING, TaskAction.DONE) is TaskState.DONE
    assert state_after(TaskState.TAKEN, TaskAction.DECLINE) is TaskState.DECLINED
    assert [action for action in TaskAction if action.needs_words] == [
        TaskAction.NEED_INFO, TaskAction.DONE, TaskAction.DECLINE]


def test_a_members_note_reaches_the_customer_as_one_tidy_line_of_bounded_length() -> None:
    assert clean_words("  The second charge\n was a hold.  ") == "The second charge was a hold."
    long = clean_words("word " * 300)
    assert len(long) == NOTE_LIMIT and long.endswith("…")


# Teams: which can be added, and the words for the one that cannot.

def test_a_team_knows_its_members_and_its_lead_by_name() -> None:
    team = payments(lead_user_id=42, members=(ANNA, Member(43, "Tomasz", "Delivery")))

    assert team.member(43) == Member(43, "Tomasz", "Delivery")
    assert team.member(44) is None
    assert team.lead == ANNA
    assert payments(lead_user_id=99, members=(ANNA,)).lead is None


def test_a_well_formed_team_can_be_added() -> None:
    assert team_problem(payments()) is None
    assert team_problem(payments(webhook_url="https://desk.example.com/hook")) is None


@pytest.mark.parametrize(("changes", "words"), [
    ({"name": "Payments"}, "should be short and lower case, like payments"),
    ({"name": "pay ments"}, "should be short and lower case"),
    ({"name": ""}, "should be short and lower case"),
    ({"work_hours": "17:00-09:00"}, "must start before they end"),
    ({"work_hours": "nine to five"}, "should look like 09:00-18:00"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'; use an IANA name"),
    ({"target_hours": 0.0}, "--target-hours must be more than 0"),
    ({"target_hours": MAX_TARGET_HOURS + 1.0}, f"at most {MAX_TARGET_HOURS}"),
    ({"webhook_url": "ftp://desk.example.com"}, "the webhook URL must be an http(s) URL"),
])
def test_a_team_that_cannot_work_is_refused_with_what_to_fix(changes: dict[str, object], words: str) -> None:
    problem = team_problem(payments(**changes))

    assert problem is not None and words in problem


def test_every_event_kind_fits_its_column() -> None:
    """Regression: "customer told it runs late" was longer than the column; only PostgreSQL refused it."""
    from bot.policy.tasks import TaskEventKind
    from bot.storage.models import TaskEvent

    width = TaskEvent.__table__.c.kind.type.length
    assert all(len(kind.value) <= width for kind in TaskEventKind), width
