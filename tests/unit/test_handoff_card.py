"""The agent's handoff card shows the teams' tasks for the customer: who has each, until when, what happened."""

from __future__ import annotations

import datetime as dt

from bot.policy.handoff_card import CardContext, CardTask, HandoffCard, render_card
from bot.policy.tasks import TaskState

DUE = dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)
EVENTS = ("2026-12-01 13:00 UTC created: due 2026-12-01 16:00 UTC",
          "2026-12-01 13:30 UTC taken — Anna (Payments specialist)",
          "2026-12-01 13:40 UTC need_info — Anna (Payments specialist): Which card did you pay with?",
          "2026-12-01 14:10 UTC answered: the Visa ending 4242")


def card(*tasks: CardTask) -> str:
    context = CardContext(((0.4, 0.7),), (("customer", "I was charged twice"),), (), (), "double_charge", tasks=tasks)
    return render_card(HandoffCard(5, "Olga", "en", "customer asked", "asked for a person", "Marta", "", context))


def test_a_taken_task_shows_its_team_kind_holder_due_time_and_last_three_events() -> None:
    text = card(CardTask(12, "payments", "double_charge", TaskState.TAKEN, "Anna", DUE, None, EVENTS))
    assert "Task #12 payments (double_charge): taken by Anna, due Tue 1 Dec 16:00 UTC" in text
    assert EVENTS[0] not in text, "only the last three events"
    assert all(f"    {event}" in text for event in EVENTS[1:])
    assert text.index("Task #12") < text.index("Reply in this topic"), "the commands' help stays last"


def test_open_waiting_done_and_declined_tasks_each_say_where_they_stand() -> None:
    closed = DUE - dt.timedelta(hours=1)
    text = card(CardTask(1, "delivery", "gesture:delivery_upgrade", TaskState.OPEN, "", DUE, None, ()),
                CardTask(2, "payments", "double_charge", TaskState.WAITING, "Anna", DUE, None, ()),
                CardTask(3, "payments", "refund_missing", TaskState.DONE, "Anna", DUE, closed, ()),
                CardTask(4, "delivery", "lost_parcel", TaskState.DECLINED, "Tomasz", DUE, closed, ()))
    assert "Task #1 delivery (gesture:delivery_upgrade): open, nobody has taken it yet, due Tue 1 Dec 16:00 UTC" in text
    assert "Task #2 payments (double_charge): taken by Anna, waiting for the customer's answer, due" in text
    assert "Task #3 payments (refund_missing): done by Anna Tue 1 Dec 15:00 UTC (was due Tue 1 Dec 16:00 UTC)" in text
    assert "Task #4 delivery (lost_parcel): declined by Tomasz Tue 1 Dec 15:00 UTC" in text


def test_a_task_whose_member_left_the_team_says_taken_without_a_name() -> None:
    text = card(CardTask(7, "payments", "double_charge", TaskState.TAKEN, "", DUE, None, ()))
    assert "Task #7 payments (double_charge): taken, due Tue 1 Dec 16:00 UTC" in text


def test_a_card_without_tasks_says_so_and_callers_without_tasks_still_build_cards() -> None:
    context = CardContext((), (), (), (), None)
    text = render_card(HandoffCard(1, "", "en", "customer asked", "asked", "waiting", "", context))
    assert "Tasks: none" in text and "Handoff #1: Customer" in text
