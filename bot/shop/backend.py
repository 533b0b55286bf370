"""The one interface every shop backend implements, and the two ways a lookup can fail.

A backend answers in facts or raises: ``OrderNotFound`` is the contract's 404 (no such order,
*or* not with that contact: the shop never says which), and ``ShopUnavailable`` is anything
that left the bot without an answer (timeout, 429, 5xx, a reply that is not the contract), so
the customer hears that the bot could not check, never a guess.
"""

from __future__ import annotations

from typing import Protocol

from bot.policy.orders import Order, OrderSummary, Refund, Shipment, ShopHealth

LOOKUP_TIMEOUT_SECONDS = 5.0
"""The contract's limit for one call; slower is unavailable."""


class ShopError(Exception):
    """A lookup did not give facts."""


class OrderNotFound(ShopError):
    """404: the order does not exist or the contact does not match it."""


class ShopUnavailable(ShopError):
    """The shop could not answer now; ``reason`` is short and safe to log (no tokens, no contacts)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ShopBackend(Protocol):
    """Every call except ``health`` takes the customer's contact (an email, or a phone in E.164 form) and raises
    ``OrderNotFound`` unless the order is theirs."""

    name: str
    """"demo", "http", "shopify" or "woocommerce": said in logs, and the demo's answers are labelled."""

    async def health(self) -> ShopHealth: ...

    async def orders(self, contact: str, limit: int = 5) -> tuple[OrderSummary, ...]: ...

    async def order(self, ref: str, contact: str) -> Order: ...

    async def shipments(self, ref: str, contact: str) -> tuple[Shipment, ...]: ...

    async def refunds(self, ref: str, contact: str) -> tuple[Refund, ...]: ...

    async def close(self) -> None: ...
