"""The built-in demo shop: the ``demo`` backend, answering in-process from ``demo_data``.

It keeps the contract's rules so the bot behaves as it will with a real shop: an order is shown
only to its own contact (the email in any letter case, or the phone as E.164 digits), and a
wrong contact looks exactly like a missing order. Its facts are labelled as demo data by the bot.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from bot.policy.orders import CAPABILITIES, Order, OrderSummary, Refund, Shipment, ShopHealth
from bot.shop.backend import OrderNotFound
from bot.shop.contacts import same_email, same_phone
from bot.shop.demo_data import DemoOrder, demo_order, demo_orders

DEMO_VERSION = "demo-1"


def contact_matches(contact: str, email: str, phone: str) -> bool:
    """Whether ``contact`` is this email (any letter case) or this phone (the same E.164 digits)."""
    text = contact.strip()
    if "@" in text:
        return same_email(email, text)
    return not re.search(r"[^\d\s()+.-]", text) and same_phone(phone, text)


class DemoShop:
    """The demo shop's 50 orders as they stand at ``now()``."""

    name = "demo"

    def __init__(self, now: Callable[[], dt.datetime]) -> None:
        self._now = now

    def _own(self, ref: str, contact: str) -> DemoOrder:
        found = demo_order(ref.strip().removeprefix("#"), self._now())
        if found is None or not contact_matches(contact, found.email, found.phone):
            raise OrderNotFound("no such order, or not with that contact")
        return found

    async def health(self) -> ShopHealth:
        return ShopHealth(version=DEMO_VERSION, capabilities=CAPABILITIES)

    async def orders(self, contact: str, limit: int = 5) -> tuple[OrderSummary, ...]:
        own = sorted((entry.order for entry in demo_orders(self._now())
                      if contact_matches(contact, entry.email, entry.phone)),
                     key=lambda order: order.placed_at, reverse=True)
        return tuple(OrderSummary(order.ref, order.status, order.placed_at, order.total, order.currency)
                     for order in own[:max(limit, 0)])

    async def order(self, ref: str, contact: str) -> Order:
        return self._own(ref, contact).order

    async def shipments(self, ref: str, contact: str) -> tuple[Shipment, ...]:
        return self._own(ref, contact).shipments

    async def refunds(self, ref: str, contact: str) -> tuple[Refund, ...]:
        return self._own(ref, contact).refunds

    async def close(self) -> None:
        """Nothing to release: the demo shop holds no connections."""
