"""The shop's facts from Shopify's Admin GraphQL API (``POST {url}/admin/api/{version}/graphql.json``).

The app is a custom app with ``read_orders``; its Admin API token goes in ``X-Shopify-Access-Token``.
An order is looked up by the name the shop shows (``#1001`` is searched as ``name:1001``) and is the
customer's only when the contact they gave is the order's email (case-insensitive) or the digits of
its phone or its shipping address's phone (E.164 digits); otherwise, or when nothing is found, it is
``OrderNotFound`` and the shop never says which.

**The 60-day window.** Shopify shows an app only the last 60 days of orders unless it was also
granted ``read_all_orders``. An older order is then simply not found: still ``OrderNotFound``,
because the search cannot tell "too old" from "never existed". ``health()`` lists the capability
``all_orders`` only when the scope is granted, so ``candor shop check`` shows the gap.

How Shopify's answers map onto the contract (``bot/policy/orders.py``):

- Money is ``presentmentMoney``: the currency the customer paid in, as their card statement shows it.
- Order status, first rule that holds: ``cancelledAt`` set -> cancelled; displayFinancialStatus
  REFUNDED -> refunded, PARTIALLY_REFUNDED -> partially_refunded; displayFulfillmentStatus ON_HOLD
  -> on_hold, FULFILLED -> delivered when every live fulfillment is DELIVERED or PICKED_UP, else
  shipped, PARTIALLY_FULFILLED -> partially_shipped; financial PENDING, PARTIALLY_PAID, EXPIRED or
  VOIDED -> pending_payment; fulfillment IN_PROGRESS, PENDING_FULFILLMENT, SCHEDULED or
  REQUEST_DECLINED -> processing; otherwise (PAID or AUTHORIZED, UNFULFILLED) -> paid.
- Payments, one per transaction: SALE or CAPTURE with SUCCESS -> settled; an AUTHORIZATION that
  succeeded and was neither captured nor voided, or any charge still PENDING/AWAITING_RESPONSE ->
  pending (a hold); REFUND with SUCCESS -> refunded; a charge with FAILURE or ERROR -> failed.
  Voids, change, suggested refunds and UNKNOWN statuses are left out rather than guessed.
- Shipments, one per tracking number of each fulfillment, by ``displayStatus``: LABEL_PRINTED,
  LABEL_PURCHASED, CONFIRMED, SUBMITTED, FULFILLED, MARKED_AS_FULFILLED -> info_received;
  CARRIER_PICKED_UP, IN_TRANSIT -> in_transit; OUT_FOR_DELIVERY -> out_for_delivery;
  ATTEMPTED_DELIVERY -> attempt_fail; READY_FOR_PICKUP -> available_for_pickup; DELIVERED,
  PICKED_UP -> delivered; FAILURE, NOT_DELIVERED, DELAYED (the carrier reports a problem) ->
  exception; with no display status, the fulfillment's own status (OPEN/PENDING -> pending,
  FAILURE/ERROR -> exception, else info_received). CANCELED and LABEL_VOIDED fulfillments (or status
  CANCELLED) send nothing and are left out. The last event is the latest by ``happenedAt`` of the
  five newest events: its message (or its status when there is none), city and country.
- Refunds: ``totalRefundedSet`` at ``createdAt``; succeeded unless its transactions say pending or
  all failed. Shopify has no expected date, so ``expected_by`` is None.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import httpx

from bot.policy.orders import (
    CAPABILITIES,
    Item,
    Order,
    OrderSummary,
    Payment,
    Refund,
    Shipment,
    ShopHealth,
    TrackingEvent,
)
from bot.shop.backend import LOOKUP_TIMEOUT_SECONDS, OrderNotFound, ShopUnavailable
from bot.shop.contacts import MIN_PHONE_DIGITS, phone_digits, same_email, same_phone

Node = Mapping[str, Any]

ORDERS_PAGE_SIZE = 10
MAX_PAGES = 5
"""``orders()`` reads at most this many pages, so one customer's history never costs more than a few calls."""
MONEY = "presentmentMoney { amount currencyCode }"
SUMMARY_FIELDS = f"""name email phone createdAt cancelledAt displayFinancialStatus displayFulfillmentStatus
  shippingAddress {{ phone }} currentTotalPriceSet {{ {MONEY} }} fulfillments(first: 10) {{ status displayStatus }}"""
ORDER_FIELDS = f"""name email phone createdAt updatedAt cancelledAt statusPageUrl
  displayFinancialStatus displayFulfillmentStatus shippingAddress {{ phone }} currentTotalPriceSet {{ {MONEY} }}
  lineItems(first: 30) {{ nodes {{ name quantity }} }}
  transactions(first: 20) {{ id kind status createdAt processedAt amountSet {{ {MONEY} }} parentTransaction {{ id }} }}
  fulfillments(first: 10) {{ status displayStatus estimatedDeliveryAt trackingInfo(first: 3) {{ company number url }}
    events(first: 5, reverse: true) {{ nodes {{ happenedAt message city country status }} }} }}
  refunds(first: 10) {{ createdAt totalRefundedSet {{ {MONEY} }} transactions(first: 3) {{ nodes {{ status }} }} }}"""
ORDER_BY_NAME = f"""query OrderByName($query: String!) {{
  orders(first: 3, query: $query) {{ nodes {{ {ORDER_FIELDS} }} }}
}}"""
ORDERS_BY_CONTACT = f"""query OrdersByContact($query: String!, $first: Int!, $after: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT, reverse: true) {{
    nodes {{ {SUMMARY_FIELDS} }} pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
HEALTH = "query Health { shop { name } currentAppInstallation { accessScopes { handle } } }"

REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
ERROR_CODE = re.compile(r"[A-Za-z_]{1,40}")
PENDING = {"PENDING", "AWAITING_RESPONSE"}
FAILED = {"FAILURE", "ERROR"}
SHIPMENT_STATUS = {
    **dict.fromkeys(("LABEL_PRINTED", "LABEL_PURCHASED", "CONFIRMED", "SUBMITTED", "FULFILLED", "MARKED_AS_FULFILLED"),
                    "info_received"),
    "CARRIER_PICKED_UP": "in_transit", "IN_TRANSIT": "in_transit", "OUT_FOR_DELIVERY": "out_for_delivery",
    "ATTEMPTED_DELIVERY": "attempt_fail", "READY_FOR_PICKUP": "available_for_pickup",
    "DELIVERED": "delivered", "PICKED_UP": "delivered",
    "FAILURE": "exception", "NOT_DELIVERED": "exception", "DELAYED": "exception",
}
NO_PARCEL = {"CANCELED", "LABEL_VOIDED"}
"""Display statuses of a fulfillment that sends nothing (with fulfillment status CANCELLED)."""


class ShopifyShop:
    """A ``ShopBackend`` over one shop's Admin GraphQL API; every call is bounded by ``timeout`` as a whole."""

    name = "shopify"

    def __init__(self, url: str, token: str, timeout: float = LOOKUP_TIMEOUT_SECONDS,
                 client: httpx.AsyncClient | None = None, api_version: str = "2025-01") -> None:
        self._endpoint = f"{url.rstrip('/')}/admin/api/{api_version}/graphql.json"
        self._headers = {"X-Shopify-Access-Token": token, "Content-Type": "application/json"}
        self._timeout, self._api_version = timeout, api_version
        self._owns_client = client is None
        self._client = client if client is not None else httpx.AsyncClient()

    async def health(self) -> ShopHealth:
        async with self._deadline():
            data = await self._query(HEALTH, {})
        scopes = {_str(scope, "handle") for scope in _list(_obj(data, "currentAppInstallation"), "accessScopes")}
        if not scopes & {"read_orders", "write_orders"}:
            raise ShopUnavailable("the Shopify app lacks the read_orders scope")
        extra = ("all_orders",) if "read_all_orders" in scopes else ()
        return ShopHealth(version=f"shopify {self._api_version}", capabilities=CAPABILITIES + extra)

    async def orders(self, contact: str, limit: int = 5) -> tuple[OrderSummary, ...]:
        """The customer's most recent orders, newest first, following Shopify's pages until ``limit`` are theirs."""
        search = _contact_search(contact)
        if search is None or limit <= 0:
            return ()
        found: list[OrderSummary] = []
        after: str | None = None
        async with self._deadline():
            for _ in range(MAX_PAGES):
                page = _obj(await self._query(ORDERS_BY_CONTACT, {"query": search, "first": ORDERS_PAGE_SIZE,
                                                                  "after": after}), "orders")
                found += [_summary(node) for node in _list(page, "nodes") if _contact_matches(node, contact)]
                info = _obj(page, "pageInfo")
                after = _str(info, "endCursor")
                if len(found) >= limit or info.get("hasNextPage") is not True or after is None:
                    break
        return tuple(found[:limit])

    async def order(self, ref: str, contact: str) -> Order:
        node = await self._order_node(ref, contact)
        total, currency = _money(node, "currentTotalPriceSet")
        items = tuple(Item(_required_str(item, "name"), _int(item, "quantity"))
                      for item in _list(_obj(node, "lineItems"), "nodes"))
        return Order(ref=_ref_of(node), status=_order_status(node), placed_at=_required_when(node, "createdAt"),
                     updated_at=_when(node, "updatedAt"), currency=currency, total=total, items=items,
                     payments=_payments(_list(node, "transactions")), status_page_url=_str(node, "statusPageUrl"))

    async def shipments(self, ref: str, contact: str) -> tuple[Shipment, ...]:
        return tuple(shipment for fulfillment in _list(await self._order_node(ref, contact), "fulfillments")
                     for shipment in _shipments(fulfillment))

    async def refunds(self, ref: str, contact: str) -> tuple[Refund, ...]:
        return tuple(_refund(refund) for refund in _list(await self._order_node(ref, contact), "refunds"))

    async def close(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _order_node(self, ref: str, contact: str) -> Node:
        """The order named ``ref`` if ``contact`` is on it; ``OrderNotFound`` alike for no order and a wrong contact."""
        name = ref.strip().removeprefix("#").strip()
        if not REF.fullmatch(name):
            raise OrderNotFound()
        async with self._deadline():
            data = await self._query(ORDER_BY_NAME, {"query": f"name:{name}"})
        for node in _list(_obj(data, "orders"), "nodes"):
            if _ref_of(node).casefold() == name.casefold() and _contact_matches(node, contact):
                return node
        raise OrderNotFound()

    @contextlib.asynccontextmanager
    async def _deadline(self) -> AsyncIterator[None]:
        try:
            async with asyncio.timeout(self._timeout):
                yield
        except TimeoutError:
            raise ShopUnavailable("timeout") from None

    async def _query(self, query: str, variables: Mapping[str, Any]) -> Node:
        """The ``data`` of one GraphQL call, or ``ShopUnavailable`` saying what kind of failure it was."""
        try:
            response = await self._client.post(self._endpoint, headers=self._headers, timeout=self._timeout,
                                               json={"query": query, "variables": dict(variables)})
        except httpx.TimeoutException:
            raise ShopUnavailable("timeout") from None
        except httpx.HTTPError as error:
            raise ShopUnavailable(f"connection failed ({type(error).__name__})") from None
        _raise_for_status(response.status_code)
        try:
            body = response.json()
        except ValueError:
            raise ShopUnavailable("Shopify's reply is not JSON") from None
        if not isinstance(body, dict):
            raise ShopUnavailable("Shopify's reply is not a GraphQL response")
        if body.get("errors"):
            raise ShopUnavailable(_error_kind(body["errors"]))
        return _obj(body, "data")


def _raise_for_status(status: int) -> None:
    if status == 401:
        raise ShopUnavailable("Shopify rejected the access token (401): check CANDOR_SHOP_TOKEN")
    if status == 403:
        raise ShopUnavailable("Shopify refused access (403): the app needs the read_orders scope")
    if status == 429:
        raise ShopUnavailable("throttled")
    if status == 404:
        raise ShopUnavailable("no Shopify Admin API here (404): check CANDOR_SHOP_URL and the API version")
    if status != 200:
        raise ShopUnavailable(f"Shopify answered HTTP {status}")


def _error_kind(errors: Any) -> str:
    """What kind of GraphQL error this is, from its code only: the message may quote the query or a customer."""
    codes = [error.get("extensions", {}).get("code") for error in errors if isinstance(error, dict)] \
        if isinstance(errors, list) else []
    if "THROTTLED" in codes:
        return "throttled"
    if "ACCESS_DENIED" in codes:
        return "access denied: the Shopify app needs the read_orders scope"
    kind = next((code for code in codes if isinstance(code, str) and ERROR_CODE.fullmatch(code)), "unknown")
    return f"Shopify answered with a GraphQL error ({kind})"


def _contact_search(contact: str) -> str | None:
    """Shopify's search term for the contact (quotes and backslashes dropped: the value is the customer's text)."""
    value = re.sub(r'["\\\s]', "", contact)
    if "@" in value:
        return f'email:"{value}"'
    digits = phone_digits(value)
    return f'phone:"+{digits}"' if len(digits) >= MIN_PHONE_DIGITS else None


def _contact_matches(node: Node, contact: str) -> bool:
    if "@" in contact:
        return same_email(_str(node, "email"), contact)
    address = node.get("shippingAddress")
    phones = [_str(node, "phone"), _str(address, "phone") if isinstance(address, Mapping) else None]
    return any(same_phone(phone, contact) for phone in phones)


def _summary(node: Node) -> OrderSummary:
    total, currency = _money(node, "currentTotalPriceSet")
    return OrderSummary(ref=_ref_of(node), status=_order_status(node), placed_at=_required_when(node, "createdAt"),
                        total=total, currency=currency)


def _ref_of(node: Node) -> str:
    return _required_str(node, "name").removeprefix("#")


def _order_status(node: Node) -> str:
    financial, fulfillment = _str(node, "displayFinancialStatus"), _str(node, "displayFulfillmentStatus")
    if _str(node, "cancelledAt") is not None:
        return "cancelled"
    if financial in ("REFUNDED", "PARTIALLY_REFUNDED"):
        return financial.lower()
    if fulfillment == "ON_HOLD":
        return "on_hold"
    if fulfillment == "FULFILLED":
        parcels = [_str(f, "displayStatus") for f in _list(node, "fulfillments") if _is_parcel(f)]
        delivered = bool(parcels) and all(status in ("DELIVERED", "PICKED_UP") for status in parcels)
        return "delivered" if delivered else "shipped"
    if fulfillment == "PARTIALLY_FULFILLED":
        return "partially_shipped"
    if financial in ("PENDING", "PARTIALLY_PAID", "EXPIRED", "VOIDED"):
        return "pending_payment"
    if fulfillment in ("IN_PROGRESS", "PENDING_FULFILLMENT", "SCHEDULED", "REQUEST_DECLINED"):
        return "processing"
    return "paid"


def _payments(transactions: Sequence[Node]) -> tuple[Payment, ...]:
    """One payment per charge; an authorization that a capture or void settled is not a hold any more."""
    settled = {_str(_obj(tx, "parentTransaction"), "id") for tx in transactions
               if _str(tx, "kind") in ("CAPTURE", "VOID") and _str(tx, "status") == "SUCCESS"
               and tx.get("parentTransaction") is not None}
    payments = []
    for tx in transactions:
        kind, status = _str(tx, "kind"), _str(tx, "status")
        if kind in ("AUTHORIZATION", "EMV_AUTHORIZATION") and _str(tx, "id") in settled:
            continue
        mapped = _payment_status(kind, status)
        if mapped is not None:
            amount, currency = _money(tx, "amountSet")
            payments.append(Payment(amount, currency, mapped, _when(tx, "processedAt") or _when(tx, "createdAt")))
    return tuple(payments)


def _payment_status(kind: str | None, status: str | None) -> str | None:
    if kind in ("SALE", "CAPTURE", "AUTHORIZATION", "EMV_AUTHORIZATION"):
        if status in FAILED:
            return "failed"
        if status in PENDING or (status == "SUCCESS" and kind not in ("SALE", "CAPTURE")):
            return "pending"
        return "settled" if status == "SUCCESS" else None
    return "refunded" if kind == "REFUND" and status == "SUCCESS" else None


def _shipments(fulfillment: Node) -> tuple[Shipment, ...]:
    if not _is_parcel(fulfillment):
        return ()
    display, status = _str(fulfillment, "displayStatus"), _str(fulfillment, "status")
    if display in SHIPMENT_STATUS:
        mapped = SHIPMENT_STATUS[display]
    else:
        mapped = "exception" if status in FAILED else "pending" if status in ("OPEN", "PENDING") else "info_received"
    events = [event for event in _list(_obj(fulfillment, "events"), "nodes") if _when(event, "happenedAt")]
    latest = max(events, key=lambda event: _required_when(event, "happenedAt"), default=None)
    last_event = None if latest is None else TrackingEvent(
        at=_when(latest, "happenedAt"),
        text=_str(latest, "message") or (_str(latest, "status") or "").replace("_", " ").lower(),
        place=", ".join(part for part in (_str(latest, "city"), _str(latest, "country")) if part) or None)
    trackings: Sequence[Node | None] = _list(fulfillment, "trackingInfo") or [None]
    return tuple(Shipment(carrier=_str(tracking, "company") if tracking else None,
                          tracking_number=_str(tracking, "number") if tracking else None,
                          tracking_url=_str(tracking, "url") if tracking else None, status=mapped,
                          estimated_delivery=_when(fulfillment, "estimatedDeliveryAt"), last_event=last_event)
                 for tracking in trackings)


def _is_parcel(fulfillment: Node) -> bool:
    return _str(fulfillment, "displayStatus") not in NO_PARCEL and _str(fulfillment, "status") != "CANCELLED"


def _refund(refund: Node) -> Refund:
    amount, currency = _money(refund, "totalRefundedSet")
    statuses = {_str(tx, "status") for tx in _list(_obj(refund, "transactions"), "nodes")}
    if not statuses or "SUCCESS" in statuses:
        status = "succeeded"
    else:
        status = "pending" if statuses & PENDING else "failed" if statuses <= FAILED else "succeeded"
    return Refund(amount, currency, status, created_at=_when(refund, "createdAt"), expected_by=None)


def _unexpected(where: str) -> ShopUnavailable:
    return ShopUnavailable(f"Shopify's reply is not shaped as expected ({where})")


def _obj(node: Any, key: str) -> Node:
    value = node.get(key) if isinstance(node, Mapping) else None
    if not isinstance(value, Mapping):
        raise _unexpected(key)
    return value


def _list(node: Node, key: str) -> list[Node]:
    value = node.get(key)
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise _unexpected(key)
    return value


def _str(node: Any, key: str) -> str | None:
    value = node.get(key) if isinstance(node, Mapping) else None
    if value is not None and not isinstance(value, str):
        raise _unexpected(key)
    return value


def _required_str(node: Node, key: str) -> str:
    value = _str(node, key)
    if value is None:
        raise _unexpected(key)
    return value


def _int(node: Node, key: str) -> int:
    value = node.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _unexpected(key)
    return value


def _when(node: Node, key: str) -> dt.datetime | None:
    value = _str(node, key)
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _unexpected(key) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _required_when(node: Node, key: str) -> dt.datetime:
    moment = _when(node, key)
    if moment is None:
        raise _unexpected(key)
    return moment


def _money(node: Node, key: str) -> tuple[str, str]:
    money = _obj(_obj(node, key), "presentmentMoney")
    return _required_str(money, "amount"), _required_str(money, "currencyCode")
