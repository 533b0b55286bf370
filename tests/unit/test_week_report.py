"""The week at a glance: counts per topic and day, feelings start → end, and what stood out in words."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.policy.review_score import ConversationFacts, Turn
from bot.policy.week_report import WeekConversation, week_report, week_start

MONDAY = dt.date(2026, 11, 23)


def said(anger: float, *labels: str) -> Turn:
    return Turn("customer", labels=labels, scores={"anger": anger, "anxiety": 0.0, "positive": 0.5})


def chat(day: int, topic: str | None, *turns: Turn, handoffs: tuple[str, ...] = ()) -> WeekConversation:
    return WeekConversation(MONDAY + dt.timedelta(days=day), topic, ConversationFacts(turns, handoffs))


def test_each_topic_is_counted_by_day_with_its_clarifications_handoffs_and_feelings() -> None:
    report = week_report(MONDAY, [
        chat(0, "refund", said(0.2, "neutral"), Turn("bot", "answer", topic="refund"), said(0.8, "anger"),
             handoffs=("high_emotion",)),
        chat(2, "refund", said(0.4, "neutral"), Turn("bot", "clarify")),
        chat(6, None, said(0.0, "neutral"), Turn("bot", "clarify"), said(0.0, "neutral"), Turn("bot", "clarify")),
    ])
    refund, none = report.topics
    assert (refund.topic, refund.conversations, refund.clarified, refund.handed_off) == ("refund", 2, 1, 1)
    assert refund.per_day == (1, 0, 1, 0, 0, 0, 0) and report.per_day == (1, 0, 1, 0, 0, 0, 1)
    assert (refund.feeling_start, refund.feeling_end) == (pytest.approx(0.3), pytest.approx(0.6))
    assert "handed off: strong feeling that is not easing (1)" in refund.reasons
    assert "anger peaked (1)" in refund.reasons
    assert none.topic == "none" and none.reasons == ("clarifying questions in a row (1)",)
    assert report.end == dt.date(2026, 11, 29)


def test_a_quiet_topic_has_no_reasons_and_no_feelings_when_nothing_was_scored() -> None:
    quiet = week_report(MONDAY, [chat(1, "delivery", Turn("customer"), Turn("bot", "answer"))]).topics[0]
    assert quiet.reasons == () and quiet.feeling_start is None and quiet.feeling_end is None


def test_the_week_starts_on_the_asked_date_or_covers_the_last_seven_days() -> None:
    today = dt.date(2026, 12, 1)
    assert week_start("2026-11-23", today) == (MONDAY, "")
    assert week_start("", today) == (dt.date(2026, 11, 25), "")
    start, problem = week_start("next tuesday", today)
    assert start == dt.date(2026, 11, 25) and "like 2026-11-23" in problem
