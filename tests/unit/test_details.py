"""Reading a case's details out of what customers write: given early, answered, or corrected."""

from __future__ import annotations

import pytest

from bot.policy.details import DEFAULT_ORDER_REF_PATTERN, DetailReader, shown

READER = DetailReader()


@pytest.mark.parametrize(("text", "expected"), [
    ("I've been charged twice for order #60311", "60311"),
    ("My order 48213 hasn't arrived", "48213"),
    ("#48213", "48213"),
    ("заказ №48213 не пришёл", "48213"),
    ("zamówienie #771234 nie dotarło", "771234"),
    ("订单号60311", "60311"),
    ("no, it's #48214.", "48214"),
])
def test_an_order_reference_is_found_wherever_the_customer_puts_it(text: str, expected: str) -> None:
    assert READER.find("order_ref", text) == expected


@pytest.mark.parametrize("text", [
    "call me on +48600123456", "I paid 1500.00 yesterday", "it was 4 items", "order 123", "on 12/11/2026",
    "my code is ABC12345X",
])
def test_numbers_that_are_not_order_references_are_left_alone(text: str) -> None:
    assert READER.find("order_ref", text) is None


def test_the_shops_own_pattern_replaces_the_default() -> None:
    reader = DetailReader(r"SO-\d{4}")
    assert reader.find("order_ref", "it's order SO-1234, please check") == "SO-1234"
    assert reader.find("order_ref", "order #48213") is None
    assert DEFAULT_ORDER_REF_PATTERN == r"#?\d{5,}"


def test_only_details_with_a_clear_shape_are_taken_before_they_are_asked_for() -> None:
    wanted = {"order_ref": "order_ref", "email": "email", "address": "text", "discount_code": "code"}
    given = READER.find_given(wanted, "Order #60311, email Anna.K@example.com, ship to Main St 5, code WINTER10")
    assert given == {"order_ref": "60311", "email": "anna.k@example.com", "discount_code": "WINTER10"}


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("text", "  Prosta 5/2,   00-850 Warszawa ", "Prosta 5/2, 00-850 Warszawa"),
    ("text", "?!", None),
    ("date", "I sent it back last Monday", "I sent it back last Monday"),
    ("date", "вчера", "вчера"),
    ("date", "no idea", None),
    ("amount", "it was 49,99 zł", "49.99"),
    ("code", "winter10", "WINTER10"),
    ("code", "I typed the code SPRING-25 and it failed", "SPRING-25"),
    ("phone", "+48 600 123 456", "+48600123456"),
    ("email", "it's ANNA@EXAMPLE.COM.", "anna@example.com"),
    ("order_ref", "I don't have it here", None),
])
def test_an_answer_to_the_bots_question_is_read_by_its_kind(kind: str, text: str, expected: str | None) -> None:
    assert READER.read_answer(kind, text) == expected


def test_a_reply_names_an_order_reference_as_the_shop_prints_it() -> None:
    assert shown("order_ref", "48213") == "#48213"
    assert shown("order_ref", "SO-1234") == "SO-1234"
    assert shown("email", "a@b.co") == "a@b.co"



@pytest.mark.parametrize(("text", "expected"), [
    ("Kod rabatowy LATO20 nie działa", "LATO20"),
    ("the code is winter10 and it fails", "WINTER10"),
    ("промокод SALE-5 не работает", "SALE-5"),
    ("优惠码SPRING8用不了", "SPRING8"),
    ("the code doesn't work", None),
])
def test_a_discount_code_is_the_token_after_the_word_for_it(text: str, expected: str | None) -> None:
    assert READER.find("code", text) == expected
