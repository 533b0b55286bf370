"""WooCommerce as a shop backend: REST API v3 orders and refunds, plus the Shipment Tracking extension.

The store is read with a REST API key (``CANDOR_SHOP_TOKEN`` is ``ck_…:cs_…``), sent as HTTP Basic auth,
which WooCommerce accepts over HTTPS only. Every call is a GET; a key with Read permission is enough.

Finding the customer's order. The reference a customer sees is the order's ``number``: it equals the
``id`` unless a sequential-numbers plugin renumbers orders. A leading '#' is dropped; a numeric reference
is first read as an id (``/orders/{id}``) and kept only if that order's ``number`` is the reference;
otherwise ``/orders?search=ref`` is read and only an exact ``number`` counts. The order is the customer's
when the contact matches its billing details:

- an email matches ``billing.email`` ignoring case;
- a phone is compared as digits after dropping spaces, dashes, dots, slashes and brackets. A stored
  phone with a '+' or '00' prefix must equal the customer's E.164 digits. A stored phone without one is
  national or lacks its '+' (WooCommerce does not normalise it, and the country code cannot be resolved
  without a numbering plan): it matches when its digits equal the customer's, or when, less one leading
  trunk '0', at least 7 digits remain and the customer's number is those digits after a 1–3 digit
  country code.

No order, or a contact that does not match, is ``OrderNotFound`` alike: nothing says which.
``orders(contact)`` searches by the contact (a phone by its digits, so a phone stored with spaces is not
found by WooCommerce's substring search) and follows ``page=2…`` up to ``X-WP-TotalPages``.

How WooCommerce's data maps to the contract:

- order status: pending, failed and checkout-draft -> pending_payment; processing -> processing;
  on-hold -> on_hold; completed -> shipped (WooCommerce and the Shipment Tracking extension never say a
  parcel arrived); cancelled -> cancelled; refunded -> refunded. The statuses Advanced Shipment Tracking
  adds are read too: shipped -> shipped, partial-shipped -> partially_shipped, delivered -> delivered
  (the only way an order reads as delivered). A paid order (processing, on_hold, shipped, partially
  shipped, delivered) with refunds becomes partially_refunded while the refunds sum to less than
  ``total``, refunded once they reach it. Any other status (a plugin's own) is unavailable, not guessed.
- payments: WooCommerce keeps one payment per order, of ``total``: failed for a failed order; refunded
  when the order is fully refunded; settled once ``date_paid_gmt`` is set (its time); otherwise pending,
  except a cancelled or draft order that was never paid, which has no payment.
- shipments: one per item of the Shipment Tracking extension (carrier from ``tracking_provider``, or
  ``custom_tracking_provider`` where a store exposes it); info_received until its ``date_shipped`` (the
  store's date, compared with today in UTC), in_transit from that day on. The extension keeps no scans or
  estimates, so ``last_event`` and ``estimated_delivery`` are None. Without the extension (its route answers
  WordPress's ``rest_no_route`` 404) an order has no shipments and ``health()`` leaves "shipments" out.
- refunds: from ``/orders/{id}/refunds``; WooCommerce records a refund once it is made, so each is
  succeeded, created at ``date_created_gmt``, its ``amount`` positive, ``expected_by`` None.
- times: WooCommerce's ``*_gmt`` fields carry no offset; they are read as UTC.

Errors: 401/403 (the key), 429, 5xx, timeouts, unreachable hosts and replies not shaped like WooCommerce's
documented JSON are ``ShopUnavailable``; WooCommerce's own "invalid order id" 404 is ``OrderNotFound``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncGenerator, Callable, Mapping
from contextlib import aclosing
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import httpx

from bot.policy.orders import CAPABILITIES, Item, Order, OrderSummary, Payment, Refund, Shipment, ShopHealth
from bot.shop.backend import LOOKUP_TIMEOUT_SECONDS, OrderNotFound, ShopUnavailable
from bot.shop.contacts import same_email

T = TypeVar("T")
JsonObject = Mapping[str, object]

API = "/wp-json/wc/v3"
ORDERS = f"{API}/orders"
TRACKING = "/wp-json/wc-shipment-tracking/v3"
PAGE_SIZE = 20
MAX_PAGES = 10
"""Search pages read at most: a contact with more orders than this is past what a chat needs."""
ORDER_NOT_FOUND_CODES = frozenset({
    "woocommerce_rest_shop_order_invalid_id",  # wc/v3 orders
    "woocommerce_rest_order_invalid_id",  # the Shipment Tracking extension
})
ORDER_STATUSES = {
    "pending": "pending_payment", "failed": "pending_payment", "checkout-draft": "pending_payment",
    "processing": "processing", "on-hold": "on_hold", "completed": "shipped", "cancelled": "cancelled",
    "refunded": "refunded",
    # Advanced Shipment Tracking's own order statuses.
    "shipped": "shipped", "partial-shipped": "partially_shipped", "delivered": "delivered",
}
PAID_STATUSES = frozenset({"processing", "on_hold", "shipped", "partially_shipped", "delivered"})
PHONE_PUNCTUATION = re.compile(r"[\s\-./()\u00a0]")


class _NoRoute(Exception):
    """WordPress has no such route: the extension behind it is not installed."""


class WooCommerceShop:
    """Orders, parcels and refunds read from a WooCommerce store's REST API."""

    name = "woocommerce"

    def __init__(self, url: str, token: str, timeout: float = LOOKUP_TIMEOUT_SECONDS,
                 client: httpx.AsyncClient | None = None,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        key, separator, secret = token.partition(":")
        if not (key and separator and secret):
            raise ValueError("the WooCommerce token must be consumer_key:consumer_secret (ck_…:cs_…)")
        self._base = url.rstrip("/")
        self._auth = httpx.BasicAuth(key, secret)
        self._timeout = timeout
        self._own_client = client is None
        self._client = client if client is not None else httpx.AsyncClient()
        self._clock = clock

    async def health(self) -> ShopHealth:
        await self._get(ORDERS, {"per_page": 1})
        found = {"orders", "refunds"}
        try:
            await self._get(TRACKING, optional=True)
        except _NoRoute:
            pass
        else:
            found.add("shipments")
        return ShopHealth("woocommerce v3", tuple(kind for kind in CAPABILITIES if kind in found))

    async def orders(self, contact: str, limit: int = 5) -> tuple[OrderSummary, ...]:
        term = contact.strip() if "@" in contact else _phone_digits(contact)[1]
        if limit <= 0 or not term:
            return ()
        found: list[OrderSummary] = []
        async with aclosing(self._pages(ORDERS, {"search": term})) as pages:
            async for order in pages:
                if _contact_matches(order, contact):
                    found.append(_summary(order))
                if len(found) == limit:
                    break
        return tuple(found)

    async def order(self, ref: str, contact: str) -> Order:
        return _order(await self._owned_order(ref, contact))

    async def shipments(self, ref: str, contact: str) -> tuple[Shipment, ...]:
        order = await self._owned_order(ref, contact)
        try:
            path = f"{TRACKING}/orders/{_required(order, 'id', int)}/shipment-trackings"
            body, _ = await self._get(path, optional=True)
        except _NoRoute:
            return ()
        today = self._clock().astimezone(dt.UTC).date()
        return tuple(_shipment(_object(item), today) for item in _array(body))

    async def refunds(self, ref: str, contact: str) -> tuple[Refund, ...]:
        order = await self._owned_order(ref, contact)
        currency = _required(order, "currency", str)
        path = f"{ORDERS}/{_required(order, 'id', int)}/refunds"
        async with aclosing(self._pages(path, {})) as pages:
            return tuple([_refund(refund, currency) async for refund in pages])

    async def close(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def _owned_order(self, ref: str, contact: str) -> JsonObject:
        """The order numbered ``ref`` whose billing details match ``contact``, else ``OrderNotFound``."""
        wanted = ref.strip().removeprefix("#").strip()
        if wanted.isascii() and wanted.isdigit():
            try:
                body, _ = await self._get(f"{ORDERS}/{wanted}")
            except OrderNotFound:
                pass
            else:
                order = _object(body)
                if _number(order) == wanted and _contact_matches(order, contact):
                    return order
        if wanted:
            async with aclosing(self._pages(ORDERS, {"search": wanted})) as pages:
                async for order in pages:
                    if _number(order) == wanted and _contact_matches(order, contact):
                        return order
        raise OrderNotFound()

    async def _pages(self, path: str, params: Mapping[str, str | int]) -> AsyncGenerator[JsonObject, None]:
        """Every object of a paginated collection, reading ``page=2…`` while ``X-WP-TotalPages`` says more."""
        page, pages = 1, 1
        while page <= min(pages, MAX_PAGES):
            body, headers = await self._get(path, {**params, "per_page": PAGE_SIZE, "page": page})
            for item in _array(body):
                yield _object(item)
            total_pages = headers.get("X-WP-TotalPages", "1")
            pages = int(total_pages) if total_pages.isdigit() else 1
            page += 1

    async def _get(self, path: str, params: Mapping[str, str | int] | None = None,
                   optional: bool = False) -> tuple[object, httpx.Headers]:
        """One GET, its JSON body and headers; every way it can fail becomes the contract's two errors, except a
        missing ``optional`` route (an extension that is not installed): ``_NoRoute``."""
        try:
            response = await self._client.get(self._base + path, params=params, auth=self._auth,
                                              timeout=self._timeout, headers={"Accept": "application/json"})
        except httpx.TimeoutException as error:
            raise ShopUnavailable(f"WooCommerce did not answer within {self._timeout:g} s") from error
        except httpx.RequestError as error:
            raise ShopUnavailable(f"WooCommerce could not be reached ({type(error).__name__})") from error
        status = response.status_code
        if status in (401, 403):
            raise ShopUnavailable(f"WooCommerce refused the consumer key ({status}): check that CANDOR_SHOP_TOKEN "
                                  "is a REST API key ck_…:cs_… with Read permission, used over HTTPS")
        if status == 429:
            raise ShopUnavailable("WooCommerce is limiting requests (429)")
        if status >= 500:
            raise ShopUnavailable(f"WooCommerce failed ({status})")
        try:
            body: object = response.json()
        except ValueError as error:
            raise ShopUnavailable(f"WooCommerce answered {status} with something that is not JSON") from error
        if status == 404 and isinstance(body, dict):
            if body.get("code") in ORDER_NOT_FOUND_CODES:
                raise OrderNotFound()
            if body.get("code") == "rest_no_route":
                if optional:
                    raise _NoRoute(path)
                raise ShopUnavailable("no WooCommerce REST API at this address (rest_no_route)")
        if status != 200:
            raise ShopUnavailable(f"WooCommerce answered {status}")
        return body, response.headers


def _contact_matches(order: JsonObject, contact: str) -> bool:
    billing = _object(order.get("billing", {}))
    if "@" in contact:
        email = billing.get("email")
        return isinstance(email, str) and same_email(email, contact)
    phone = billing.get("phone")
    return isinstance(phone, str) and _phones_match(phone, contact)


def _phones_match(stored: str, contact: str) -> bool:
    """Whether a phone as the shop stored it is the customer's E.164 number (see the module's docstring)."""
    stored_international, stored_digits = _phone_digits(stored)
    given_digits = _phone_digits(contact)[1]
    if len(stored_digits) < 7 or len(given_digits) < 8:
        return False
    if stored_international or stored_digits == given_digits:
        return stored_digits == given_digits
    national = stored_digits.removeprefix("0")
    return len(national) >= 7 and given_digits.endswith(national) and 1 <= len(given_digits) - len(national) <= 3


def _phone_digits(phone: str) -> tuple[bool, str]:
    """Whether a phone carries its country code ('+' or '00'), and its digits after that prefix ("" if it is not
    a phone number)."""
    compact = PHONE_PUNCTUATION.sub("", phone)
    if compact.startswith("+"):
        international, digits = True, compact[1:]
    elif compact.startswith("00"):
        international, digits = True, compact[2:]
    else:
        international, digits = False, compact
    return international, digits if digits.isascii() and digits.isdigit() else ""


def _summary(order: JsonObject) -> OrderSummary:
    return OrderSummary(_number(order), _status(order), _time(order, "date_created_gmt"),
                        _required(order, "total", str), _required(order, "currency", str))


def _order(order: JsonObject) -> Order:
    items = tuple(Item(_required(line, "name", str), _required(line, "quantity", int))
                  for line in map(_object, _array(order.get("line_items", []))))
    return Order(ref=_number(order), status=_status(order), placed_at=_time(order, "date_created_gmt"),
                 updated_at=_optional_time(order, "date_modified_gmt"), currency=_required(order, "currency", str),
                 total=_required(order, "total", str), items=items, payments=_payments(order))


def _status(order: JsonObject) -> str:
    raw = _required(order, "status", str)
    status = ORDER_STATUSES.get(raw)
    if status is None:
        raise ShopUnavailable(f"WooCommerce order status {raw!r} has no meaning in the contract")
    refunded, total = _refunded(order), _money(_required(order, "total", str))
    if status in PAID_STATUSES and refunded > 0:
        return "refunded" if refunded >= total else "partially_refunded"
    return status


def _payments(order: JsonObject) -> tuple[Payment, ...]:
    raw = _required(order, "status", str)
    total = _required(order, "total", str)
    paid_at = _optional_time(order, "date_paid_gmt")
    refunded = _refunded(order)
    if raw == "failed":
        status = "failed"
    elif raw == "refunded" or refunded >= _money(total) > 0:
        status = "refunded"
    elif paid_at is not None:
        status = "settled"
    elif raw in ("cancelled", "checkout-draft"):
        return ()
    else:
        status = "pending"
    return (Payment(total, _required(order, "currency", str), status, paid_at),)


def _refunded(order: JsonObject) -> Decimal:
    """What the order's refunds add up to (WooCommerce lists each with a negative ``total``)."""
    refunds = map(_object, _array(order.get("refunds", [])))
    return sum((abs(_money(_required(refund, "total", str))) for refund in refunds), Decimal(0))


def _shipment(item: JsonObject, today: dt.date) -> Shipment:
    shipped_on = _shipped_on(item.get("date_shipped"))
    carrier = _optional(item, "tracking_provider", str) or _optional(item, "custom_tracking_provider", str)
    return Shipment(carrier=carrier, tracking_number=_optional(item, "tracking_number", str),
                    tracking_url=_optional(item, "tracking_link", str),
                    status="in_transit" if shipped_on is not None and shipped_on <= today else "info_received")


def _shipped_on(value: object) -> dt.date | None:
    """The extension's ``date_shipped``: "Y-m-d" in its REST answers (a Unix time in its stored meta)."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            return dt.datetime.fromtimestamp(value, dt.UTC).date()
        if isinstance(value, str):
            return dt.date.fromisoformat(value[:10])
    except (ValueError, OverflowError, OSError):
        pass
    raise _malformed("date_shipped")


def _refund(refund: JsonObject, currency: str) -> Refund:
    amount = _money(_required(refund, "amount", str))
    return Refund(str(abs(amount)), currency, "succeeded", created_at=_optional_time(refund, "date_created_gmt"))


def _number(order: JsonObject) -> str:
    number = order.get("number")
    if isinstance(number, int) and not isinstance(number, bool):
        return str(number)
    if not isinstance(number, str) or not number:
        raise _malformed("number")
    return number


def _money(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation as error:
        raise _malformed("an amount") from error
    if not amount.is_finite():
        raise _malformed("an amount")
    return amount


def _time(data: JsonObject, key: str) -> dt.datetime:
    moment = _optional_time(data, key)
    if moment is None:
        raise _malformed(key)
    return moment


def _optional_time(data: JsonObject, key: str) -> dt.datetime | None:
    value = _optional(data, key, str)
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise _malformed(key) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _required(data: JsonObject, key: str, kind: type[T]) -> T:
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _malformed(key)
    return value


def _optional(data: JsonObject, key: str, kind: type[T]) -> T | None:
    """The field, or None where WooCommerce leaves it null or empty."""
    if data.get(key) in (None, ""):
        return None
    return _required(data, key, kind)


def _object(value: object) -> JsonObject:
    if not isinstance(value, dict):
        raise _malformed("an object")
    return value


def _array(value: object) -> list[object]:
    if not isinstance(value, list):
        raise _malformed("a list")
    return value


def _malformed(what: str) -> ShopUnavailable:
    return ShopUnavailable(f"WooCommerce answered in an unexpected shape ({what})")
