"""Filling a text for a preview: each field from the best source, and a field nothing fills left visible."""

from __future__ import annotations

from knowledge.preview_fill import MISSING, PAST, SAMPLE, SAMPLES, Piece, fill_pieces, joined


def test_a_field_takes_the_past_conversations_value_before_a_sample() -> None:
    pieces = fill_pieces("Order {order_ref} is checked {deadline}.",
                         [(PAST, {"order_ref": "#50012"}), (SAMPLE, {"deadline": "by 16:00"})])
    assert joined(pieces) == "Order #50012 is checked by 16:00."
    assert [p.source for p in pieces if p.field] == [PAST, SAMPLE]


def test_a_field_nothing_can_fill_stays_visible_and_marked_missing() -> None:
    pieces = fill_pieces("Hi {customer_name}, {agent} here.", [(SAMPLE, SAMPLES)])
    assert Piece("{customer_name}", "customer_name", MISSING) in pieces
    assert joined(pieces) == "Hi {customer_name}, Marta here."


def test_a_draft_that_does_not_parse_is_shown_as_written() -> None:
    assert fill_pieces("A lone { brace", [(SAMPLE, SAMPLES)]) == (Piece("A lone { brace"),)


def test_line_breaks_are_kept() -> None:
    assert joined(fill_pieces("First line.\nSecond, {agent}.", [(SAMPLE, SAMPLES)])) == "First line.\nSecond, Marta."


def test_a_topic_text_reads_as_one_paragraph_and_wording_keeps_its_line_breaks() -> None:
    from knowledge.pack import as_loaded

    assert as_loaded("topics.refund.answer", "Refunds go back.\r\nBanks take 5 days. ") == "Refunds go back. Banks take 5 days."
    assert as_loaded("handoff.assigned", " Marta replies.\r\nShe has your messages.\n") == (
        "Marta replies.\nShe has your messages.")
