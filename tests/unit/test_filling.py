"""A curated text that cannot be filled never costs a customer their reply: the shipped text
stands in, the fault is logged, and the turn goes on (a live pack with a broken text:
tests/integration/test_handoff_desk.py)."""

from __future__ import annotations

import logging

import pytest

from knowledge import fill, load_pack
from knowledge.filling import plain_fill

SHIPPED = load_pack()


def test_a_sound_text_is_filled_as_written() -> None:
    assert fill("Thanks for the {score}.", "closing.thanks_rating", "en", score=5) == "Thanks for the 5."


@pytest.mark.parametrize("broken", ["Thanks, {customer_name}!", "Thanks for the {", "{score.__class__.__mro__}",
                                    "{score:>5000}", "{score!r}", "{0}"])
def test_a_broken_text_falls_back_to_the_shipped_one_in_the_same_language(
    broken: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="knowledge.filling"):
        filled = fill(broken, "closing.thanks_rating", "ru", score=5)
    assert filled == SHIPPED.wording_for("ru").closing.thanks_rating.format(score=5)
    assert "closing.thanks_rating (ru) cannot be filled" in caplog.text


def test_a_text_without_its_required_field_falls_back_to_one_with_it() -> None:
    filled = fill("{agent} will reply soon.", "handoff.assigned", "pl", agent="Marta", role="Agent", deadline="do 13:15")
    assert "Marta" in filled and "do 13:15" in filled


def test_a_field_the_caller_did_not_pass_falls_back_instead_of_failing() -> None:
    filled = fill("{agent} ({role}) replies {deadline}.", "handoff.assigned", "en", agent="Marta", deadline="by 13:15")
    assert filled.startswith("Marta") and "by 13:15" in filled and "{" not in filled


def test_with_no_shipped_text_to_stand_in_the_text_is_sent_with_what_can_be_filled() -> None:
    filled = fill("Now: {deadline}, {who.__class__} {deadline:>99999999}{", "topics.no_such_topic.next_step", "en",
                  deadline="by 13:15")
    assert filled == "Now: by 13:15,  "
    assert plain_fill("{a} {b!r} }{", {"a": 1}) == "1  "
