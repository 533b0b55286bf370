"""Shared fixtures: the fake Bot API, settings pointing at it, a fresh database, the real model."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.storage.conversations import ConversationRepository, StoredMessage
from bot.storage.database import Database, upgrade_schema_async
from bot.testing.fake_bot_api import FakeBotApi
from knowledge.pack import CONTENT_DIR
from nlu.model import default_model_dir

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("CANDOR_CONTENT_DIR", str(CONTENT_DIR))
"""Tests read the shipped pack unless they say otherwise: a content folder seeded by an earlier run would be stale."""

TEST_TOKEN = "123456:TEST"
CANDOR = Path(sys.executable).with_name("candor")
POSTGRES_SERVER_URL = os.environ.get("CANDOR_TEST_POSTGRES_URL", "")
"""Set by scripts/test.sh for the suite's second pass: every test then gets its own PostgreSQL database."""
_created_postgres_databases: set[str] = set()
T = TypeVar("T")


UNIT_TESTS = Path(__file__).resolve().parent / "unit"
MODEL_CACHE_DIR = Path(__file__).resolve().parent.parent / "var" / "cache"
"""One ONNX export for every test and every ``candor`` subprocess, whatever its working directory."""
"""Tests that never open a database live here: the PostgreSQL pass skips them (the SQLite pass ran them)."""


def on_postgres() -> bool:
    return bool(POSTGRES_SERVER_URL)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not on_postgres():
        return
    skip = pytest.mark.skip(reason="touches no database; the SQLite pass runs it")
    for item in items:
        if item.path.is_relative_to(UNIT_TESTS) or item.get_closest_marker("no_database") is not None:
            item.add_marker(skip)


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync code, even while the test's event loop is running."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # noqa: BLE001  (handed back to the caller below)
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def database_url(tmp_path: Path, name: str = "candor") -> str:
    """A test's own database: an SQLite file in ``tmp_path``, or a fresh PostgreSQL database.

    The same ``tmp_path`` and ``name`` always give the same database, so a test can restart
    the bot on the data it stored before.
    """
    if not on_postgres():
        return f"sqlite+aiosqlite:///{tmp_path / f'{name}.sqlite3'}"
    database = "t_" + hashlib.sha1(f"{tmp_path}/{name}".encode()).hexdigest()[:24]
    if database not in _created_postgres_databases:
        run_blocking(_create_postgres_database(database))
        _created_postgres_databases.add(database)
    return make_url(POSTGRES_SERVER_URL).set(database=database).render_as_string(hide_password=False)


def _plain_dsn(database: str) -> str:
    return make_url(POSTGRES_SERVER_URL).set(drivername="postgresql", database=database).render_as_string(
        hide_password=False)


async def _create_postgres_database(database: str) -> None:
    connection = await asyncpg.connect(_plain_dsn("postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()


async def _drop_postgres_databases(databases: set[str]) -> None:
    connection = await asyncpg.connect(_plain_dsn("postgres"))
    try:
        for database in sorted(databases):
            await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await connection.close()


def query_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a plain SQL query, for checking what a ``candor`` subprocess stored."""

    async def fetch() -> list[tuple[Any, ...]]:
        database = Database(url)
        try:
            async with database.engine.connect() as connection:
                return [tuple(row) for row in (await connection.execute(text(sql))).all()]
        finally:
            await database.dispose()

    return run_blocking(fetch())


def make_settings(tmp_path: Path, api: FakeBotApi | None = None, **overrides: object) -> Settings:
    """Settings as the bot reads them from the environment, never from a developer's .env."""
    values: dict[str, object] = {
        "DATABASE_URL": database_url(tmp_path),
        "CANDOR_MODEL_DIR": str(default_model_dir()),
        "CANDOR_MODEL_CACHE_DIR": str(MODEL_CACHE_DIR),
        # No shop unless a test connects one: order references in other tests are not the demo shop's orders.
        "CANDOR_SHOP": "none",
    }
    if api is not None:
        values.update({"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url})
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def subprocess_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment for running ``candor`` as a user would, with its own database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "CANDOR_", "DATABASE_"))}
    env.update({"HF_HUB_OFFLINE": "1", "DATABASE_URL": database_url(tmp_path), "CANDOR_SHOP": "none",
                "CANDOR_MODEL_CACHE_DIR": str(MODEL_CACHE_DIR),
                "CANDOR_CONTENT_DIR": str(CONTENT_DIR), **extra})
    return env


async def stored_telegram_messages(settings: Settings, chat_id: int) -> list[StoredMessage]:
    """What the bot stored for one Telegram chat, read through its own repository."""
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            return await ConversationRepository(session).messages_of("telegram", str(chat_id))
    finally:
        await database.dispose()


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """This test's own database, migrated to the newest schema."""
    url = database_url(tmp_path)
    await upgrade_schema_async(url)
    db = Database(url)
    yield db
    await db.dispose()


@pytest.fixture
def cli_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """For calling ``candor``'s main: default settings (no .env, no token) with this test's database, and the
    test runner's logging left alone."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "CANDOR_AGENTS_CHAT_ID", "CANDOR_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url(tmp_path))
    monkeypatch.setattr("bot.cli.main.configure_logging", lambda level: None)


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TEST_TOKEN).start()
    yield api
    api.stop()


@pytest.fixture(scope="session", autouse=True)
def _postgres_databases_dropped_at_the_end() -> Iterator[None]:
    yield
    if on_postgres() and _created_postgres_databases:
        run_blocking(_drop_postgres_databases(set(_created_postgres_databases)))
