"""The review queue's filters as the page's URL carries them."""

from __future__ import annotations

import datetime as dt

from bot.policy.queue_filters import QueueFilters, parse_filters


def test_every_filter_is_read_from_the_query_and_written_back() -> None:
    query = {"since": "2026-11-23", "until": "2026-11-29", "language": "PL", "topic": "double_charge",
             "reason": "sensitive", "move": "answer", "q": "  ktoś   użył karty ", "reviewed": "no"}
    parsed = parse_filters(query)
    assert parsed.problems == ()
    assert parsed.filters == QueueFilters(dt.date(2026, 11, 23), dt.date(2026, 11, 29), "pl", "double_charge",
                                          "sensitive", "answer", "ktoś użył karty", "no")
    assert parse_filters(dict(pair.split("=") for pair in parsed.filters.query().split("&"))).filters.since == \
        dt.date(2026, 11, 23)
    assert "q=kto%C5%9B+u%C5%BCy%C5%82+karty" in parsed.filters.query()


def test_a_bad_date_is_dropped_with_a_note_and_swapped_dates_are_put_right() -> None:
    bad = parse_filters({"since": "last week", "until": "2026-11-29"})
    assert bad.filters.since is None and bad.filters.until == dt.date(2026, 11, 29)
    assert bad.problems == ("'From' is not a date like 2026-11-30: left out",)
    swapped = parse_filters({"since": "2026-11-29", "until": "2026-11-23"})
    assert (swapped.filters.since, swapped.filters.until) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert swapped.problems


def test_values_that_cannot_name_anything_are_cut() -> None:
    parsed = parse_filters({"topic": "refund' OR 1=1", "move": "x" * 100, "reviewed": "maybe"})
    assert parsed.filters.topic == "" and parsed.filters.reviewed == "" and len(parsed.filters.move) == 64
    assert not QueueFilters().active and parsed.filters.active


def test_a_link_changes_one_filter_and_keeps_the_others() -> None:
    filters = QueueFilters(language="en", topic="refund")
    assert filters.query(topic="delivery", since="2026-11-30") == "since=2026-11-30&language=en&topic=delivery"
    assert filters.query(topic="") == "language=en"
