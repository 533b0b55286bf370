"""One chat at a time, across every worker process: PostgreSQL advisory locks.

Several webhook workers may receive updates of the same chat at once. Holding the chat's lock
while an update is checked against the ledger, handled and answered keeps the chat's messages
in order and stops two workers from handling the same retry. PostgreSQL releases an advisory
lock when its connection closes, so a worker killed with ``kill -9`` never leaves a chat stuck.

SQLite serves one process only, so there the in-process lock is all there is.

Holding is re-entrant within one task: the webhook takes the chat's lock and the service,
called inside it, asks for the same lock again without waiting on itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage.locks import KeyedLocks
from bot.storage.statement_count import StatementCounter

LOCK_CONNECTIONS = 32
"""Chats handled at once by one worker; more wait their turn for a lock connection."""


def lock_number(key: str) -> int:
    """A stable signed 64-bit number for ``key`` (advisory locks are keyed by bigint)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class ChatLocks:
    def __init__(self, engine: AsyncEngine | None = None) -> None:
        self._local = KeyedLocks()
        self._held: ContextVar[frozenset[str]] = ContextVar(f"chat-locks-{id(self)}", default=frozenset())
        self._engine = engine

    @classmethod
    def for_database(cls, url: str) -> ChatLocks:
        """Advisory locks on PostgreSQL; in-process locks only on SQLite (one process)."""
        if not url.startswith("postgresql"):
            return cls()
        # A pool of its own: a turn holds its lock connection while it uses the main pool, so
        # sharing one pool could leave every connection waiting for another. Autocommit: a held
        # lock must not keep a transaction open.
        return cls(create_async_engine(url, pool_size=LOCK_CONNECTIONS, max_overflow=0, pool_timeout=300,
                                       pool_pre_ping=True, isolation_level="AUTOCOMMIT"))

    def count_statements(self, counter: StatementCounter) -> None:
        """The advisory locks' statements count with the turn's own (two per turn on PostgreSQL)."""
        if self._engine is not None:
            counter.watch(self._engine)

    @property
    def across_processes(self) -> bool:
        return self._engine is not None

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        held = self._held.get()
        if key in held:
            yield
            return
        token = self._held.set(held | {key})
        try:
            async with self._local.hold(key):
                if self._engine is None:
                    yield
                    return
                number = lock_number(key)
                async with self._engine.connect() as connection:
                    await connection.execute(text("SELECT pg_advisory_lock(:n)"), {"n": number})
                    try:
                        yield
                    finally:
                        try:
                            await connection.execute(text("SELECT pg_advisory_unlock(:n)"), {"n": number})
                        except DBAPIError:  # the server closed the connection, and with it the lock
                            await connection.invalidate()
        finally:
            self._held.reset(token)

    async def dispose(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
