"""The Shopify backend against a fake Admin GraphQL API answering as Shopify documents it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.shop.backend import OrderNotFound, ShopUnavailable
from bot.shop.shopify import ShopifyShop
from bot.testing.webhook_client import free_port
from tests.integration.fake_shopify import (
    FakeShopify,
    event,
    fulfillment,
    money,
    refund,
    serving,
    shopify_order,
    transaction,
)

pytestmark = pytest.mark.no_database

TOKEN = "shpat_0123456789abcdef0123456789abcdef"
ANN, ANN_PHONE = "ann.kowalska@example.com", "+48600100200"
DPD = ("DPD", "01234567890123", "https://tracking.dpd.de/status/en_US/parcel/01234567890123")


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def parcel_in_transit() -> dict[str, object]:
    return fulfillment("IN_TRANSIT", tracking=[DPD], estimated="2026-11-24T18:00:00Z", events=[
        event("2026-11-20T09:12:00Z", "LABEL_PRINTED", "Label created", "Łódź", "Poland"),
        event("2026-11-21T06:40:00Z", "IN_TRANSIT", "Parcel left the hub", "Poznań", "Poland"),
        event("2026-11-22T14:02:00Z", "IN_TRANSIT", "Parcel scanned at the depot", "Warsaw", "Poland"),
    ])


def catalog() -> list[dict[str, object]]:
    return [
        shopify_order(1001, "2026-11-19T10:15:00Z", email="Ann.Kowalska@example.com", shipping_phone="+48 600 100 200",
                      fulfillment_status="FULFILLED", total=money("129.00", "EUR", shop=("552.40", "PLN")),
                      items=[("Linen shirt", 2), ("Canvas tote", 1)],
                      transactions=[transaction(1, "AUTHORIZATION", "SUCCESS", "129.00", "2026-11-19T10:15:02Z"),
                                    transaction(2, "CAPTURE", "SUCCESS", "129.00", "2026-11-19T12:00:00Z", parent=1)],
                      fulfillments=[fulfillment("CANCELED", status="CANCELLED"), parcel_in_transit()]),
        shopify_order(1002, "2026-11-23T08:00:00Z", email=ANN, total=money("59.00"),
                      transactions=[transaction(3, "SALE", "SUCCESS", "59.00", "2026-11-23T08:00:05Z"),
                                    transaction(4, "AUTHORIZATION", "SUCCESS", "59.00", "2026-11-23T08:03:10Z")]),
        shopify_order(1003, "2026-11-24T08:00:00Z", email=ANN, total=money("59.00"),
                      transactions=[transaction(5, "SALE", "SUCCESS", "59.00", "2026-11-24T08:00:05Z"),
                                    transaction(6, "SALE", "SUCCESS", "59.00", "2026-11-24T08:02:41Z")]),
        shopify_order(1006, "2026-11-25T08:00:00Z", email=ANN, financial="AUTHORIZED",
                      transactions=[transaction(7, "AUTHORIZATION", "SUCCESS", "59.00", "2026-11-25T08:00:05Z"),
                                    transaction(8, "CAPTURE", "FAILURE", "59.00", "2026-11-26T08:00:00Z", parent=7)]),
        shopify_order(1004, "2026-11-10T08:00:00Z", email=ANN, financial="PARTIALLY_REFUNDED",
                      fulfillment_status="FULFILLED", total=money("80.00"),
                      refunds=[refund("20.00", "2026-11-18T16:30:00Z"),
                               refund("5.00", "2026-11-25T09:00:00Z", status="PENDING")]),
        shopify_order(1005, "2026-11-12T08:00:00Z", phone="+48 511 222 333", fulfillment_status="PARTIALLY_FULFILLED",
                      fulfillments=[fulfillment(status) for status in (
                          "ATTEMPTED_DELIVERY", "READY_FOR_PICKUP", "OUT_FOR_DELIVERY", "DELIVERED", "FAILURE",
                          "LABEL_PRINTED", "DELAYED", "LABEL_VOIDED")]),
    ]


@pytest.fixture(scope="module")
async def served() -> AsyncIterator[tuple[FakeShopify, str]]:
    fake = FakeShopify(TOKEN)
    async with serving(fake) as url:
        yield fake, url


@pytest.fixture
def fake(served: tuple[FakeShopify, str]) -> FakeShopify:
    served[0].reset(catalog())
    return served[0]


@pytest.fixture
def shop_url(served: tuple[FakeShopify, str], fake: FakeShopify) -> str:
    return served[1]


@pytest.fixture
async def shop(shop_url: str) -> AsyncIterator[ShopifyShop]:
    backend = ShopifyShop(shop_url, TOKEN)
    yield backend
    await backend.close()


async def test_an_order_is_found_by_the_reference_the_shop_shows_and_told_in_the_customers_currency(
        shop: ShopifyShop, fake: FakeShopify) -> None:
    order = await shop.order("#1001", "ANN.kowalska@example.com")

    assert fake.calls[0].variables == {"query": "name:1001"}
    assert (order.ref, order.status, order.total, order.currency) == ("1001", "shipped", "129.00", "EUR")
    assert order.placed_at == utc("2026-11-19T10:15:00+00:00")
    assert [(item.name, item.quantity) for item in order.items] == [("Linen shirt", 2), ("Canvas tote", 1)]
    assert order.status_page_url is not None and order.status_page_url.startswith("https://my-shop.myshopify.com/")
    assert [(p.amount, p.status, p.at) for p in order.payments] == [("129.00", "settled", utc("2026-11-19T12:00:00Z"))]


async def test_the_phone_on_the_shipping_address_proves_the_order_is_theirs(shop: ShopifyShop) -> None:
    assert (await shop.order("1001", "+48600100200")).ref == "1001"


async def test_a_hold_next_to_a_charge_reads_differently_from_two_settled_charges(shop: ShopifyShop) -> None:
    hold = await shop.order("1002", ANN)
    double = await shop.order("1003", ANN)
    failed_capture = await shop.order("1006", ANN)

    assert [payment.status for payment in hold.payments] == ["settled", "pending"]
    assert [payment.status for payment in double.payments] == ["settled", "settled"]
    assert {payment.amount for payment in double.payments} == {"59.00"}
    assert [payment.status for payment in failed_capture.payments] == ["pending", "failed"]


async def test_a_parcel_shows_its_carrier_tracking_estimate_and_last_scan(shop: ShopifyShop) -> None:
    (parcel,) = await shop.shipments("#1001", ANN)

    assert (parcel.carrier, parcel.tracking_number, parcel.tracking_url) == DPD
    assert parcel.status == "in_transit"
    assert parcel.estimated_delivery == utc("2026-11-24T18:00:00Z")
    assert parcel.last_event is not None
    assert (parcel.last_event.text, parcel.last_event.place) == ("Parcel scanned at the depot", "Warsaw, Poland")
    assert parcel.last_event.at == utc("2026-11-22T14:02:00Z")


async def test_each_fulfillment_status_becomes_the_contracts_parcel_status(shop: ShopifyShop) -> None:
    parcels = await shop.shipments("1005", "+48 511 222 333")

    assert [parcel.status for parcel in parcels] == [
        "attempt_fail", "available_for_pickup", "out_for_delivery", "delivered", "exception", "info_received",
        "exception"]
    assert all(parcel.carrier is None and parcel.last_event is None for parcel in parcels)
    assert (await shop.order("1005", "+48511222333")).status == "partially_shipped"


async def test_an_orders_status_reads_shopifys_financial_and_fulfillment_states(shop: ShopifyShop,
                                                                                 fake: FakeShopify) -> None:
    cy = "cy@example.com"
    fake.orders += [
        shopify_order(3001, "2026-11-01T09:00:00Z", email=cy, fulfillment_status="FULFILLED",
                      fulfillments=[fulfillment("DELIVERED"), fulfillment("LABEL_VOIDED")]),
        shopify_order(3002, "2026-11-02T09:00:00Z", email=cy, financial="REFUNDED",
                      cancelled_at="2026-11-02T10:00:00Z"),
        shopify_order(3003, "2026-11-03T09:00:00Z", email=cy, financial="PENDING"),
        shopify_order(3004, "2026-11-04T09:00:00Z", email=cy, fulfillment_status="ON_HOLD"),
        shopify_order(3005, "2026-11-05T09:00:00Z", email=cy, fulfillment_status="IN_PROGRESS"),
        shopify_order(3006, "2026-11-06T09:00:00Z", email=cy, financial="REFUNDED"),
    ]

    orders = await shop.orders(cy, limit=10)

    assert [(order.ref, order.status) for order in orders] == [
        ("3006", "refunded"), ("3005", "processing"), ("3004", "on_hold"), ("3003", "pending_payment"),
        ("3002", "cancelled"), ("3001", "delivered")]


async def test_refunds_show_amount_status_and_no_invented_expected_date(shop: ShopifyShop) -> None:
    refunds = await shop.refunds("1004", ANN)

    assert [(r.amount, r.currency, r.status) for r in refunds] == [("20.00", "EUR", "succeeded"),
                                                                   ("5.00", "EUR", "pending")]
    assert refunds[0].created_at == utc("2026-11-18T16:30:00Z")
    assert all(r.expected_by is None for r in refunds)
    assert (await shop.order("1004", ANN)).status == "partially_refunded"


@pytest.mark.parametrize("contact", ["eve@example.com", "ann.kowalska@example.org", "+48600100201", "+1", ""])
async def test_an_order_with_another_contact_is_not_found(shop: ShopifyShop, contact: str) -> None:
    for lookup in (shop.order, shop.shipments, shop.refunds):
        with pytest.raises(OrderNotFound):
            await lookup("1001", contact)


async def test_an_unknown_reference_is_not_found_and_a_malformed_one_is_not_even_searched(
        shop: ShopifyShop, fake: FakeShopify) -> None:
    with pytest.raises(OrderNotFound):
        await shop.order("#9999", ANN)
    with pytest.raises(OrderNotFound):
        await shop.order('1001" OR email:*', ANN)
    assert len(fake.calls) == 1


async def test_a_customers_orders_come_newest_first_across_pages(shop: ShopifyShop, fake: FakeShopify) -> None:
    fake.orders += [shopify_order(2000 + day, f"2026-10-{day:02d}T09:00:00Z", email="bea@example.com")
                    for day in range(1, 14)]

    orders = await shop.orders("Bea@Example.com", limit=12)

    assert [order.ref for order in orders] == [str(2000 + day) for day in range(13, 1, -1)]
    assert [call.variables["after"] is None for call in fake.calls] == [True, False]
    assert {call.variables["query"] for call in fake.calls} == {'email:"Bea@Example.com"'}
    assert all(order.status == "paid" and order.currency == "EUR" for order in orders)


async def test_a_customers_orders_by_phone_are_only_theirs(shop: ShopifyShop) -> None:
    assert [order.ref for order in await shop.orders("+48 511 222 333")] == ["1005"]
    assert await shop.orders("+48 999 000 111") == ()


async def test_throttling_says_throttled(shop: ShopifyShop, fake: FakeShopify) -> None:
    fake.throttled = True
    with pytest.raises(ShopUnavailable) as raised:
        await shop.order("1001", ANN)
    assert raised.value.reason == "throttled"


@pytest.mark.parametrize(("status", "says"), [(500, "500"), (503, "503"), (429, "throttled"), (403, "read_orders")])
async def test_an_http_failure_is_unavailable_not_a_missing_order(shop: ShopifyShop, fake: FakeShopify, status: int,
                                                                   says: str) -> None:
    fake.http_status = status
    with pytest.raises(ShopUnavailable) as raised:
        await shop.orders(ANN)
    assert says in raised.value.reason


async def test_a_wrong_token_is_named_without_being_repeated(shop_url: str) -> None:
    wrong = ShopifyShop(shop_url, "shpat_not_the_right_one")
    try:
        with pytest.raises(ShopUnavailable) as raised:
            await wrong.order("1001", ANN)
    finally:
        await wrong.close()
    assert "401" in raised.value.reason and "CANDOR_SHOP_TOKEN" in raised.value.reason
    assert "shpat_" not in raised.value.reason


async def test_a_graphql_error_is_reported_by_its_kind_not_its_text(shop: ShopifyShop, fake: FakeShopify) -> None:
    fake.graphql_error = {"message": f"Internal error while resolving order for {ANN}",
                          "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
    with pytest.raises(ShopUnavailable) as raised:
        await shop.order("1001", ANN)
    assert "INTERNAL_SERVER_ERROR" in raised.value.reason and ANN not in raised.value.reason


async def test_a_shop_that_never_answers_is_unavailable_within_the_timeout(shop_url: str, fake: FakeShopify) -> None:
    fake.never_answers = True
    slow = ShopifyShop(shop_url, TOKEN, timeout=0.2)
    try:
        with pytest.raises(ShopUnavailable) as raised:
            await slow.order("1001", ANN)
    finally:
        await slow.close()
    assert raised.value.reason == "timeout"


async def test_a_shop_nobody_answers_at_is_unavailable() -> None:
    nowhere = ShopifyShop(f"http://127.0.0.1:{free_port()}", TOKEN)
    try:
        with pytest.raises(ShopUnavailable) as raised:
            await nowhere.orders(ANN)
    finally:
        await nowhere.close()
    assert raised.value.reason.startswith("connection failed")


async def test_a_client_the_caller_shares_stays_open_after_close(shop_url: str) -> None:
    async with httpx.AsyncClient() as shared:
        backend = ShopifyShop(shop_url, TOKEN, client=shared)
        await backend.close()
        assert (await backend.order("1002", ANN)).ref == "1002"


async def test_health_names_the_api_version_and_the_60_day_window(shop: ShopifyShop, fake: FakeShopify) -> None:
    recent_only = await shop.health()
    fake.scopes = ("read_orders", "read_all_orders")
    all_orders = await shop.health()

    assert recent_only.version == "shopify 2025-01"
    assert recent_only.capabilities == ("orders", "shipments", "refunds")
    assert all_orders.capabilities == ("orders", "shipments", "refunds", "all_orders")


async def test_health_without_read_orders_says_which_scope_is_missing(shop: ShopifyShop, fake: FakeShopify) -> None:
    fake.scopes = ("read_products",)
    with pytest.raises(ShopUnavailable) as raised:
        await shop.health()
    assert "read_orders" in raised.value.reason
