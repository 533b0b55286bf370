"""Looking an order up in the shop's data for a customer's turn: concurrent, bounded in time, cached briefly.

A turn that needs facts is decided twice (bot/service/turns.py): the first decision names the
order and the contact, this module fetches what the topic needs, and the turn is decided again
with the facts. The order, its parcels and its refunds are fetched at once; the whole lookup
never takes longer than the contract's timeout and a little slack, and its answer is kept for a
short while per conversation, so "and the refund?" a minute later does not ask the shop again.
Failures are facts too: "not found" (counted as a failed proof) and "unavailable" (said honestly).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from bot.policy.orders import LookupRequest, OrderFacts
from bot.shop.backend import LOOKUP_TIMEOUT_SECONDS, OrderNotFound, ShopBackend, ShopError, ShopUnavailable

logger = logging.getLogger(__name__)

CACHE_SECONDS = 120.0
"""How long one conversation's lookup is reused: long enough for the follow-up questions of one case, short
enough that a parcel scanned meanwhile shows up when the customer asks again later."""
CACHE_ENTRIES = 10_000
RECENT_ORDERS = 5
"""How many of a customer's orders are listed when they do not know the order's number."""
SLACK_SECONDS = 1.0
"""Beyond the backend's own timeout, before the lookup as a whole is given up (a backend that hangs past it)."""

T = TypeVar("T")


class OrderLookups:
    def __init__(self, shop: ShopBackend, now: Callable[[], dt.datetime], cache_seconds: float = CACHE_SECONDS,
                 timeout: float = LOOKUP_TIMEOUT_SECONDS + SLACK_SECONDS) -> None:
        self._shop = shop
        self._now = now
        self._cache_seconds = cache_seconds
        self._timeout = timeout
        self._cache: OrderedDict[tuple[int, LookupRequest], tuple[float, OrderFacts]] = OrderedDict()

    @property
    def shop_name(self) -> str:
        return self._shop.name

    async def facts(self, conversation_id: int, request: LookupRequest) -> OrderFacts:
        """What the shop says about the order for this conversation, from the cache when it is fresh."""
        key = (conversation_id, request)
        kept = self._cache.get(key)
        if kept is not None and kept[0] > time.monotonic():
            self._cache.move_to_end(key)
            return kept[1]
        started = time.perf_counter()
        facts = await self._fetch(request)
        elapsed = (time.perf_counter() - started) * 1000
        logger.info("order lookup conversation=%d backend=%s found=%s unavailable=%s ms=%.0f%s", conversation_id,
                    self._shop.name, facts.found, facts.unavailable or "-", elapsed,
                    f" notes={';'.join(facts.notes)}" if facts.notes else "")
        if facts.unavailable is None:
            self._cache[key] = (time.monotonic() + self._cache_seconds, facts)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return facts

    async def _fetch(self, request: LookupRequest) -> OrderFacts:
        checked = OrderFacts(request, self._now(), source=self._shop.name)
        ref, contact, kinds = request.ref, request.contact, request.kinds
        if not ref:
            try:
                async with asyncio.timeout(self._timeout):
                    listed = await _guarded(self._shop.orders(contact, RECENT_ORDERS))
            except TimeoutError:
                return replace(checked, unavailable="timed out")
            if isinstance(listed, ShopError):
                return replace(checked, found=False) if isinstance(listed, OrderNotFound) else replace(
                    checked, unavailable=_reason(listed))
            return replace(checked, found=bool(listed), orders=listed)
        try:
            async with asyncio.timeout(self._timeout):
                order, shipments, refunds = await asyncio.gather(
                    _guarded(self._shop.order(ref, contact)),
                    _guarded(self._shop.shipments(ref, contact)) if "shipments" in kinds else _nothing(),
                    _guarded(self._shop.refunds(ref, contact)) if "refunds" in kinds else _nothing())
        except TimeoutError:
            return replace(checked, unavailable="timed out")
        if isinstance(order, OrderNotFound):
            return replace(checked, found=False)
        if isinstance(order, ShopError):
            return replace(checked, unavailable=_reason(order))
        notes = [f"{name} {_reason(part)}" for name, part in (("shipments", shipments), ("refunds", refunds))
                 if isinstance(part, ShopError)]
        return replace(checked, found=True, order=order, notes=tuple(notes),
                       shipments=None if isinstance(shipments, ShopError) else shipments,
                       refunds=None if isinstance(refunds, ShopError) else refunds)


async def _guarded(call: Awaitable[T]) -> T | ShopError:
    """A call's result, or the shop's error that stands for it (any other error is a bug and goes up)."""
    try:
        return await call
    except ShopError as error:
        return error


async def _nothing() -> None:
    return None


def _reason(error: ShopError) -> str:
    if isinstance(error, ShopUnavailable):
        return error.reason
    return "not found" if isinstance(error, OrderNotFound) else type(error).__name__
