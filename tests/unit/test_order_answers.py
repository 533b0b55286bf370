"""Answers from the shop's facts, decided on plain data: the proof first, then what is true now, and a promise only
where the data says the problem is real."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from bot.policy.assignment import parse_shift
from bot.policy.card_context import CardContext
from bot.policy.decide import decide
from bot.policy.escalation import EscalationReason
from bot.policy.handoff_card import HandoffCard, render_card
from bot.policy.handoff_status import HandoffStatus
from bot.policy.model import Case, Clock, ConversationState, CustomerTurn, Decision, Move, TurnKind
from bot.policy.orders import (
    LookupRequest,
    Order,
    OrderFacts,
    OrderSummary,
    Payment,
    Refund,
    Shipment,
    TrackingEvent,
)
from knowledge import load_pack
from knowledge.retrieval import Retrieval, TopicMatch
from nlu.signals import detect_signals
from nlu.types import Analysis, EmotionScores

PACK = load_pack()
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)  # a Tuesday
CLOCK = Clock(NOW, ZoneInfo("Europe/Warsaw"), parse_shift("Europe/Warsaw", "09:00-18:00", "mon-fri"))
CALM = Analysis("en", EmotionScores.from_mapping({"neutral": 0.9}), ("neutral",))
EMAIL = "anna.smith@example.com"


def about(topic_id: str | None, language: str = "en") -> Retrieval:
    if topic_id is None:
        return Retrieval(best=None, candidates=())
    topic = PACK.topic(topic_id, language)
    assert topic is not None
    return Retrieval(best=TopicMatch(topic, 0.9), candidates=(TopicMatch(topic, 0.9),))


NO_CASE = Case()


def say(text: str, topic_id: str | None, case: Case = NO_CASE, facts: OrderFacts | None = None,
        shop: str | None = "http", language: str = "en", first_contact: bool = False,
        kind: TurnKind = TurnKind.TEXT) -> Decision:
    state = ConversationState(7, language, case.topic_id, case=case, first_contact=first_contact)
    return decide(CustomerTurn(kind, text=text), CALM, detect_signals(text), about(topic_id, language), state, PACK,
                  CLOCK, shop=shop, facts=(facts,) if facts else ())


def order(*payments: Payment, status: str = "paid") -> Order:
    return Order("50003", status, NOW - dt.timedelta(days=3), None, "PLN", "49.90", payments=payments)


def found(request: LookupRequest, the_order: Order, shipments: tuple[Shipment, ...] | None = None,
          refunds: tuple[Refund, ...] | None = None) -> OrderFacts:
    return OrderFacts(request, NOW, found=True, order=the_order, shipments=shipments, refunds=refunds)


def looked_up(text: str, topic_id: str, facts_for: object) -> tuple[Decision, Decision]:
    """The first decision (which asks for the lookup) and the same turn decided again with the facts."""
    first = say(text, topic_id)
    assert first.lookup is not None, first.reply.text
    facts = facts_for(first.lookup)  # type: ignore[operator]
    return first, say(text, topic_id, facts=facts)


SETTLED = Payment("49.90", "PLN", "settled", NOW - dt.timedelta(days=1, hours=2))
SECOND = Payment("49.90", "PLN", "settled", NOW - dt.timedelta(days=1, hours=1, minutes=58))
HOLD = Payment("49.90", "PLN", "pending", NOW - dt.timedelta(days=1, hours=1, minutes=58))


def test_with_a_shop_the_bot_asks_for_the_contact_on_the_order_with_the_share_button_and_then_looks_it_up() -> None:
    asked = say("I was charged twice for order #50003", "double_charge")
    assert asked.reply.move is Move.ASK_DETAIL and asked.lookup is None and asked.promise is None
    assert "email address or the phone number" in asked.reply.text
    assert asked.reply.contact_button == "Share my phone number"
    assert asked.case is not None and asked.case.awaiting == "contact"
    given = say(EMAIL, None, asked.case)
    assert given.lookup == LookupRequest("50003", EMAIL, ())


def test_without_a_shop_nothing_about_proof_or_lookups_changes() -> None:
    decision = say("I was charged twice for order #50003", "double_charge", shop=None)
    assert decision.reply.move is Move.ANSWER and decision.lookup is None and decision.promise is not None
    assert "email address or the phone number" not in decision.reply.text


def test_two_settled_payments_are_a_real_double_charge_said_candidly_with_the_next_step_and_its_time() -> None:
    text = f"I was charged twice for order #50003, my email is {EMAIL}"
    _, answer = looked_up(text, "double_charge", lambda request: found(request, order(SETTLED, SECOND)))
    assert "You're right: I see two settled payments of 49.90 PLN on order #50003" in answer.reply.text
    assert "yesterday" in answer.reply.text and "09:00" in answer.reply.text  # 08:00 UTC is 09:00 in Warsaw
    assert "order system" in answer.reply.text, "the reply says where the facts come from"
    assert answer.promise is not None and "payments team" in answer.reply.text
    assert answer.case is not None and answer.case.verified == ("50003",)


def test_a_pending_second_payment_is_a_hold_explained_without_a_promise() -> None:
    text = f"I was charged twice for order #50003, my email is {EMAIL}"
    _, answer = looked_up(text, "double_charge", lambda request: found(request, order(SETTLED, HOLD)))
    assert "pending hold, not a charge" in answer.reply.text
    assert "You're right" not in answer.reply.text
    assert answer.promise is None and answer.case is not None and answer.case.settled


def test_one_payment_contradicting_the_customer_is_said_plainly_with_a_person_offered_not_an_argument() -> None:
    text = f"I was charged twice for order #50003, my email is {EMAIL}"
    _, answer = looked_up(text, "double_charge", lambda request: found(request, order(SETTLED)))
    assert "I see one payment on order #50003: 49.90 PLN" in answer.reply.text
    assert "won't argue" in answer.reply.text and '"person"' in answer.reply.text
    assert answer.promise is None


def test_no_order_with_that_contact_asks_again_without_saying_which_and_the_third_failure_goes_to_a_person() -> None:
    case = Case("double_charge", (("order_ref", "50003"),), awaiting="contact")
    for attempt in (1, 2, 3):
        first = say(EMAIL, None, case)
        assert first.lookup is not None
        decision = say(EMAIL, None, case, facts=OrderFacts(first.lookup, NOW, found=False))
        assert decision.case is not None and decision.case.failed_proofs == attempt
        assert decision.case.value("contact") is None, "a contact that did not match is not kept"
        assert "49.90" not in decision.reply.text
        case = decision.case
        if attempt < 3:
            assert decision.reply.move is Move.ASK_DETAIL and not decision.hand_off
        if attempt == 1:
            assert "can't say which" in decision.reply.text
        if attempt == 2:  # not the same words twice, and what happens after one more try
            assert "doesn't match order #50003 either" in decision.reply.text and "to a person" in decision.reply.text
    assert decision.hand_off and "person" in decision.reply.text


def test_an_unreachable_shop_is_said_honestly_and_the_bot_does_not_guess() -> None:
    text = f"I was charged twice for order #50003, my email is {EMAIL}"
    _, answer = looked_up(text, "double_charge",
                          lambda request: OrderFacts(request, NOW, unavailable="timed out"))
    assert "can't reach our order system" in answer.reply.text and "won't guess" in answer.reply.text
    assert "pending hold, not a charge" not in answer.reply.text and "You're right" not in answer.reply.text
    assert answer.case is not None and answer.case.verified == ()


def test_a_late_parcel_is_told_with_its_last_scan_and_estimate_and_the_team_takes_it_on() -> None:
    parcel = Shipment("DPD", "01234567890123", "https://tracking.dpd.example/01234567890123", "in_transit",
                      NOW - dt.timedelta(days=2), TrackingEvent(NOW - dt.timedelta(hours=20), "Parcel at depot", "Warsaw"))
    _, answer = looked_up(f"Where is my order #50003? {EMAIL}", "order_status",
                          lambda request: found(request, order(SETTLED, status="shipped"), shipments=(parcel,)))
    text = answer.reply.text
    assert "Your parcel (DPD 01234567890123) was last scanned in Warsaw at 15:00 yesterday" in text
    assert "so it's late" in text and answer.promise is not None
    assert text.endswith("\n\nYou can follow it here: https://tracking.dpd.example/01234567890123"), \
        "the tracking link stands last, on its own, so no sentence runs into it"


def test_a_parcel_on_its_way_gives_the_couriers_day_and_no_team_promise() -> None:
    parcel = Shipment("InPost", "6800", None, "in_transit", NOW + dt.timedelta(days=1),
                      TrackingEvent(NOW - dt.timedelta(hours=1), "In transit", "Kraków"))
    _, answer = looked_up(f"Where is my order #50003? {EMAIL}", "order_status",
                          lambda request: found(request, order(SETTLED, status="shipped"), shipments=(parcel,)))
    assert "InPost expects to deliver it tomorrow" in answer.reply.text and answer.promise is None


@pytest.mark.parametrize(("text", "topic_id"), [("My parcel never came, order #50003", "not_received"),
                                               ("Where is my order #50003?", "order_status")])
def test_a_delivered_parcel_the_customer_asks_about_is_stated_and_not_argued_with(text: str, topic_id: str) -> None:
    parcel = Shipment("DPD", "0123", None, "delivered", None,
                      TrackingEvent(NOW - dt.timedelta(days=1), "Delivered to the door", "Warsaw"))
    _, answer = looked_up(f"{text}, {EMAIL}", topic_id,
                          lambda request: found(request, order(SETTLED, status="delivered"), shipments=(parcel,)))
    assert "marked it as delivered" in answer.reply.text and "won't argue" in answer.reply.text
    assert "hasn't happened by then" not in answer.reply.text and answer.promise is None


def test_a_refund_on_its_way_has_its_expected_date_and_a_late_one_is_called_late() -> None:
    pending = Refund("49.90", "PLN", "pending", NOW - dt.timedelta(days=2), NOW + dt.timedelta(days=3))
    _, on_way = looked_up(f"Where is my refund for order #50003? {EMAIL}", "refund",
                          lambda request: found(request, order(SETTLED, status="refunded"), refunds=(pending,)))
    assert "expected on Fri 4 Dec" in on_way.reply.text and on_way.promise is None
    late = replace(pending, expected_by=NOW - dt.timedelta(days=2))
    _, overdue = looked_up(f"Where is my refund for order #50003? {EMAIL}", "refund",
                           lambda request: found(request, order(SETTLED, status="refunded"), refunds=(late,)))
    assert "it's late" in overdue.reply.text and overdue.promise is not None


def test_the_phone_shared_with_telegrams_button_is_the_contact_for_the_lookup() -> None:
    case = Case("order_status", (("order_ref", "50003"),), awaiting="contact")
    decision = say("+48600123456", None, case, kind=TurnKind.SHARED_CONTACT)
    assert decision.lookup == LookupRequest("50003", "+48600123456", ("shipments",))


def test_the_demo_shop_is_labelled_in_the_first_reply() -> None:
    first = say("hello, I have a question about my order", None, shop="demo", first_contact=True)
    assert "demo shop" in first.reply.text
    later = say("hello, I have a question about my order", None, shop="demo")
    assert "demo shop" not in later.reply.text
    greeting = decide(CustomerTurn(TurnKind.COMMAND, text="/start", command="start"), None, None, None,
                      ConversationState(7, "en"), PACK, CLOCK, shop="demo")
    assert "demo shop" in greeting.reply.text


def test_the_agents_card_says_whether_the_customer_proved_the_order_is_theirs() -> None:
    def card(context: CardContext) -> str:
        return render_card(HandoffCard(3, "Anna", "en", EscalationReason.UNVERIFIED, "3 tries", HandoffStatus.QUEUED,
                                       "", "your order", context, NOW))

    proved = card(CardContext(topic_id="order_status", details=(("order_ref", "50003"),), verified=("50003",),
                              failed_proofs=1))
    assert "Order: #50003; verified: yes, #50003 matches their email or phone (1 failed proof(s))" in proved
    unproved = card(CardContext(topic_id="order_status", details=(("order_ref", "50003"),), failed_proofs=3))
    assert "verified: no: 3 failed proof(s), do not share order details until they prove it" in unproved


def summary(ref: str) -> OrderSummary:
    return OrderSummary(ref, "shipped", NOW - dt.timedelta(days=2), "49.90", "PLN")


def test_without_the_order_number_the_shared_phone_finds_the_customers_orders() -> None:
    asked = say("Where is my order?", "order_status")
    assert asked.case is not None and asked.case.awaiting == "order_ref"
    assert "Share my phone number" in asked.reply.text and asked.reply.contact_button == "Share my phone number"
    phone = "+48601234567"
    listing = say(phone, None, asked.case, kind=TurnKind.SHARED_CONTACT)
    assert listing.lookup == LookupRequest("", phone, ())
    several = OrderFacts(listing.lookup, NOW, found=True, orders=(summary("50012"), summary("50013")))
    chosen = say(phone, None, asked.case, facts=several, kind=TurnKind.SHARED_CONTACT)
    assert "#50012, placed" in chosen.reply.text and "#50013" in chosen.reply.text
    assert chosen.case is not None and chosen.case.awaiting == "order_ref" and chosen.case.value("contact") == phone
    nothing = say(phone, None, asked.case, facts=OrderFacts(listing.lookup, NOW), kind=TurnKind.SHARED_CONTACT)
    assert "don't see any orders" in nothing.reply.text
    assert nothing.case is not None and nothing.case.value("contact") is None


def test_one_order_by_the_shared_phone_is_taken_and_looked_up_in_the_same_turn() -> None:
    phone = "+48601234567"
    case = Case("order_status", awaiting="order_ref")
    listed = LookupRequest("", phone, ())
    one = OrderFacts(listed, NOW, found=True, orders=(summary("50012"),))
    state = ConversationState(7, "en", "order_status", case=case)
    turn_ = CustomerTurn(TurnKind.SHARED_CONTACT, text=phone)
    then = decide(turn_, None, None, None, state, PACK, CLOCK, shop="http", facts=(one,))
    assert then.lookup == LookupRequest("50012", phone, ("shipments",))
    parcel = Shipment("DPD", "0123", None, "in_transit", NOW + dt.timedelta(days=2),
                      TrackingEvent(NOW - dt.timedelta(hours=3), "In transit", "Warszawa"))
    answer = decide(turn_, None, None, None, state, PACK, CLOCK, shop="http",
                    facts=(one, found(then.lookup, order(SETTLED, status="shipped"), shipments=(parcel,))))
    assert "I found one order with your phone number: #50012." in answer.reply.text
    assert "Warszawa" in answer.reply.text and answer.case is not None and answer.case.verified == ("50012",)


def test_the_share_phone_keyboard_is_taken_away_once_its_question_is_answered() -> None:
    asked = say("Where is my order #50003?", "order_status")
    assert asked.reply.contact_button and not asked.reply.clear_keyboard and asked.case is not None
    first = say(EMAIL, None, asked.case)
    assert first.lookup is not None
    parcel = Shipment("DPD", "0123", None, "in_transit", NOW + dt.timedelta(days=2), None)
    answer = say(EMAIL, None, asked.case, facts=found(first.lookup, order(SETTLED, status="shipped"),
                                                      shipments=(parcel,)))
    assert answer.reply.clear_keyboard and not answer.reply.contact_button
    without_shop = say("Where is my order #50003?", "order_status", shop=None)
    assert not without_shop.reply.clear_keyboard
