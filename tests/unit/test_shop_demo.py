"""The demo shop: 50 orders whose story holds whenever it runs, shown only to their own contact."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from bot.policy.details import DEFAULT_ORDER_REF_PATTERN
from bot.policy.orders import ORDER_STATUSES, PAYMENT_STATUSES, REFUND_STATUSES, SHIPMENT_STATUSES
from bot.shop.backend import OrderNotFound
from bot.shop.demo import DemoShop, contact_matches
from bot.shop.demo_data import DemoOrder, demo_order, demo_orders

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
MOMENTS = [
    NOW,
    dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC),  # the night Europe moves its clocks forward
    dt.datetime(2026, 7, 1, 23, 59, tzinfo=dt.UTC),  # already tomorrow in Moscow and Shanghai
    dt.datetime(2027, 1, 1, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
]
# (email, phone) of the customers the module docstring lists for the end-to-end tests
EMILY = ("emily.clarke@example.com", "+447700900123")
OLIVER = ("oliver.bennett@example.com", "+447700900456")
GRACE = ("grace.walsh@example.net", "+353851234567")
KATARZYNA = ("katarzyna.nowak@example.com", "+48601234567")
PIOTR = ("piotr.wisniewski@example.net", "+48512345678")
AGNIESZKA = ("agnieszka.kowalczyk@example.org", "+48698765432")
ALEKSEI = ("aleksei.smirnov@example.com", "+79161234567")
MARIA = ("maria.ivanova@example.net", "+79031112233")
DMITRY = ("dmitry.kuznetsov@example.org", "+79265554433")
KEY_ORDERS = {  # what the docstring promises, per story: the English, Polish and Russian order
    "late": (("50001", EMILY), ("50012", KATARZYNA), ("50023", ALEKSEI)),
    "on_the_way": (("50002", EMILY), ("50013", KATARZYNA), ("50024", ALEKSEI)),
    "exception": (("50003", EMILY), ("50014", KATARZYNA), ("50025", ALEKSEI)),
    "delivered": (("50004", EMILY), ("50015", KATARZYNA), ("50026", ALEKSEI)),
    "hold": (("50005", OLIVER), ("50016", PIOTR), ("50027", MARIA)),
    "double": (("50006", OLIVER), ("50017", PIOTR), ("50028", MARIA)),
    "paid": (("50007", OLIVER), ("50018", PIOTR), ("50029", MARIA)),
    "refund_pending": (("50008", GRACE), ("50019", AGNIESZKA), ("50030", DMITRY)),
    "refund_late": (("50009", GRACE), ("50020", AGNIESZKA), ("50031", DMITRY)),
    "refund_done": (("50010", GRACE), ("50021", AGNIESZKA), ("50032", DMITRY)),
    "processing": (("50011", GRACE), ("50022", AGNIESZKA), ("50033", DMITRY)),
}


def key_order(story: str, index: int, now: dt.datetime) -> DemoOrder:
    ref, (email, phone) = KEY_ORDERS[story][index]
    entry = demo_order(ref, now)
    assert entry is not None and (entry.email, entry.phone) == (email, phone)
    return entry


def test_fifty_orders_with_references_the_bot_recognises() -> None:
    orders = demo_orders(NOW)

    refs = [entry.order.ref for entry in orders]
    assert len(refs) == len(set(refs)) == 50
    assert all(re.fullmatch(DEFAULT_ORDER_REF_PATTERN, ref) for ref in refs)


def test_every_status_of_the_contract_is_in_the_demo_shop() -> None:
    orders = demo_orders(NOW)

    assert {entry.order.status for entry in orders} == set(ORDER_STATUSES)
    assert {payment.status for entry in orders for payment in entry.order.payments} == set(PAYMENT_STATUSES)
    assert {parcel.status for entry in orders for parcel in entry.shipments} == set(SHIPMENT_STATUSES)
    assert {refund.status for entry in orders for refund in entry.refunds} == set(REFUND_STATUSES)


def test_customers_write_in_four_languages_and_pay_in_their_currencies() -> None:
    orders = demo_orders(NOW)
    items = " ".join(item.name for entry in orders for item in entry.order.items)
    carriers = {parcel.carrier for entry in orders for parcel in entry.shipments}

    assert re.search("[a-z]", items) and re.search("[ąćęłńóśźż]", items)
    assert re.search("[а-я]", items) and re.search("[\u4e00-\u9fff]", items)
    assert {entry.order.currency for entry in orders} == {"GBP", "EUR", "PLN", "RUB", "CNY", "USD"}
    assert {"DPD", "InPost", "Royal Mail", "DHL", "СДЭК", "顺丰速运"} <= carriers
    assert all(re.fullmatch(r"\+[1-9]\d{7,14}", entry.phone) for entry in orders)


@pytest.mark.parametrize("now", MOMENTS)
def test_the_story_is_consistent_whenever_it_runs(now: dt.datetime) -> None:
    for entry in demo_orders(now):
        order = entry.order
        assert order.placed_at <= now and order.updated_at is not None and order.placed_at <= order.updated_at <= now
        moments = [payment.at for payment in order.payments] + [refund.created_at for refund in entry.refunds] + [
            parcel.last_event.at for parcel in entry.shipments if parcel.last_event]
        assert all(moment is not None and order.placed_at <= moment <= now for moment in moments)
        assert all(payment.currency == order.currency for payment in order.payments)
        lines = {item.name: item.quantity for item in order.items}
        assert lines and all(quantity > 0 for quantity in lines.values())
        assert all(Decimal(payment.amount) == Decimal(order.total) for payment in order.payments)


@pytest.mark.parametrize("now", MOMENTS)
@pytest.mark.parametrize("language", [0, 1, 2])
def test_a_late_parcel_was_last_scanned_yesterday_at_2_pm_and_was_due_before(now: dt.datetime, language: int) -> None:
    parcel, = key_order("late", language, now).shipments
    event = parcel.last_event

    assert parcel.status == "in_transit" and parcel.carrier == ("DPD", "DPD", "СДЭК")[language]
    assert parcel.estimated_delivery is not None and parcel.estimated_delivery < now
    assert event is not None and event.at is not None and event.place
    local = now.astimezone(event.at.tzinfo)
    assert event.at.date() == local.date() - dt.timedelta(days=1) and (event.at.hour, event.at.minute) == (14, 2)
    assert parcel.tracking_number and parcel.tracking_url and parcel.tracking_number in parcel.tracking_url


@pytest.mark.parametrize("now", MOMENTS)
@pytest.mark.parametrize("language", [0, 1, 2])
def test_the_shipping_stories_say_what_the_table_promises(now: dt.datetime, language: int) -> None:
    on_the_way, = key_order("on_the_way", language, now).shipments
    exception, = key_order("exception", language, now).shipments
    delivered = key_order("delivered", language, now)

    assert on_the_way.status == "in_transit" and on_the_way.estimated_delivery and on_the_way.estimated_delivery > now
    assert exception.status == "exception" and exception.last_event and exception.last_event.text
    assert delivered.order.status == "delivered" and [parcel.status for parcel in delivered.shipments] == ["delivered"]
    assert key_order("processing", language, now).order.status == "processing"
    assert key_order("processing", language, now).shipments == ()


@pytest.mark.parametrize("language", [0, 1, 2])
def test_a_hold_and_a_real_double_charge_differ_only_in_the_second_payment(language: int) -> None:
    hold = key_order("hold", language, NOW).order
    double = key_order("double", language, NOW).order
    single = key_order("paid", language, NOW).order

    assert [payment.status for payment in hold.payments] == ["settled", "pending"]
    assert [payment.status for payment in double.payments] == ["settled", "settled"]
    assert [payment.status for payment in single.payments] == ["settled"]
    for order in (hold, double):
        assert len({payment.amount for payment in order.payments}) == 1


@pytest.mark.parametrize("now", MOMENTS)
@pytest.mark.parametrize("language", [0, 1, 2])
def test_refunds_are_pending_in_time_pending_past_their_date_or_done(now: dt.datetime, language: int) -> None:
    pending, = key_order("refund_pending", language, now).refunds
    late, = key_order("refund_late", language, now).refunds
    done, = key_order("refund_done", language, now).refunds

    assert pending.status == "pending" and pending.expected_by is not None and pending.expected_by > now
    assert late.status == "pending" and late.expected_by is not None and late.expected_by < now
    assert done.status == "succeeded"


def test_the_same_moment_gives_the_same_shop() -> None:
    assert demo_orders(NOW) == demo_orders(NOW)
    assert demo_order("50023", NOW) == next(entry for entry in demo_orders(NOW) if entry.order.ref == "50023")
    assert demo_order("49999", NOW) is None


def test_a_clock_without_a_time_zone_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="time zone"):
        demo_orders(dt.datetime(2026, 11, 30, 12, 0))


@pytest.mark.parametrize(("contact", "matches"), [
    ("emily.clarke@example.com", True), ("Emily.Clarke@EXAMPLE.com ", True), ("+447700900123", True),
    ("+44 7700 900123", True), ("447700900123", True), ("+44 (7700) 900-123", True),
    ("emily.clarke@example.net", False), ("+447700900124", False), ("07700900123", False), ("", False),
    ("+44", False), ("emily", False), ("44770090012three", False),
])
def test_a_contact_is_the_email_in_any_case_or_the_same_phone_digits(contact: str, matches: bool) -> None:
    assert contact_matches(contact, *EMILY) is matches


async def test_an_order_is_shown_to_its_own_contact_only() -> None:
    shop = DemoShop(lambda: NOW)

    assert (await shop.order("#50012", "+48 601 234 567")).ref == "50012"
    assert (await shop.shipments("50012", "KATARZYNA.NOWAK@example.com"))[0].last_event is not None
    for ref, contact in (("50012", EMILY[0]), ("50012", "+48601234568"), ("99999", KATARZYNA[0])):
        with pytest.raises(OrderNotFound):
            await shop.order(ref, contact)
        with pytest.raises(OrderNotFound):
            await shop.refunds(ref, contact)
    assert shop.name == "demo"


async def test_a_contacts_orders_are_listed_newest_first_up_to_the_limit() -> None:
    shop = DemoShop(lambda: NOW)

    everything = await shop.orders(EMILY[1], limit=50)
    latest = await shop.orders(EMILY[0], limit=2)

    assert sorted(summary.ref for summary in everything) == ["50001", "50002", "50003", "50004", "50041"]
    assert [summary.placed_at for summary in everything] == sorted((s.placed_at for s in everything), reverse=True)
    assert latest == everything[:2]
    assert await shop.orders("nobody@example.com") == ()
    assert {summary.currency for summary in everything} == {"GBP"}
