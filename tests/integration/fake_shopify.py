"""A local fake of Shopify's Admin GraphQL API, served over real HTTP on 127.0.0.1.

It answers ``POST /admin/api/{version}/graphql.json`` the way Shopify documents it: the
``X-Shopify-Access-Token`` header or a 401, ``{"data": ..., "extensions": {"cost": ...}}`` holding
only the fields the query selected (a field the fake's Shopify-shaped data lacks is an
``undefinedField`` error, as Shopify answers for a field that does not exist), the ``orders``
connection searched by ``name:``, ``email:`` and ``phone:``, sorted and paged by cursor, and the
failures a shop meets: a THROTTLED error, an HTTP status, a GraphQL error, a reply that never comes.

The order builders (``shopify_order``, ``transaction``, ``fulfillment``, ``event``, ``refund``) make
nodes shaped like the examples in Shopify's 2025-01 reference.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.shop.demo_server import LoopbackServer

INVALID_TOKEN = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
COST = {"requestedQueryCost": 252, "actualQueryCost": 42,
        "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1958, "restoreRate": 100.0}}
THROTTLED = {"errors": [{"message": "Throttled", "extensions": {
    "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
    "extensions": {"cost": {**COST, "actualQueryCost": None}}}
TOKENS = re.compile(r'\s*(?:(\.\.\.|[{}():!\[\]=$@])|("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)|,)')
SEARCH_TERM = re.compile(r'(\w+):(?:"([^"]*)"|(\S+))')


def money(amount: str, currency: str = "EUR", *, shop: tuple[str, str] | None = None) -> dict[str, Any]:
    """A MoneyBag; ``shop`` when the shop's own currency differs from the one the customer paid in."""
    shop_amount, shop_currency = shop or (amount, currency)
    return {"shopMoney": {"amount": shop_amount, "currencyCode": shop_currency},
            "presentmentMoney": {"amount": amount, "currencyCode": currency}}


def transaction(number: int, kind: str, status: str, amount: str, at: str, *, currency: str = "EUR",
                parent: int | None = None) -> dict[str, Any]:
    return {"id": f"gid://shopify/OrderTransaction/{number}", "kind": kind, "status": status, "gateway": "shopify_payments",
            "createdAt": at, "processedAt": at, "amountSet": money(amount, currency), "errorCode": None,
            "parentTransaction": None if parent is None else {"id": f"gid://shopify/OrderTransaction/{parent}"}}


def event(at: str, status: str, message: str | None, city: str | None = None,
          country: str | None = None) -> dict[str, Any]:
    return {"id": f"gid://shopify/FulfillmentEvent/{abs(hash((at, status))) % 10**9}", "happenedAt": at,
            "status": status, "message": message, "city": city, "province": None, "country": country, "zip": None,
            "estimatedDeliveryAt": None, "latitude": None, "longitude": None}


def fulfillment(display_status: str | None, *, status: str = "SUCCESS", tracking: Sequence[tuple[str, str, str]] = (),
                events: Sequence[dict[str, Any]] = (), estimated: str | None = None) -> dict[str, Any]:
    """A fulfillment; ``events`` oldest first, as Shopify stores them."""
    return {"id": "gid://shopify/Fulfillment/255858046", "name": "#1001-F1", "status": status,
            "displayStatus": display_status, "estimatedDeliveryAt": estimated, "createdAt": "2026-11-20T09:00:00Z",
            "deliveredAt": None, "inTransitAt": None,
            "trackingInfo": [{"company": company, "number": number, "url": url} for company, number, url in tracking],
            "events": {"nodes": list(events)}}


def refund(amount: str, at: str, *, status: str = "SUCCESS", currency: str = "EUR") -> dict[str, Any]:
    return {"id": "gid://shopify/Refund/929361464", "createdAt": at, "updatedAt": at, "note": "Damaged in transit",
            "totalRefundedSet": money(amount, currency),
            "transactions": {"nodes": [{"id": "gid://shopify/OrderTransaction/3", "kind": "REFUND", "status": status}]}}


def shopify_order(number: int, created_at: str, *, email: str | None = None, phone: str | None = None,
                  shipping_phone: str | None = None, financial: str = "PAID", fulfillment_status: str = "UNFULFILLED",
                  total: dict[str, Any] | None = None, items: Sequence[tuple[str, int]] = (("Linen shirt", 1),),
                  transactions: Sequence[dict[str, Any]] = (), fulfillments: Sequence[dict[str, Any]] = (),
                  refunds: Sequence[dict[str, Any]] = (), cancelled_at: str | None = None) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/Order/{450789469 + number}", "name": f"#{number}", "email": email, "phone": phone,
        "createdAt": created_at, "updatedAt": created_at, "processedAt": created_at, "cancelledAt": cancelled_at,
        "cancelReason": None if cancelled_at is None else "CUSTOMER", "test": False,
        "statusPageUrl": f"https://my-shop.myshopify.com/73/orders/{number:x}a1b2c3/authenticate?key=k{number}",
        "displayFinancialStatus": financial, "displayFulfillmentStatus": fulfillment_status,
        "shippingAddress": {"phone": shipping_phone, "city": "Warsaw", "countryCodeV2": "PL"},
        "currentTotalPriceSet": total or money("49.90"), "totalPriceSet": total or money("49.90"),
        "lineItems": {"nodes": [{"id": f"gid://shopify/LineItem/{i}", "name": name, "title": name, "quantity": quantity}
                                for i, (name, quantity) in enumerate(items)]},
        "transactions": list(transactions), "fulfillments": list(fulfillments), "refunds": list(refunds),
    }


@dataclass
class GraphQLCall:
    operation: str | None
    variables: dict[str, Any]


@dataclass
class FakeShopify:
    """One shop's data and how it misbehaves; tests change the fields between calls."""

    token: str
    orders: list[dict[str, Any]] = field(default_factory=list)
    scopes: tuple[str, ...] = ("read_orders",)
    throttled: bool = False
    http_status: int | None = None
    graphql_error: dict[str, Any] | None = None
    never_answers: bool = False
    calls: list[GraphQLCall] = field(default_factory=list)
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def reset(self, orders: list[dict[str, Any]]) -> None:
        """Back to a well-behaved shop with these orders, so one server can serve a module's tests."""
        self.orders, self.scopes, self.calls = orders, ("read_orders",), []
        self.throttled, self.http_status, self.graphql_error, self.never_answers = False, None, None, False

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/admin/api/{version}/graphql.json", self._graphql, methods=["POST"])])

    async def _graphql(self, request: Request) -> JSONResponse:
        if request.headers.get("X-Shopify-Access-Token") != self.token:
            return JSONResponse(INVALID_TOKEN, status_code=401)
        body = await request.json()
        self.calls.append(GraphQLCall(body.get("operationName") or _operation_name(body["query"]),
                                      body.get("variables") or {}))
        if self.never_answers:
            await self._released.wait()  # set only when the server stops, so uvicorn can shut down
        if self.http_status is not None:
            return JSONResponse({"errors": "Internal Server Error"}, status_code=self.http_status)
        if self.throttled:
            return JSONResponse(THROTTLED)
        if self.graphql_error is not None:
            return JSONResponse({"errors": [self.graphql_error], "extensions": {"cost": COST}})
        try:
            data = self._answer(parse_selection(body["query"]), body.get("variables") or {})
        except UndefinedField as missing:
            return JSONResponse({"errors": [{"message": f"Field '{missing.name}' doesn't exist on type '{missing.on}'",
                                             "extensions": {"code": "undefinedField", "typeName": missing.on,
                                                            "fieldName": missing.name}}]})
        return JSONResponse({"data": data, "extensions": {"cost": COST}})

    def _answer(self, selection: list[Selected], variables: dict[str, Any]) -> dict[str, Any]:
        root = {"shop": {"name": "My Shop", "myshopifyDomain": "my-shop.myshopify.com"},
                "currentAppInstallation": {"accessScopes": [{"handle": handle} for handle in self.scopes]}}
        answer: dict[str, Any] = {}
        for selected in selection:
            args = {key: _value(raw, variables) for key, raw in selected.args.items()}
            value = self._orders(args) if selected.name == "orders" else root.get(selected.name, UndefinedField)
            answer[selected.name] = project(value, Selected(selected.name, {}, selected.selection), "QueryRoot")
        return answer

    def _orders(self, args: dict[str, Any]) -> dict[str, Any]:
        """The ``orders`` connection: searched, sorted (``sortKey``/``reverse``) and one page after the cursor."""
        terms = [(key, quoted or bare) for key, quoted, bare in SEARCH_TERM.findall(args.get("query") or "")]
        found = [order for order in self.orders if all(_matches(order, key, value) for key, value in terms)]
        if args.get("sortKey") == "CREATED_AT":
            found.sort(key=lambda order: order["createdAt"])
        if args.get("reverse"):
            found.reverse()
        start = int(base64.b64decode(args["after"]).decode().split(":")[1]) if args.get("after") else 0
        page = found[start:start + int(args["first"])]
        end = start + len(page)
        return {"nodes": page, "edges": [], "pageInfo": {
            "hasNextPage": end < len(found), "hasPreviousPage": start > 0,
            "startCursor": _cursor(start) if page else None, "endCursor": _cursor(end) if page else None}}


def _matches(order: dict[str, Any], key: str, value: str) -> bool:
    if key == "name":
        return bool(order["name"].removeprefix("#").casefold() == value.removeprefix("#").casefold())
    if key == "email":
        return bool(order["email"] and order["email"].casefold() == value.casefold())
    if key == "phone":
        phones = (order["phone"], order["shippingAddress"]["phone"])
        return any(phone and re.sub(r"\D", "", phone) == re.sub(r"\D", "", value) for phone in phones)
    return True  # other filters are not used by the adapter


def _cursor(position: int) -> str:
    return base64.b64encode(f"position:{position}".encode()).decode()


class UndefinedField(Exception):
    def __init__(self, name: str, on: str) -> None:
        super().__init__(name)
        self.name, self.on = name, on


@dataclass
class Selected:
    name: str
    args: dict[str, str]
    selection: list[Selected] | None


def parse_selection(query: str) -> list[Selected]:
    """The top selection set of a GraphQL operation (fields, their literal or ``$variable`` arguments, sub-selections)."""
    tokens = [next(part for part in match.groups() if part) for match in TOKENS.finditer(query) if any(match.groups())]
    selection, _ = _selection_set(tokens, tokens.index("{"))
    return selection


def _selection_set(tokens: list[str], at: int) -> tuple[list[Selected], int]:
    at += 1
    fields: list[Selected] = []
    while tokens[at] != "}":
        name, at = tokens[at], at + 1
        args: dict[str, str] = {}
        if tokens[at] == "(":
            at += 1
            while tokens[at] != ")":
                key, value, at = tokens[at], tokens[at + 2], at + 3
                if value == "$":
                    value, at = "$" + tokens[at], at + 1
                args[key] = value
            at += 1
        selection = None
        if tokens[at] == "{":
            selection, at = _selection_set(tokens, at)
        fields.append(Selected(name, args, selection))
    return fields, at + 1


def _operation_name(query: str) -> str | None:
    match = re.match(r"\s*(?:query|mutation)\s+(\w+)", query)
    return match.group(1) if match else None


def _value(raw: str, variables: dict[str, Any]) -> Any:
    if raw.startswith("$"):
        return variables.get(raw[1:])
    if raw in ("true", "false", "null") or raw.startswith('"') or raw.lstrip("-").isdigit():
        return json.loads(raw)
    return raw  # an enum value such as CREATED_AT


def project(value: Any, selected: Selected, parent: str) -> Any:
    """Only what the query asked for, as GraphQL answers; ``first``/``reverse`` applied to lists and connections."""
    if value is UndefinedField:
        raise UndefinedField(selected.name, parent)
    if selected.selection is None or value is None:
        return value
    if isinstance(value, list):
        return [project(item, Selected(selected.name, {}, selected.selection), parent)
                for item in _window(value, selected.args)]
    if "nodes" in value:
        value = {**value, "nodes": _window(value["nodes"], selected.args)}
    return {child.name: project(value.get(child.name, UndefinedField), child, selected.name)
            for child in selected.selection}


def _window(items: list[Any], args: dict[str, str]) -> list[Any]:
    """A list or connection's items as ``first``/``reverse`` ask (the root ``orders`` pages itself)."""
    ordered = list(reversed(items)) if args.get("reverse") == "true" else items
    return ordered[:int(args["first"])] if args.get("first", "").isdigit() else ordered


@asynccontextmanager
async def serving(shop: FakeShopify) -> AsyncIterator[str]:
    """The fake on a free port of 127.0.0.1 for the duration; yields the shop's base URL."""
    server = LoopbackServer(shop.app())
    try:
        yield await server.start()
    finally:
        shop._released.set()
        await server.stop()
