"""The ``http`` backend: any service that implements the contract in docs/shop-api.yaml.

One GET per question, with the shop's token as a Bearer header and the customer's contact as a
query parameter (URL-encoded, so the ``+`` of an E.164 phone arrives as ``+``). Every way the
service can fail to answer becomes ``ShopUnavailable`` with a short reason that names no customer
and no token, and a whole call, however the bytes trickle in, ends within ``timeout`` seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

import httpx

from bot.policy.orders import Order, OrderSummary, Refund, Shipment, ShopHealth
from bot.shop.backend import LOOKUP_TIMEOUT_SECONDS, OrderNotFound, ShopUnavailable
from bot.shop.contract import (
    ContractError,
    parse_health,
    parse_order,
    parse_order_list,
    parse_refunds,
    parse_shipments,
)

T = TypeVar("T")


class HttpShop:
    """A ShopBackend over HTTP. Pass ``client`` to share a connection pool; the caller then closes it."""

    name = "http"

    def __init__(self, url: str, token: str | None, timeout: float = LOOKUP_TIMEOUT_SECONDS,
                 client: httpx.AsyncClient | None = None) -> None:
        self._base = url.rstrip("/")
        self._headers = {"Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._timeout = timeout
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def health(self) -> ShopHealth:
        return await self._get("/v1/health", {}, parse_health, order_call=False)

    async def orders(self, contact: str, limit: int = 5) -> tuple[OrderSummary, ...]:
        return await self._get("/v1/orders", {"contact": contact, "limit": str(limit)}, parse_order_list,
                               order_call=False)

    async def order(self, ref: str, contact: str) -> Order:
        return await self._get(_order_path(ref), {"contact": contact}, parse_order)

    async def shipments(self, ref: str, contact: str) -> tuple[Shipment, ...]:
        return await self._get(_order_path(ref) + "/shipments", {"contact": contact}, parse_shipments)

    async def refunds(self, ref: str, contact: str) -> tuple[Refund, ...]:
        return await self._get(_order_path(ref) + "/refunds", {"contact": contact}, parse_refunds)

    async def close(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def _get(self, path: str, params: dict[str, str], parse: Callable[[object], T], *,
                   order_call: bool = True) -> T:
        """One call: the facts, ``OrderNotFound`` for an order call's 404, or ``ShopUnavailable``."""
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._client.get(self._base + path, params=params, headers=self._headers,
                                                  timeout=self._timeout)
        except (TimeoutError, httpx.TimeoutException):
            raise ShopUnavailable(f"the shop did not answer within {self._timeout:g} s") from None
        except httpx.HTTPError as error:
            raise ShopUnavailable(f"could not reach the shop ({type(error).__name__})") from None
        _check_status(response.status_code, order_call)
        try:
            return parse(response.json())
        except ContractError as error:
            raise ShopUnavailable(f"reply not shaped like the contract: {error}") from None
        except ValueError:
            raise ShopUnavailable("reply not shaped like the contract: not JSON") from None


def _order_path(ref: str) -> str:
    return "/v1/orders/" + quote(ref.strip().removeprefix("#"), safe="")


def _check_status(status: int, order_call: bool) -> None:
    """Turn every answer but 200 into the error the bot acts on."""
    if status == 200:
        return
    if status == 404 and order_call:
        raise OrderNotFound("no such order, or not with that contact")
    if status in (401, 403):
        raise ShopUnavailable(f"the shop refused the token ({status}); check CANDOR_SHOP_TOKEN")
    if status == 429:
        raise ShopUnavailable("the shop is rate-limiting lookups (429)")
    if status >= 500:
        raise ShopUnavailable(f"the shop had an error ({status})")
    if status == 404:
        raise ShopUnavailable("no shop contract at this address (404); check CANDOR_SHOP_URL")
    raise ShopUnavailable(f"unexpected answer from the shop ({status})")
