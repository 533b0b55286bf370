"""Reading a curated text back out of a reply the bot sent: where it stands and what its fields held."""

from __future__ import annotations

from knowledge.text_match import find_use, longest_words

STEP = "Now: our payments team checks both charges on order {order_ref}. When: you'll hear {deadline}."


def test_a_text_is_found_in_a_longer_reply_with_the_values_its_fields_held() -> None:
    reply = ("Here's what I know.\n\nNow: our payments team checks both charges on order #50005. "
             "When: you'll hear by 16:00 UTC on Wed 2 Dec. I'll check on it before then.")
    use = find_use(STEP, reply)
    assert use is not None
    assert reply[use.start:use.end].startswith("Now: our payments") and reply[use.end:] == " I'll check on it before then."
    assert use.values == {"order_ref": "#50005", "deadline": "by 16:00 UTC on Wed 2 Dec"}


def test_a_reply_with_other_words_does_not_count_as_a_use() -> None:
    assert find_use(STEP, "Now: our delivery team checks the parcel for order #50005. When: you'll hear soon.") is None


def test_a_field_that_opens_the_text_takes_only_its_own_sentence() -> None:
    use = find_use("{agent} will reply here {deadline}.", "I've passed this on. Marta will reply here by 16:00 UTC.")
    assert use is not None and use.values == {"agent": "Marta", "deadline": "by 16:00 UTC"}


def test_a_field_that_ends_the_text_stops_at_the_end_of_its_sentence() -> None:
    use = find_use("A person replies {deadline}", "A person replies by 16:00 UTC on Wed 2 Dec. Thanks for waiting.")
    assert use is not None and use.values == {"deadline": "by 16:00 UTC on Wed 2 Dec"}


def test_a_folded_line_matches_the_single_space_it_was_sent_as() -> None:
    assert find_use("Refunds go back\nto the card you paid with.", "Refunds go back to the card you paid with.") is not None


def test_a_text_of_little_more_than_fields_is_not_guessed_at() -> None:
    assert find_use("{agent}: {text}", "Marta: hello there") is None


def test_a_text_the_bot_could_not_fill_is_never_found() -> None:
    assert find_use("Hello {score.__class__} there", "Hello x there") is None
    assert find_use("Hello { there", "Hello { there") is None


def test_the_longest_words_filter_the_database_cheaply() -> None:
    assert longest_words(STEP) == "Now: our payments team checks both charges on order"
