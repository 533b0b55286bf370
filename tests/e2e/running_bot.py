"""A bot running in a task against the fake Bot API, with direct reads of its database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.channels.telegram import serve_telegram
from bot.config import Settings
from bot.storage.conversations import StoredMessage
from bot.storage.database import Database
from bot.testing.fake_bot_api import FakeBotApi
from tests.conftest import TEST_TOKEN, make_settings, stored_telegram_messages
from tests.e2e.console_server import ConsoleServer


class Bot:
    """One running bot process-in-a-task; start and stop it as often as a test needs."""

    def __init__(self, api: FakeBotApi, settings: Settings) -> None:
        self.api, self.settings = api, settings
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stop = asyncio.Event()
        calls_before = len(self.api.calls)
        self._task = asyncio.create_task(serve_telegram(self.settings, self._stop, poll_timeout=1))
        for _ in range(600):
            if "getUpdates" in self.api.calls[calls_before:] or self._task.done():
                break
            await asyncio.sleep(0.05)
        if self._task.done():
            self._task.result()

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=30)

    async def query(self, statement):  # type: ignore[no-untyped-def]
        database = Database(self.settings.database_url)
        try:
            async with database.session() as session:
                return list((await session.execute(statement)).all())
        finally:
            await database.dispose()

    async def execute(self, statement) -> None:  # type: ignore[no-untyped-def]
        database = Database(self.settings.database_url)
        try:
            async with database.session() as session:
                await session.execute(statement)
        finally:
            await database.dispose()

    async def stored(self, chat_id: int) -> list[StoredMessage]:
        return await stored_telegram_messages(self.settings, chat_id)


def bot_beside_console(console: ConsoleServer, folder: Path) -> tuple[FakeBotApi, Bot]:
    """A fake Bot API and a bot (not started) on the console's database and content folder, as a shop runs them."""
    api = FakeBotApi(TEST_TOKEN).start()
    folder.mkdir()
    return api, Bot(api, make_settings(folder, api, DATABASE_URL=console.database_url,
                                       CANDOR_CONTENT_DIR=str(console.content)))
