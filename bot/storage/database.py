"""The database handle: engine, session factory and migrations to the newest schema."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.storage.locks import PriorityLock
from bot.storage.statement_count import StatementCounter
from nlu.errors import CandorError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
T = TypeVar("T")


class DatabaseError(CandorError):
    """The database cannot be reached or prepared; the message says which and how to fix it."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def prepare_sqlite_directory(url: str) -> None:
    """Create the folder of an SQLite file, so the default ``./var/`` needs no manual step."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def upgrade_schema(url: str, revision: str = "head") -> None:
    """Apply migrations (synchronous; from async code use ``upgrade_schema_async``)."""
    prepare_sqlite_directory(url)
    try:
        command.upgrade(alembic_config(url), revision)
    except OSError as error:
        raise DatabaseError(f"Could not migrate the database at {make_url(url).render_as_string()}: {error}") from error


def downgrade_schema(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


async def upgrade_schema_async(url: str) -> None:
    """Alembic's async env runs its own event loop, so it runs on a thread here."""
    await asyncio.to_thread(upgrade_schema, url)


URGENT_WORK: ContextVar[bool] = ContextVar("urgent-work", default=False)
"""Set while handling a crisis: on SQLite its transactions go before every other waiting one."""


@contextmanager
def urgent_work() -> Iterator[None]:
    token = URGENT_WORK.set(True)
    try:
        yield
    finally:
        URGENT_WORK.reset(token)


def _write_ahead_log(connection: Any, record: Any) -> None:
    """SQLite in WAL mode: a commit appends to the log and syncs it once, where the default rollback journal
    syncs the journal and the database file; readers (the console, the CLI) no longer block the writer.
    ``synchronous`` stays FULL, so a committed turn survives a power cut too, not just a crash."""
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


class Database:
    """Owns the engine; hands out one ``AsyncSession`` per unit of work (never shared).

    SQLite lets one writer at a time into the file, and a writer that waits past its busy
    timeout fails with "database is locked". Under a burst of chats that happens, so on SQLite
    this process runs its transactions one at a time instead (a task that already holds one
    may open another, as before), a crisis's first (``urgent_work``). PostgreSQL runs them side by side.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        prepare_sqlite_directory(url)
        sqlite = make_url(url).get_backend_name() == "sqlite"
        # A file on this machine cannot drop a connection the way a server can: no ping before each transaction.
        self.engine: AsyncEngine = create_async_engine(url, pool_pre_ping=not sqlite)
        if sqlite:
            event.listen(self.engine.sync_engine, "connect", _write_ahead_log)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._one_at_a_time = PriorityLock() if self.engine.dialect.name == "sqlite" else None
        self._holding: ContextVar[bool] = ContextVar(f"database-{id(self)}", default=False)
        self.statements = StatementCounter()
        self.statements.watch(self.engine)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits on success and rolls back on any error."""
        if self._one_at_a_time is None or self._holding.get():
            async with self._sessions() as session, session.begin():
                yield session
            return
        async with self._one_at_a_time.hold(URGENT_WORK.get()):
            token = self._holding.set(True)
            try:
                async with self._sessions() as session, session.begin():
                    yield session
            finally:
                self._holding.reset(token)

    async def dispose(self) -> None:
        await self.engine.dispose()


def run_in_session(url: str, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """For the command line: migrate, then run ``action`` in one transaction, close the engine, return its result."""
    upgrade_schema(url)

    async def go() -> T:
        database = Database(url)
        try:
            async with database.session() as session:
                return await action(session)
        finally:
            await database.dispose()

    return asyncio.run(go())
