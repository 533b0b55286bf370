"""Replaying a draft on past replies: which conversations used the text, and what each would get now."""

from __future__ import annotations

import datetime as dt

from bot.policy.wording_replay import PastReply, replay, uses_of
from knowledge.preview_fill import MISSING, PAST

NOW_TEXT = "Now: we check order {order_ref}. When: you'll hear {deadline}."
OLD_TEXT = "We are checking order {order_ref} and write {deadline}."
AT = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def reply(conversation: int, message: int, text: str) -> PastReply:
    return PastReply(conversation, message, "en", text, AT)


def test_the_newest_reply_of_each_conversation_that_used_any_version_is_picked() -> None:
    replies = [reply(3, 30, "Thanks!"),
               reply(2, 21, "Now: we check order #7. When: you'll hear by 16:00."),
               reply(2, 20, "Now: we check order #6. When: you'll hear by 15:00."),
               reply(1, 10, "Hello. We are checking order #5 and write by 9:00.")]
    found = uses_of([NOW_TEXT, OLD_TEXT], replies)
    assert [(past.message_id, use.values["order_ref"]) for past, use in found] == [(21, "#7"), (10, "#5")]


def test_no_reply_used_the_text_gives_nothing_to_replay() -> None:
    assert uses_of([NOW_TEXT], [reply(1, 1, "Hello, how can I help?")]) == []


def test_the_draft_takes_the_customers_values_and_the_rest_of_the_reply_stays() -> None:
    past = reply(1, 1, "I see.\n\nNow: we check order #5. When: you'll hear by 16:00. I'll check before then.")
    [replayed] = replay("Now: our team checks order {order_ref}. When: {deadline}.", uses_of([NOW_TEXT], [past]), {}, {})
    assert replayed.then == past.text
    assert replayed.would_be == "I see.\n\nNow: our team checks order #5. When: by 16:00. I'll check before then."
    assert replayed.changed and not replayed.incomplete
    assert {p.field: p.source for p in replayed.pieces if p.field} == {"order_ref": PAST, "deadline": PAST}


def test_the_same_words_again_are_marked_unchanged() -> None:
    past = reply(1, 1, "Now: we check order #5. When: you'll hear by 16:00.")
    [replayed] = replay(NOW_TEXT, uses_of([NOW_TEXT], [past]), {}, {})
    assert not replayed.changed


def test_a_draft_field_that_reply_had_no_value_for_is_flagged() -> None:
    past = reply(1, 1, "Now: we check order #5. When: you'll hear by 16:00.")
    [replayed] = replay("{agent} checks order {order_ref} {deadline}.", uses_of([NOW_TEXT], [past]), {}, {})
    assert replayed.incomplete and any(p.source == MISSING for p in replayed.pieces)
