"""The webhook's HTTP server, guarded: slow requests are cut off, oversized ones refused, connections capped.

uvicorn alone keeps a connection that sends half its headers open for as long as the client
likes, and waits as long for a body that stops arriving: 400 idle half-sent requests stayed
open for 70 s, and 1,100 of them used up the worker's file descriptors. Here a request's
headers must arrive within ``header_seconds`` of its first byte (a client dribbling a byte at
a time gets no more), its body within ``body_seconds``; a ``Content-Length`` over the limit is
refused (413) before a byte of the body is read, and whatever the client still sends is
discarded; and connections beyond ``max_connections`` are answered 503 and closed as soon as
they are accepted, before they can hold anything.
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
    """uvicorn's HTTP/1.1 connection, with deadlines for what a client owes and a cap on connections.

    A client owes a request's headers (from their first byte, or from the last response), and,
    once it was answered early (413) without its body being read, the rest of that body, which
    uvicorn reads and discards so that the answer reaches a client still sending. Either must
    arrive in time, or the connection is closed.
    """

    limits: ClassVar[WebhookLimits] = WebhookLimits()
    _due: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            if len(self.connections) == self.limits.max_connections + 1:
                logger.warning("webhook at its cap of %d connections; refusing more", self.limits.max_connections)
            transport.write(REFUSED)
            transport.close()
            return
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_watching()
        super().connection_lost(exc)

    def _owed(self) -> float | None:
        """Seconds the client has for what it owes now, or None when it owes nothing (the app is at work)."""
        if self.transport.is_closing():
            return None
        if self.conn.their_state is h11.IDLE:
            return self.limits.header_seconds
        if self.conn.their_state is h11.SEND_BODY and self.conn.our_state in (h11.DONE, h11.MUST_CLOSE):
            return self.limits.body_seconds
        return None

    def _watch(self) -> None:
        """One deadline runs while the client owes something; bytes dribbled meanwhile do not move it."""
        seconds = self._owed()
        if seconds is None:
            self._stop_watching()
        elif self._due is None:
            self._due = self.loop.call_later(seconds, self._too_slow)

    def _stop_watching(self) -> None:
        if self._due is not None:
            self._due.cancel()
            self._due = None

    def _too_slow(self) -> None:
        self._due = None
        if self._owed() is not None:
            logger.info("webhook connection closed: the client did not send its request in time")
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
            await refuse(send, 413, "update too large", close=False)
            return
        try:
            async with asyncio.timeout(self._limits.body_seconds):
                body = await read_body(receive, self._limits.max_body_bytes)
        except TimeoutError:
            logger.info("webhook request refused: its body did not arrive in %.0f s", self._limits.body_seconds)
            await refuse(send, 408, "body too slow", close=True)
            return
        if body is None:
            await refuse(send, 413, "update too large", close=False)
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


async def refuse(send: Send, status: int, reason: str, close: bool) -> None:
    """Answer before the body is read.

    Closing at once would reset a connection whose client is still sending (it would never see
    the answer), so a refused body is left to uvicorn to discard, within the body deadline; a
    client too slow to send one at all is simply closed on.
    """
    content = f"{reason}\n".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(content)).encode())]
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"connection", b"close")] if close else headers})
    await send({"type": "http.response.body", "body": content})


def guarded_server(app: ASGIApp, host: str, port: int, limits: WebhookLimits) -> uvicorn.Server:
    """A uvicorn server for ``app`` that keeps to ``limits``."""
    protocol = cast(type[GuardedH11Protocol], type("WebhookProtocol", (GuardedH11Protocol,), {"limits": limits}))
    return uvicorn.Server(uvicorn.Config(
        BodyGuard(app, limits), host=host, port=port, http=protocol, log_level="warning", access_log=False,
        lifespan="off", server_header=False,
    ))
