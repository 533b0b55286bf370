"""The contract served over HTTP from any backend (the demo shop), and a loopback server to run it.

``candor shop serve-demo`` and the tests use it to try the ``http`` backend against real HTTP;
the benchmark uses it to measure lookups the way a real shop would answer them. The app keeps the
contract's rules: a Bearer token when one is configured (401 otherwise), ``contact`` required,
and one 404 for "no such order" and "not with that contact" alike.
"""

from __future__ import annotations

import asyncio
import hmac
import socket
from collections.abc import Awaitable, Callable
from types import TracebackType

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from bot.shop.backend import OrderNotFound, ShopBackend, ShopUnavailable
from bot.shop.contract import (
    JsonObject,
    health_json,
    order_json,
    order_list_json,
    refunds_json,
    shipments_json,
)

MAX_LIMIT = 50


class _BadRequest(Exception):
    """A call the contract does not allow (no contact, a limit out of range)."""


def _contact(request: Request) -> str:
    contact = request.query_params.get("contact", "").strip()
    if not contact:
        raise _BadRequest("contact is required: the customer's email or E.164 phone")
    return contact


def _limit(request: Request) -> int:
    text = request.query_params.get("limit", "5")
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise _BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def contract_app(shop: ShopBackend, token: str | None = None) -> Starlette:
    """The five routes of docs/shop-api.yaml answered by ``shop``."""

    def endpoint(answer: Callable[[Request], Awaitable[JsonObject]]) -> Callable[[Request], Awaitable[Response]]:
        async def respond(request: Request) -> Response:
            given = request.headers.get("authorization", "")
            if token and not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return JSONResponse({"error": "missing or wrong token"}, 401, {"WWW-Authenticate": "Bearer"})
            try:
                return JSONResponse(await answer(request))
            except _BadRequest as problem:
                return JSONResponse({"error": str(problem)}, 400)
            except OrderNotFound:
                return JSONResponse({"error": "no such order, or not with that contact"}, 404)
            except ShopUnavailable:
                return JSONResponse({"error": "the shop cannot answer now"}, 503)
        return respond

    def ref(request: Request) -> str:
        return str(request.path_params["ref"])

    async def health(request: Request) -> JsonObject:
        return health_json(await shop.health())

    async def orders(request: Request) -> JsonObject:
        return order_list_json(await shop.orders(_contact(request), _limit(request)))

    async def order(request: Request) -> JsonObject:
        return order_json(await shop.order(ref(request), _contact(request)))

    async def shipments(request: Request) -> JsonObject:
        return shipments_json(await shop.shipments(ref(request), _contact(request)))

    async def refunds(request: Request) -> JsonObject:
        return refunds_json(await shop.refunds(ref(request), _contact(request)))

    return Starlette(routes=[
        Route("/v1/health", endpoint(health)),
        Route("/v1/orders", endpoint(orders)),
        Route("/v1/orders/{ref}", endpoint(order)),
        Route("/v1/orders/{ref}/shipments", endpoint(shipments)),
        Route("/v1/orders/{ref}/refunds", endpoint(refunds)),
    ])


class LoopbackServer:
    """An ASGI app served by uvicorn on 127.0.0.1 as a task of the running event loop.

    Port 0 takes a free port; ``start`` returns the base URL once the server accepts connections.
    The socket is bound here, so a taken port is an ``OSError`` the caller sees.
    """

    def __init__(self, app: ASGIApp, port: int = 0, ready_within: float = 30.0) -> None:
        self._app = app
        self._port = port
        self._ready_within = ready_within
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.url = ""

    async def start(self) -> str:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", self._port))
        except OSError:
            listener.close()
            raise
        self._server = uvicorn.Server(uvicorn.Config(self._app, log_level="warning", log_config=None,
                                                     lifespan="off", access_log=False, server_header=False))
        self._task = asyncio.create_task(self._server.serve(sockets=[listener]))
        try:
            async with asyncio.timeout(self._ready_within):
                while not self._server.started and not self._task.done():
                    await asyncio.sleep(0.01)
        except TimeoutError:
            await self.stop()
            raise
        if self._task.done():
            self._task.result()
            raise RuntimeError("the loopback server stopped while starting")
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        return self.url

    async def wait(self) -> None:
        """Until the server stops (Ctrl-C in ``candor shop serve-demo``)."""
        if self._task is not None:
            await self._task

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task

    async def __aenter__(self) -> str:
        return await self.start()

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.stop()
