"""The webhook's HTTP server, guarded: slow requests are cut off, oversized ones refused, connections capped.

uvicorn alone keeps a connection that sends half its headers open for as long as the client
likes, and waits as long for a body that stops arriving: 400 idle half-sent requests stayed
open for 70 s, and 1,100 of them used up the worker's file descriptors. Here a request's
headers must arrive within ``header_seconds`` of its first byte (a client dribbling a byte at
a time gets no more), its body within ``body_seconds``; a ``Content-Length`` over the limit is
refused before a byte of the body is read; and connections beyond ``max_connections`` are
answered 503 and closed as soon as they are accepted, before they can hold anything.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import ClassVar, cast

import h11
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

logger = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1_000_000
REFUSED = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
           b"connection: close\r\ncontent-length: 5\r\n\r\nbusy\n")


@dataclass(frozen=True)
class WebhookLimits:
    header_seconds: float = 10.0
    body_seconds: float = 10.0
    max_connections: int = 100
    """Telegram opens at most 100 connections to a webhook (40 unless setWebhook asks for more)."""
    max_body_bytes: int = MAX_UPDATE_BYTES


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 connection, with a deadline for each request's headers and a cap on connections."""

    limits: ClassVar[WebhookLimits] = WebhookLimits()
    _headers_due: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            if len(self.connections) == self.limits.max_connections + 1:
                logger.warning("webhook at its cap of %d connections; refusing more", self.limits.max_connections)
            transport.write(REFUSED)
            transport.close()
            return
        self._watch_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_watching()
        super().connection_lost(exc)

    def _watch_headers(self) -> None:
        """While the client owes a request's headers, one deadline runs, from its first byte; they stop it."""
        owed = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if owed and self._headers_due is None:
            self._headers_due = self.loop.call_later(self.limits.header_seconds, self._headers_too_slow)
        elif not owed:
            self._stop_watching()

    def _stop_watching(self) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
            self._headers_due = None

    def _headers_too_slow(self) -> None:
        self._headers_due = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            logger.info("webhook connection closed: its request headers did not arrive in %.0f s",
                        self.limits.header_seconds)
            self.transport.close()


class BodyGuard:
    """Reads a request's whole body before the app sees it: refused by its length, or when it comes too slowly."""

    def __init__(self, app: ASGIApp, limits: WebhookLimits) -> None:
        self._app = app
        self._limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self._limits.max_body_bytes:
            await refuse(send, 413, "update too large")
            return
        try:
            async with asyncio.timeout(self._limits.body_seconds):
                body = await read_body(receive, self._limits.max_body_bytes)
        except TimeoutError:
            logger.info("webhook request refused: its body did not arrive in %.0f s", self._limits.body_seconds)
            await refuse(send, 408, "body too slow")
            return
        if body is None:
            await refuse(send, 413, "update too large")
            return
        await self._app(scope, replay(body, receive), send)


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The request's body, or None once it grows past ``limit`` (a chunked body declares no length)."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return bytes(body)
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            return bytes(body)


def replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as the app's first receive; after it, the connection's own (for a disconnect)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def next_message() -> Message:
        return pending.pop() if pending else await receive()

    return next_message


async def refuse(send: Send, status: int, reason: str) -> None:
    """Answer and close the connection: the rest of the body, if any, is never read."""
    content = f"{reason}\n".encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(content)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": content})


def guarded_server(app: ASGIApp, host: str, port: int, limits: WebhookLimits) -> uvicorn.Server:
    """A uvicorn server for ``app`` that keeps to ``limits``."""
    protocol = cast(type[GuardedH11Protocol], type("WebhookProtocol", (GuardedH11Protocol,), {"limits": limits}))
    return uvicorn.Server(uvicorn.Config(
        BodyGuard(app, limits), host=host, port=port, http=protocol, log_level="warning", access_log=False,
        lifespan="off", server_header=False,
    ))
