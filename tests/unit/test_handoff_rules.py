"""The rules that used to live in repositories: a handoff's status, what counts as a try, who may be an agent."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.policy.assignment import AgentProfile, profile_problem
from bot.policy.escalation import tries_since_settled
from bot.policy.handoff_status import HandoffStatus, initial_status, may_move

NOON = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def test_a_handoff_starts_active_with_an_agent_queued_with_a_time_and_unreachable_with_neither() -> None:
    assert initial_status(31, NOON) is HandoffStatus.ACTIVE
    assert initial_status(None, NOON) is HandoffStatus.QUEUED
    assert initial_status(None, None) is HandoffStatus.UNREACHABLE


@pytest.mark.parametrize("done", [HandoffStatus.RESOLVED, HandoffStatus.CUSTOMER_GONE, HandoffStatus.UNREACHABLE])
def test_a_handoff_that_ended_or_never_opened_is_not_taken_resolved_or_closed_again(done: HandoffStatus) -> None:
    assert not any(may_move(done, wanted) for wanted in HandoffStatus)


def test_an_open_handoff_can_be_taken_transferred_resolved_or_closed_when_the_customer_leaves() -> None:
    for status in (HandoffStatus.QUEUED, HandoffStatus.ACTIVE):
        assert may_move(status, HandoffStatus.ACTIVE) and may_move(status, HandoffStatus.RESOLVED)
        assert may_move(status, HandoffStatus.CUSTOMER_GONE) and not may_move(status, HandoffStatus.QUEUED)


def test_answers_count_as_tries_until_something_settles_the_problem_and_the_bots_own_questions_do_not() -> None:
    assert tries_since_settled(["answer", "unknown", "close", "answer"]) == 2
    assert tries_since_settled(["answer", "clarify", "answer"]) == 1
    assert tries_since_settled(["answer", "ask_detail", "answer"]) == 1
    assert tries_since_settled(["handed_back", "answer"]) == 0
    assert tries_since_settled([]) == 0


@pytest.mark.parametrize(("change", "problem"), [
    ({"name": "  "}, "the name must not be empty"),
    ({"work_hours": "9-5"}, "Marta: "),
    ({"max_chats": 0}, "Marta: the cap on concurrent conversations must be at least 1"),
])
def test_an_agent_profile_that_cannot_work_is_refused_with_the_reason(change: dict[str, object], problem: str) -> None:
    fields: dict[str, object] = {"telegram_user_id": 31, "name": "Marta", "role": "Customer care specialist",
                                 "languages": ("en",), "active": True, **change}
    found = profile_problem(AgentProfile(**fields))  # type: ignore[arg-type]  # the fields vary per case
    assert found is not None and found.startswith(problem)
    assert profile_problem(AgentProfile(31, "Marta", "Customer care specialist", ("en",), True)) is None
