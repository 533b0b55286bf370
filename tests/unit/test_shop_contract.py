"""Reading and writing the contract's JSON: tolerant where the contract allows, strict where a guess would mislead."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.policy.orders import Order, Payment, Refund, Shipment, TrackingEvent
from bot.shop.contract import (
    ContractError,
    order_json,
    order_list_json,
    parse_health,
    parse_order,
    parse_order_list,
    parse_refunds,
    parse_shipments,
    refunds_json,
    shipments_json,
)
from bot.shop.demo import DemoShop
from bot.shop.demo_data import demo_orders

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def order_reply(**changes: Any) -> dict[str, Any]:
    reply: dict[str, Any] = {
        "ref": "50001", "status": "shipped", "placed_at": "2026-11-23T08:07:00+00:00",
        "updated_at": "2026-11-29T14:02:00+00:00", "currency": "GBP", "total": "69.97",
        "items": [{"name": "Yoga mat", "quantity": 2}],
        "payments": [{"amount": "69.97", "currency": "GBP", "status": "settled", "at": "2026-11-23T08:08:00Z"}],
        "status_page_url": "https://shop.example.com/orders/50001/status",
    }
    reply.update(changes)
    return reply


def through_json(data: dict[str, Any]) -> Any:
    """What the other side of the wire reads."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def test_every_demo_order_reads_back_as_the_same_facts() -> None:
    for entry in demo_orders(NOW):
        assert parse_order(through_json(order_json(entry.order))) == entry.order
        assert parse_shipments(through_json(shipments_json(entry.shipments))) == entry.shipments
        assert parse_refunds(through_json(refunds_json(entry.refunds))) == entry.refunds


async def test_the_order_list_reads_back_newest_first() -> None:
    summaries = await DemoShop(lambda: NOW).orders("emily.clarke@example.com", limit=3)

    assert parse_order_list(through_json(order_list_json(summaries))) == summaries
    assert len(summaries) == 3


def test_optional_fields_may_be_null_or_missing_and_unknown_fields_are_ignored() -> None:
    reply = order_reply(updated_at=None, items=None, status_page_url=None, loyalty_points=120,
                        payments=[{"amount": "69.97", "currency": "GBP", "status": "pending", "gateway": "stripe"}])

    order = parse_order(reply)

    assert order == Order("50001", "shipped", dt.datetime(2026, 11, 23, 8, 7, tzinfo=dt.UTC), None, "GBP", "69.97",
                          (), (Payment("69.97", "GBP", "pending", None),), None)
    del reply["payments"], reply["items"]
    assert parse_order(reply).payments == ()


def test_a_parcel_with_no_carrier_yet_and_an_event_without_a_place_are_facts_too() -> None:
    reply = {"shipments": [
        {"carrier": None, "tracking_number": None, "tracking_url": None, "status": "pending",
         "estimated_delivery": None, "last_event": None},
        {"carrier": "DPD", "tracking_number": "0123", "status": "info_received",
         "last_event": {"at": "2026-11-29T14:02:00+01:00", "text": "Label created", "place": None, "code": "IR"}},
    ]}

    first, second = parse_shipments(reply)

    assert first == Shipment(None, None, None, "pending")
    warsaw = dt.timezone(dt.timedelta(hours=1))
    assert second == Shipment("DPD", "0123", None, "info_received", None,
                              TrackingEvent(dt.datetime(2026, 11, 29, 14, 2, tzinfo=warsaw), "Label created"))


def test_a_time_keeps_the_offset_the_shop_gave() -> None:
    refund, = parse_refunds({"refunds": [{"amount": "5990.00", "currency": "RUB", "status": "pending",
                                         "created_at": "2026-11-28T09:00:00+03:00",
                                         "expected_by": "2026-12-05T18:00:00+03:00"}]})

    assert refund == Refund("5990.00", "RUB", "pending",
                            dt.datetime(2026, 11, 28, 6, 0, tzinfo=dt.UTC), dt.datetime(2026, 12, 5, 15, 0, tzinfo=dt.UTC))
    assert refund.expected_by is not None and refund.expected_by.utcoffset() == dt.timedelta(hours=3)


def test_a_leading_hash_on_the_shops_ref_is_dropped() -> None:
    assert parse_order(order_reply(ref="#50001")).ref == "50001"


@pytest.mark.parametrize(("reply", "where"), [
    (order_reply(status=None), "order.status"),
    ({key: value for key, value in order_reply().items() if key != "total"}, "order.total"),
    (order_reply(placed_at=None), "order.placed_at"),
    (order_reply(currency=""), "order.currency"),
    (order_reply(items=[{"name": "Yoga mat"}]), "order.items[0].quantity"),
    (order_reply(items=[{"name": "Yoga mat", "quantity": True}]), "order.items[0].quantity"),
    (order_reply(payments={"amount": "1.00"}), "order.payments"),
    ([order_reply()], "order"),
])
def test_a_missing_required_field_is_named(reply: Any, where: str) -> None:
    with pytest.raises(ContractError) as caught:
        parse_order(reply)

    assert str(caught.value).startswith(f"{where}:")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("status", ["in_delivery", "SHIPPED", "", 3])
def test_an_order_status_outside_the_contract_is_refused_with_the_list_it_should_be_in(status: object) -> None:
    with pytest.raises(ContractError, match=r"order\.status: expected one of pending_payment, paid, .*partially_refunded"):
        parse_order(order_reply(status=status))


@pytest.mark.parametrize("status", ["dispatched", "lost", None])
def test_a_shipment_status_outside_the_contract_is_refused(status: object) -> None:
    with pytest.raises(ContractError, match=r"reply\.shipments\[0\]\.status: expected one of pending, info_received"):
        parse_shipments({"shipments": [{"status": status}]})


@pytest.mark.parametrize("amount", [69.97, 70, "69,97", "£69.97", "69.97 GBP", "", None])
def test_money_must_be_a_decimal_string(amount: object) -> None:
    with pytest.raises(ContractError, match=r"order\.payments\[0\]\.amount: expected a decimal string"):
        parse_order(order_reply(payments=[{"amount": amount, "currency": "GBP", "status": "settled"}]))


@pytest.mark.parametrize("moment", ["2026-11-29T14:02:00", "2026-11-29", "yesterday", 1764424920])
def test_a_time_without_an_offset_is_refused_rather_than_guessed(moment: object) -> None:
    with pytest.raises(ContractError, match=r"reply\.refunds\[0\]\.expected_by: expected an ISO 8601 time with an offset"):
        parse_refunds({"refunds": [{"amount": "1.00", "currency": "EUR", "status": "pending", "expected_by": moment}]})


def test_an_error_names_the_field_but_never_repeats_what_the_shop_sent() -> None:
    leaky = order_reply(status="anna.kowalska@example.com", total="+48 601 234 567")

    with pytest.raises(ContractError) as caught:
        parse_order(leaky)

    assert "example.com" not in str(caught.value) and "601" not in str(caught.value)


def test_health_needs_a_version_and_a_list_of_capabilities() -> None:
    assert parse_health({"version": "2.3", "capabilities": ["orders", "shipments"], "region": "eu"}).capabilities == (
        "orders", "shipments")
    with pytest.raises(ContractError, match="health.capabilities"):
        parse_health({"version": "2.3", "capabilities": "orders"})
    with pytest.raises(ContractError, match="health.version"):
        parse_health({"capabilities": []})


def test_a_list_reply_without_its_list_is_refused() -> None:
    with pytest.raises(ContractError, match=r"reply\.orders: expected a list"):
        parse_order_list({"order": []})
    with pytest.raises(ContractError, match=r"reply\.refunds: expected a list"):
        parse_refunds({"refunds": None})
