"""The card's key facts and next step: pure rules, so each is checked on plain data."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.policy.card_facts import (
    Payments,
    for_the_agent,
    money_mentions,
    order_refs,
    payments_in,
    problem_topic,
    promise_said,
    shop_notes,
    shop_words,
    want_line,
)
from bot.policy.escalation import EscalationReason
from bot.policy.feelings import feelings_in_words
from bot.policy.handoff_status import HandoffStatus
from bot.policy.next_step import StepFacts, suggest_next_step

NOW = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)
UTC = ZoneInfo("UTC")


def test_feelings_are_words_with_a_trend_never_scores() -> None:
    assert feelings_in_words(((0.1, 0.9), (0.1, 0.95), (0.1, 0.99))) == "very worried, not easing"
    assert feelings_in_words(((0.9, 0.1), (0.7, 0.1))) == "angry, calming down"
    assert feelings_in_words(((0.35, 0.0), (0.7, 0.0))) == "angry, getting angrier"
    assert feelings_in_words(((0.0, 0.4), (0.0, 0.45))) == "a little worried, steady"
    assert feelings_in_words(((0.95, 0.0), (0.1, 0.0))) == "calmer now (was very angry)"
    assert feelings_in_words(((0.1, 0.1),)) == "calm"
    assert feelings_in_words(((0.65, 0.9),)) == "very worried; angry", "the stronger first; one message has no trend"
    assert feelings_in_words(()) == "not known (no message the model could read)"


def test_the_shops_notes_are_found_and_read() -> None:
    why = "case double_charge: order_ref; payments settled=1 pending=1 failed=0: the second is a hold; met anger"
    assert shop_notes(why) == ("payments settled=1 pending=1 failed=0: the second is a hold",)
    assert payments_in(shop_notes(why)) == Payments(1, 1, 0) and Payments(1, 1, 0).hold
    assert Payments(2, 0, 0).double_charge and not Payments(2, 1, 0).hold
    assert shop_words("payments settled=1 pending=0 failed=1: one charge only") == (
        "payments: 1 settled, 0 pending, 1 failed (one charge only)")
    assert shop_words("parcel in_transit, past its estimate") == "parcel: in transit, past its estimate"
    assert payments_in(("parcel exception",)) is None


def test_amounts_are_read_as_written_each_figure_once() -> None:
    texts = ("I paid £59.99 twice", "two settled payments of 59.99 GBP", "49,90 zł and 1,200.50 EUR, order #50012",
             "退款100元", "5 items")
    assert money_mentions(texts) == ("£59.99", "49,90 zł", "1,200.50 EUR", "100元")


def test_order_references_come_from_the_case_the_tasks_and_later_words() -> None:
    assert order_refs((("order_ref", "48213"), ("email", "a@b.c")), ("48213", "50001"),
                      ("it is #50002 actually",)) == ("48213", "50001", "50002")


def test_the_one_line_want_is_the_problem_with_its_key_facts() -> None:
    problem = "the parcel marked delivered that you haven't got"
    assert for_the_agent(problem) == "the parcel marked delivered that they haven't got"
    assert want_line(problem, ("50004",), (), None, ()) == "order #50004 — the parcel marked delivered that they haven't got"
    assert want_line("your refund", ("5512",), ("49.90 EUR",), None, ()) == "order #5512, 49.90 EUR — their refund"
    assert want_line("the double charge on your card", ("48213",), ("59.99 GBP",), Payments(1, 1, 0), ()) == (
        "one charge for order #48213 and a pending hold of 59.99 GBP — the double charge on their card")
    assert want_line("", (), (), None, ("hi", "My son's medicine has not arrived and I'm scared")) == (
        "not clear yet — “My son's medicine has not arrived and I'm scared”")
    assert len(want_line("x" * 400, (), (), None, ())) <= 220


def test_the_problem_is_the_one_the_bot_still_owes_an_answer_on() -> None:
    assert problem_topic("talk_to_person", ("refund", "double_charge")) == "double_charge"
    assert problem_topic("order_status", ()) == "order_status"
    assert problem_topic(None, ()) is None


def test_asking_for_a_person_after_a_problem_keeps_the_problem_on_the_card() -> None:
    """Olga wrote about a double charge, then asked for a person: the card's problem is the double charge."""
    assert problem_topic("talk_to_person", (), ("double_charge", "talk_to_person")) == "double_charge"
    assert problem_topic("talk_to_person", (), ()) == "talk_to_person", "nothing else was said: that is all we know"


def test_the_promise_is_found_in_the_bots_own_sentence() -> None:
    said = ("Got it. Now: our payments team checks both charges on order #48213. When: you'll hear the result here, "
            "by 16:00 UTC on Tue 1 Dec.\n\nYour money is safe.")
    texts = ("Hello, I'm Candor.", said)
    assert promise_said(texts, ("by 16:00 UTC on Tue 1 Dec",)) == (
        "Now: our payments team checks both charges on order #48213. When: you'll hear the result here, "
        "by 16:00 UTC on Tue 1 Dec.")
    assert promise_said(("我们会在 12月1日 16:00 前回复你。谢谢。",), ("12月1日 16:00",)) == "我们会在 12月1日 16:00 前回复你。"
    assert promise_said(texts, ("by 18:00 UTC on Tue 1 Dec",)) == ""


def step(**changes: object) -> str:
    facts = {"status": HandoffStatus.ACTIVE, "reason": EscalationReason.ASKED_FOR_PERSON, "has_agent": True,
             "now": NOW, "zone": UTC, **changes}
    return suggest_next_step(StepFacts(**facts))  # type: ignore[arg-type]


def test_the_next_step_follows_the_order_of_harm() -> None:
    soon = (("the result of the check", NOW + dt.timedelta(minutes=45)),)
    assert step(reason=EscalationReason.SELF_HARM, promises=soon).startswith("reach out now")
    assert step(has_agent=False, promises=soon).startswith("nobody has this yet: /take it")
    assert step(promises=soon, order_refs=("1",)) == "settle “the result of the check” before 14:45 UTC, or tell them a new time"
    late = (("the result of the check", NOW - dt.timedelta(minutes=5)),)
    assert step(promises=late).startswith("the bot's promise (“the result of the check”) was due 13:55 UTC on Tue 1 Dec")
    assert step(order_refs=("50005",)) == "ask for the email or phone on the order before you share anything about it"
    assert step(order_refs=("50005",), verified=("50005",), payments=Payments(1, 1, 0)).startswith("explain the hold")
    assert step(payments=Payments(2, 0, 0)).startswith("two charges really went through")
    assert step(awaiting="order_ref") == "ask for the order number the bot was still waiting for"
    assert step(promises=(("x", NOW + dt.timedelta(hours=5)),)) == (
        "answer their last message; everything they told the bot is on this card")
    assert step(status=HandoffStatus.RESOLVED) == ""
