"""The dashboard's task figures per team: on time, late, open past due, and the medians."""

from __future__ import annotations

import datetime as dt

from bot.policy.task_figures import TaskTimes, task_figures
from bot.policy.tasks import TaskState

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return START + dt.timedelta(hours=hours)


def task(team: str, state: TaskState, due: float, touched: float | None = None, closed: float | None = None,
         created: float = 0) -> TaskTimes:
    return TaskTimes(team, state, at(created), at(due), at(touched) if touched is not None else None,
                     at(closed) if closed is not None else None)


def test_a_task_done_by_its_due_time_is_on_time_and_one_done_after_it_is_late() -> None:
    [payments] = task_figures([task("payments", TaskState.DONE, due=4, touched=1, closed=4),
                               task("payments", TaskState.DONE, due=2, touched=1, closed=3)], NOW)
    assert (payments.done_on_time, payments.done_late, payments.open_late, payments.late) == (1, 1, 0, 1)


def test_a_task_still_open_past_its_due_time_is_late_and_one_not_yet_due_is_not() -> None:
    [delivery] = task_figures([task("delivery", TaskState.OPEN, due=5),
                               task("delivery", TaskState.TAKEN, due=8, touched=1),
                               task("delivery", TaskState.WAITING, due=4, touched=2)], NOW)
    assert (delivery.open, delivery.taken) == (1, 2), "waiting for the customer counts as taken"
    assert (delivery.open_late, delivery.done_on_time, delivery.late) == (2, 0, 2)


def test_more_time_the_customer_was_told_moves_what_on_time_means() -> None:
    extended = task("payments", TaskState.DONE, due=7, touched=1, closed=6)
    [figures] = task_figures([extended], NOW)
    assert figures.done_on_time == 1 and figures.late == 0


def test_declined_tasks_are_counted_but_never_late() -> None:
    [figures] = task_figures([task("payments", TaskState.DECLINED, due=1, touched=2, closed=3)], NOW)
    assert (figures.declined, figures.late, figures.done_on_time) == (1, 0, 0)


def test_a_done_task_without_a_closing_time_is_not_counted_on_time_once_its_due_time_passed() -> None:
    [figures] = task_figures([task("payments", TaskState.DONE, due=2)], NOW)
    assert (figures.done_on_time, figures.done_late) == (0, 1)
    assert figures.done_hours is None, "no closing time, no duration"


def test_medians_of_first_touch_and_time_to_done_ignore_tasks_nobody_touched_or_finished() -> None:
    [figures] = task_figures([
        task("payments", TaskState.DONE, due=9, touched=0.25, closed=2),
        task("payments", TaskState.DONE, due=9, touched=0.5, closed=4),
        task("payments", TaskState.DONE, due=9, touched=2, closed=5, created=1),
        task("payments", TaskState.OPEN, due=9),
    ], NOW)
    assert figures.first_touch_minutes == 30.0
    assert figures.done_hours == 4.0


def test_each_team_has_its_own_line_in_name_order_and_no_tasks_gives_no_lines() -> None:
    lines = task_figures([task("payments", TaskState.OPEN, due=9), task("delivery", TaskState.OPEN, due=9),
                          task("payments", TaskState.OPEN, due=9)], NOW)
    assert [(line.team, line.open) for line in lines] == [("delivery", 1), ("payments", 2)]
    assert lines[0].first_touch_minutes is None and lines[0].done_hours is None
    assert task_figures([], NOW) == []
