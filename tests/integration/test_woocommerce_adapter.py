"""The WooCommerce backend against a local store that answers like WooCommerce's documented examples."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.policy.orders import Item, Payment, Refund, Shipment, ShopHealth
from bot.shop.backend import OrderNotFound, ShopUnavailable
from bot.shop.woocommerce import WooCommerceShop
from bot.testing.webhook_client import free_port
from tests.integration.fake_woocommerce import (
    KEY,
    SECRET,
    FakeWooCommerce,
    serve_woocommerce,
    woo_order,
    woo_refund,
    woo_tracking,
)

pytestmark = pytest.mark.no_database

NOW = dt.datetime(2026, 11, 30, 11, 0, tzinfo=dt.UTC)
UTC = dt.UTC


@pytest.fixture
def store() -> FakeWooCommerce:
    return FakeWooCommerce(orders=[woo_order(727, status="completed", refunds=[(731, "10.00")],
                                             items=[("Linen shirt", 1), ("Wool socks", 2)])],
                           refunds={727: [woo_refund(731, "10.00", reason="Socks arrived torn")]},
                           trackings={727: [woo_tracking("0123456789", shipped="2026-11-30"),
                                            woo_tracking("0123456790", provider="InPost", shipped="2026-12-01",
                                                         link="")]})


@pytest.fixture
async def url(store: FakeWooCommerce) -> AsyncIterator[str]:
    async with serve_woocommerce(store) as base:
        yield base


@pytest.fixture
async def shop(url: str) -> AsyncIterator[WooCommerceShop]:
    backend = WooCommerceShop(url, f"{KEY}:{SECRET}", clock=lambda: NOW)
    yield backend
    await backend.close()


async def test_an_order_is_told_with_its_items_its_payment_and_its_partial_refund(shop: WooCommerceShop) -> None:
    order = await shop.order("#727", "Olga@Example.com")

    assert (order.ref, order.status, order.total, order.currency) == ("727", "partially_refunded", "29.35", "EUR")
    assert order.placed_at == dt.datetime(2026, 11, 20, 9, 28, 2, tzinfo=UTC)
    assert order.items == (Item("Linen shirt", 1), Item("Wool socks", 2))
    assert order.payments == (Payment("29.35", "EUR", "settled", dt.datetime(2026, 11, 20, 9, 28, 8, tzinfo=UTC)),)


async def test_parcels_come_from_the_shipment_tracking_extension(shop: WooCommerceShop) -> None:
    shipments = await shop.shipments("727", "+48600100200")

    assert shipments == (
        Shipment("DPD", "0123456789", "https://tracking.dpd.de/status/en_US/parcel/0123456789", "in_transit"),
        Shipment("InPost", "0123456790", None, "info_received"),
    )


async def test_refunds_are_positive_amounts_already_made(shop: WooCommerceShop) -> None:
    refunds = await shop.refunds("727", "olga@example.com")

    assert refunds == (Refund("10.00", "EUR", "succeeded", dt.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)),)


@pytest.mark.parametrize(("woo_status", "paid", "refunds", "status", "payment"), [
    ("pending", None, [], "pending_payment", "pending"),
    ("failed", None, [], "pending_payment", "failed"),
    ("on-hold", None, [], "on_hold", "pending"),
    ("processing", "2026-11-20T09:28:08", [], "processing", "settled"),
    ("completed", "2026-11-20T09:28:08", [], "shipped", "settled"),
    ("delivered", "2026-11-20T09:28:08", [], "delivered", "settled"),
    ("refunded", "2026-11-20T09:28:08", [(731, "29.35")], "refunded", "refunded"),
    ("completed", "2026-11-20T09:28:08", [(731, "20.00"), (732, "9.35")], "refunded", "refunded"),
])
async def test_woocommerce_statuses_read_as_the_contract_says(
        store: FakeWooCommerce, shop: WooCommerceShop, woo_status: str, paid: str | None,
        refunds: list[tuple[int, str]], status: str, payment: str) -> None:
    store.orders = [woo_order(727, status=woo_status, paid=paid, refunds=refunds)]

    order = await shop.order("727", "olga@example.com")

    assert (order.status, [each.status for each in order.payments]) == (status, [payment])


async def test_a_cancelled_order_that_was_never_paid_has_no_payment(store: FakeWooCommerce,
                                                                    shop: WooCommerceShop) -> None:
    store.orders = [woo_order(727, status="cancelled", paid=None)]

    order = await shop.order("727", "olga@example.com")

    assert (order.status, order.payments) == ("cancelled", ())


async def test_a_sequential_number_different_from_the_id_is_found_through_search(
        store: FakeWooCommerce, shop: WooCommerceShop) -> None:
    """Order 1042 by id is the same customer's order 2001: the number the customer gave decides."""
    store.orders = [woo_order(1042, number="2001", total="5.00"), woo_order(731, number="1042", total="88.10")]

    order = await shop.order("#1042", "olga@example.com")

    assert (order.ref, order.total) == ("1042", "88.10")
    assert ("/wp-json/wc/v3/orders", {"search": "1042", "per_page": "20", "page": "1"}) in store.requests


async def test_a_phone_stored_in_national_form_proves_the_order(store: FakeWooCommerce,
                                                                shop: WooCommerceShop) -> None:
    store.orders = [woo_order(727, phone="0600-100-200")]

    assert (await shop.order("727", "+48600100200")).ref == "727"
    with pytest.raises(OrderNotFound):
        await shop.order("727", "+48600100201")


async def test_a_contact_that_is_not_on_the_order_is_told_what_an_unknown_ref_is(shop: WooCommerceShop) -> None:
    with pytest.raises(OrderNotFound) as wrong_contact:
        await shop.order("727", "mallory@example.com")
    with pytest.raises(OrderNotFound) as wrong_phone:
        await shop.shipments("727", "+48600100299")
    with pytest.raises(OrderNotFound) as unknown:
        await shop.refunds("99999", "olga@example.com")

    assert str(wrong_contact.value) == str(wrong_phone.value) == str(unknown.value)


async def test_a_customers_orders_are_read_across_pages(store: FakeWooCommerce, shop: WooCommerceShop) -> None:
    """The search is a substring match: joan@example.com's orders fill the first page of "an@example.com"."""
    joans = [woo_order(800 + n, email="joan@example.com", created=f"2026-11-{10 + n}T08:00:00") for n in range(19)]
    anns = [woo_order(900 + n, email="an@example.com", created=f"2026-10-{10 + n}T08:00:00") for n in range(4)]
    store.orders = joans + anns

    orders = await shop.orders("an@example.com", limit=3)

    assert [summary.ref for summary in orders] == ["903", "902", "901"]
    assert [query["page"] for path, query in store.requests] == ["1", "2"]


async def test_without_the_tracking_extension_there_are_no_parcels_and_health_says_so(
        store: FakeWooCommerce, shop: WooCommerceShop) -> None:
    assert await shop.health() == ShopHealth("woocommerce v3", ("orders", "shipments", "refunds"))
    store.tracking_installed = False

    assert await shop.shipments("727", "olga@example.com") == ()
    assert await shop.health() == ShopHealth("woocommerce v3", ("orders", "refunds"))


@pytest.mark.parametrize(("status", "reason"), [(429, "429"), (500, "500"), (503, "503")])
async def test_a_store_that_is_failing_is_unavailable(store: FakeWooCommerce, shop: WooCommerceShop, status: int,
                                                     reason: str) -> None:
    store.answer_with = status

    with pytest.raises(ShopUnavailable) as error:
        await shop.order("727", "olga@example.com")

    assert reason in error.value.reason


async def test_a_wrong_consumer_secret_is_named_as_the_key_problem(url: str) -> None:
    shop = WooCommerceShop(url, f"{KEY}:cs_wrong")
    try:
        with pytest.raises(ShopUnavailable) as error:
            await shop.health()
    finally:
        await shop.close()

    assert "consumer key (401)" in error.value.reason
    assert "cs_wrong" not in error.value.reason


async def test_a_store_that_does_not_answer_in_time_is_unavailable(store: FakeWooCommerce, url: str) -> None:
    store.stall = True
    shop = WooCommerceShop(url, f"{KEY}:{SECRET}", timeout=0.2)
    try:
        with pytest.raises(ShopUnavailable) as error:
            await shop.order("727", "olga@example.com")
    finally:
        await shop.close()

    assert "did not answer within 0.2 s" in error.value.reason


async def test_an_answer_not_shaped_like_woocommerce_is_unavailable(store: FakeWooCommerce,
                                                                   shop: WooCommerceShop) -> None:
    store.garble = True

    with pytest.raises(ShopUnavailable) as error:
        await shop.order("727", "olga@example.com")

    assert "unexpected shape" in error.value.reason


async def test_an_address_without_woocommerce_is_unavailable_not_an_unknown_order(url: str) -> None:
    shop = WooCommerceShop(url + "/blog", f"{KEY}:{SECRET}")
    try:
        with pytest.raises(ShopUnavailable):
            await shop.order("727", "olga@example.com")
    finally:
        await shop.close()


async def test_a_store_that_cannot_be_reached_is_unavailable() -> None:
    shop = WooCommerceShop(f"http://127.0.0.1:{free_port()}", f"{KEY}:{SECRET}")
    try:
        with pytest.raises(ShopUnavailable) as error:
            await shop.orders("olga@example.com")
    finally:
        await shop.close()

    assert "could not be reached" in error.value.reason
