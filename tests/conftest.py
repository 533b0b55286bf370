"""Shared fixtures: the fake Bot API, settings pointing at it, a fresh database, the real model."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.storage.conversations import ConversationRepository, StoredMessage
from bot.storage.database import Database
from nlu.model import default_model_dir
from bot.testing.fake_bot_api import FakeBotApi

os.environ.setdefault("HF_HUB_OFFLINE", "1")

TEST_TOKEN = "123456:TEST"
CANDOR = Path(sys.executable).with_name("candor")


def make_settings(tmp_path: Path, api: FakeBotApi | None = None, **overrides: object) -> Settings:
    """Settings as the bot reads them from the environment, never from a developer's .env."""
    values: dict[str, object] = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'candor.sqlite3'}",
        "CANDOR_MODEL_DIR": str(default_model_dir()),
    }
    if api is not None:
        values.update({"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url})
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def subprocess_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment for running ``candor`` as a user would, with its own database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "CANDOR_", "DATABASE_"))}
    env.update({"HF_HUB_OFFLINE": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'candor.sqlite3'}", **extra})
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
def fake_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi(TEST_TOKEN).start()
    yield api
    api.stop()
