"""A local WooCommerce store on 127.0.0.1: REST API v3 orders and refunds, and the Shipment Tracking extension.

Its answers follow WooCommerce's documented examples (developer.woocommerce.com, REST API v3: orders, order
refunds; the extension's ``wc-shipment-tracking/v3`` controller): the same fields, GMT times without an offset,
money as strings, refunds listed on the order with a negative ``total``, ``X-WP-Total`` and
``X-WP-TotalPages`` on collections, WordPress's error bodies (``{"code", "message", "data": {"status"}}``).
Tests arrange orders with ``woo_order`` and turn the knobs (``answer_with``, ``stall``, ``tracking_installed``,
``garble``) to play a store that is failing.
"""

from __future__ import annotations

import asyncio
import base64
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.shop.demo_server import LoopbackServer

KEY = "ck_4f1c0de5a9b3"
SECRET = "cs_77e0b2a41d9f"
Json = dict[str, Any]
Handler = Callable[[Request], Awaitable[Response]]


def woo_error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": {"status": status}}, status_code=status)


def woo_order(id: int, *, number: str | None = None, status: str = "processing", email: str = "olga@example.com",
              phone: str = "+48 600 100 200", total: str = "29.35", currency: str = "EUR",
              created: str = "2026-11-20T09:28:02", paid: str | None = "2026-11-20T09:28:08",
              items: Sequence[tuple[str, int]] = (("Woo Single #1", 2),),
              refunds: Sequence[tuple[int, str]] = ()) -> Json:
    """An order as ``GET /wp-json/wc/v3/orders/{id}`` shows it; ``refunds`` are (id, amount) pairs."""
    return {
        "id": id, "parent_id": 0, "number": number or str(id), "order_key": f"wc_order_{id:013x}",
        "created_via": "checkout", "version": "9.4.2", "status": status, "currency": currency,
        "date_created": created, "date_created_gmt": created, "date_modified": created, "date_modified_gmt": created,
        "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": "10.00", "shipping_tax": "0.00",
        "cart_tax": "1.35", "total": total, "total_tax": "1.35", "prices_include_tax": False, "customer_id": 0,
        "customer_ip_address": "", "customer_user_agent": "", "customer_note": "",
        "billing": {"first_name": "Olga", "last_name": "Nowak", "company": "", "address_1": "ul. Prosta 1",
                    "address_2": "", "city": "Warszawa", "state": "", "postcode": "00-850", "country": "PL",
                    "email": email, "phone": phone},
        "shipping": {"first_name": "Olga", "last_name": "Nowak", "company": "", "address_1": "ul. Prosta 1",
                     "address_2": "", "city": "Warszawa", "state": "", "postcode": "00-850", "country": "PL"},
        "payment_method": "stripe", "payment_method_title": "Credit card (Stripe)",
        "transaction_id": "ch_3Pz" if paid else "", "date_paid": paid, "date_paid_gmt": paid,
        "date_completed": None, "date_completed_gmt": None, "cart_hash": "", "meta_data": [],
        "line_items": [{"id": 315 + index, "name": name, "product_id": 93 + index, "variation_id": 0,
                        "quantity": quantity, "tax_class": "", "subtotal": "6.00", "subtotal_tax": "0.45",
                        "total": "6.00", "total_tax": "0.45", "taxes": [], "meta_data": [], "sku": "", "price": 3}
                       for index, (name, quantity) in enumerate(items)],
        "tax_lines": [], "shipping_lines": [], "fee_lines": [], "coupon_lines": [],
        "refunds": [{"id": refund_id, "reason": "", "total": f"-{amount}"} for refund_id, amount in refunds],
        "_links": {"self": [{"href": f"https://shop.example/wp-json/wc/v3/orders/{id}"}],
                   "collection": [{"href": "https://shop.example/wp-json/wc/v3/orders"}]},
    }


def woo_refund(id: int, amount: str, created: str = "2026-11-24T12:00:00", reason: str = "") -> Json:
    """A refund as ``GET /wp-json/wc/v3/orders/{id}/refunds`` lists it."""
    return {"id": id, "date_created": created, "date_created_gmt": created, "amount": amount, "reason": reason,
            "refunded_by": 1, "refunded_payment": True, "meta_data": [], "line_items": []}


def woo_tracking(number: str, provider: str = "DPD", shipped: str = "2026-11-28",
                 link: str | None = None) -> Json:
    """A tracking item as the extension's ``GET …/shipment-trackings`` lists it (view context)."""
    return {"tracking_id": number.encode().hex()[:32], "tracking_provider": provider,
            "tracking_link": link if link is not None else f"https://tracking.dpd.de/status/en_US/parcel/{number}",
            "tracking_number": number, "date_shipped": shipped}


@dataclass
class FakeWooCommerce:
    """The store's data, the knobs that make it fail, and every request it was asked (path, query)."""

    orders: list[Json] = field(default_factory=list)
    refunds: dict[int, list[Json]] = field(default_factory=dict)
    trackings: dict[int, list[Json]] = field(default_factory=dict)
    tracking_installed: bool = True
    answer_with: int | None = None
    """A status every call gets instead (429 from the host's limiter, 500 from a PHP fatal error)."""
    stall: bool = False
    """Every call waits on an event that is set only when the server stops."""
    garble: bool = False
    """Orders come back without their ``status`` and ``total``."""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/wp-json/wc/v3", self._guarded(self._index, auth=False)),
            Route("/wp-json/wc/v3/orders", self._guarded(self._list_orders)),
            Route("/wp-json/wc/v3/orders/{id:int}", self._guarded(self._get_order)),
            Route("/wp-json/wc/v3/orders/{id:int}/refunds", self._guarded(self._list_refunds)),
            Route("/wp-json/wc-shipment-tracking/v3", self._guarded(self._tracking_index, auth=False)),
            Route("/wp-json/wc-shipment-tracking/v3/orders/{id:int}/shipment-trackings",
                  self._guarded(self._list_trackings)),
        ], exception_handlers={404: self._no_route})

    def _guarded(self, handler: Handler, auth: bool = True) -> Handler:
        async def guarded(request: Request) -> Response:
            self.requests.append((request.url.path, dict(request.query_params)))
            if self.stall:
                await self.released.wait()
            if self.answer_with == 429:
                return PlainTextResponse("Too Many Requests", status_code=429, headers={"Retry-After": "60"})
            if self.answer_with is not None:
                return woo_error("internal_server_error", "<p>There has been a critical error on this website.</p>",
                                 self.answer_with)
            if auth and request.headers.get("Authorization") != _basic(KEY, SECRET):
                return woo_error("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401)
            return await handler(request)
        return guarded

    async def _no_route(self, request: Request, error: Exception) -> Response:
        return woo_error("rest_no_route", "No route was found matching the URL and request method.", 404)

    async def _index(self, request: Request) -> Response:
        return JSONResponse({"namespace": "wc/v3", "routes": {"/wc/v3": {}, "/wc/v3/orders": {}}})

    async def _list_orders(self, request: Request) -> Response:
        term = request.query_params.get("search", "").casefold()
        hits = [order for order in sorted(self.orders, key=lambda order: order["date_created_gmt"], reverse=True)
                if term in " ".join([order["number"], order["billing"]["email"], order["billing"]["phone"],
                                     order["billing"]["first_name"], order["billing"]["last_name"]]).casefold()]
        return self._page(request, [self._shown(order) for order in hits])

    async def _get_order(self, request: Request) -> Response:
        order = self._order(request.path_params["id"])
        if order is None:
            return woo_error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
        return JSONResponse(self._shown(order))

    async def _list_refunds(self, request: Request) -> Response:
        return self._page(request, self.refunds.get(request.path_params["id"], []))

    async def _tracking_index(self, request: Request) -> Response:
        if not self.tracking_installed:
            return await self._no_route(request, LookupError())
        return JSONResponse({"namespace": "wc-shipment-tracking/v3", "routes": {}})

    async def _list_trackings(self, request: Request) -> Response:
        if not self.tracking_installed:
            return await self._no_route(request, LookupError())
        if self._order(request.path_params["id"]) is None:
            return woo_error("woocommerce_rest_order_invalid_id", "Invalid order ID.", 404)
        return JSONResponse(self.trackings.get(request.path_params["id"], []))

    def _order(self, id: int) -> Json | None:
        return next((order for order in self.orders if order["id"] == id), None)

    def _shown(self, order: Json) -> Json:
        if not self.garble:
            return order
        return {key: value for key, value in order.items() if key not in ("status", "total")}

    @staticmethod
    def _page(request: Request, items: list[Json]) -> Response:
        per_page = int(request.query_params.get("per_page", "10"))
        page = int(request.query_params.get("page", "1"))
        if not 1 <= per_page <= 100:
            return woo_error("rest_invalid_param", "Invalid parameter(s): per_page", 400)
        shown = items[(page - 1) * per_page:page * per_page]
        return JSONResponse(shown, headers={"X-WP-Total": str(len(items)),
                                            "X-WP-TotalPages": str(math.ceil(len(items) / per_page))})


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@asynccontextmanager
async def serve_woocommerce(store: FakeWooCommerce) -> AsyncIterator[str]:
    """The store served on a free port of 127.0.0.1; yields its base URL."""
    server = LoopbackServer(store.app())
    try:
        yield await server.start()
    finally:
        store.released.set()
        await server.stop()
