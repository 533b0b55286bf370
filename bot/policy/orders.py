"""What the shop's data says about an order, as plain facts the policy can state (docs/shop-api.yaml).

Every backend (the demo shop, any service implementing the contract, Shopify, WooCommerce)
translates its answers into these types, so the policy words one set of facts. Money stays a
decimal string as the shop gave it, and times keep their offset: the bot states them, it does
not compute with them beyond comparing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from knowledge import forms

ORDER_STATUSES = forms.ORDER_STATUSES
"""An order's status (the wording has a line for each, so the tuple lives with the knowledge pack)."""

PAYMENT_STATUSES = ("pending", "settled", "refunded", "failed")
"""Two settled payments for one order are a real double charge; a pending one is a hold."""
SHIPMENT_STATUSES = ("pending", "info_received", "in_transit", "out_for_delivery", "attempt_fail", "delivered",
                     "available_for_pickup", "exception", "expired")
REFUND_STATUSES = ("pending", "succeeded", "failed")
CAPABILITIES = ("orders", "shipments", "refunds")
"""What a backend can look up (``GET /v1/health``'s ``capabilities``)."""


@dataclass(frozen=True)
class OrderSummary:
    ref: str
    status: str
    placed_at: dt.datetime
    total: str
    currency: str


@dataclass(frozen=True)
class Item:
    name: str
    quantity: int


@dataclass(frozen=True)
class Payment:
    amount: str
    currency: str
    status: str
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Order:
    ref: str
    status: str
    placed_at: dt.datetime
    updated_at: dt.datetime | None
    currency: str
    total: str
    items: tuple[Item, ...] = ()
    payments: tuple[Payment, ...] = ()
    status_page_url: str | None = None


@dataclass(frozen=True)
class TrackingEvent:
    at: dt.datetime | None
    text: str
    place: str | None = None


@dataclass(frozen=True)
class Shipment:
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    status: str
    estimated_delivery: dt.datetime | None = None
    last_event: TrackingEvent | None = None


@dataclass(frozen=True)
class Refund:
    amount: str
    currency: str
    status: str
    created_at: dt.datetime | None = None
    expected_by: dt.datetime | None = None


@dataclass(frozen=True)
class ShopHealth:
    version: str
    capabilities: tuple[str, ...]


@dataclass(frozen=True)
class LookupRequest:
    """The order the case needs looked up, with the contact the customer gave as proof it is theirs; with no
    ``ref``, the customer's recent orders (only for a phone number Telegram vouched for)."""

    ref: str
    contact: str
    kinds: tuple[str, ...] = ()
    """What besides the order itself: "shipments", "refunds"."""


@dataclass(frozen=True)
class OrderFacts:
    """What one lookup found. ``found`` False is the shop's 404: no such order, or not with that contact (the
    shop does not say which, so nothing leaks); ``unavailable`` is why the shop could not answer (a timeout,
    429, 5xx), so the bot says so instead of guessing."""

    request: LookupRequest
    checked_at: dt.datetime
    found: bool = False
    unavailable: str | None = None
    order: Order | None = None
    shipments: tuple[Shipment, ...] | None = None
    refunds: tuple[Refund, ...] | None = None
    orders: tuple[OrderSummary, ...] = ()
    """The contact's recent orders, for a request without a ``ref``."""
    source: str = "shop"
    """Which backend answered ("demo", "http", "shopify", "woocommerce"): the demo's facts are labelled as such."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """What went wrong in a part of the lookup that did answer (shipments timed out, say), for the log."""
