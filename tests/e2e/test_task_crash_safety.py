"""kill -9 between storing a task and posting its card: after a restart the card is posted, once.

A real ``candor run --webhook`` worker takes a double charge; the fake Bot API holds the reply at
its door, so the task is stored (in the turn's transaction) but neither the reply nor the card has
gone out when the worker is killed. Telegram then delivers the update again to the restarted
worker, which sends the stored reply without deciding twice, and its sweep posts the card.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.channels.webhook import SECRET_HEADER
from bot.storage.database import Database
from bot.storage.models import Task
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.webhook_client import free_port, text_update
from tests.conftest import TEST_TOKEN, database_url, run_blocking, subprocess_env
from tests.e2e.test_crash_safety import Worker, wait_until
from tests.e2e.test_team_tasks import PAYMENTS, add_teams

pytestmark = pytest.mark.slow
SECRET = "task-crash-secret_1"
CHAT = 930_001


async def stored_tasks(url: str) -> list[Task]:
    database = Database(url)
    try:
        async with database.session() as session:
            return list(await session.scalars(select(Task)))
    finally:
        await database.dispose()


async def deliver(client: httpx.AsyncClient, worker: Worker, update: dict[str, object]) -> None:
    """As Telegram does: the same update again until a worker answers 200."""
    while True:
        try:
            if (await client.post(worker.url, json=update, headers={SECRET_HEADER: SECRET})).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.3)


def cards(api: FakeBotApi) -> list[str]:
    return [message.text for message in api.messages_to(PAYMENTS) if message.text.startswith("Task #")]


async def test_a_card_lost_to_a_kill_is_posted_once_after_the_restart(tmp_path: Path) -> None:
    api = FakeBotApi(TEST_TOKEN).start()
    url = database_url(tmp_path)
    await add_teams(url)
    env = subprocess_env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url,
                         CANDOR_WEBHOOK_SECRET=SECRET, CANDOR_LOG_LEVEL="INFO", CANDOR_TASK_WATCH_SECONDS="1",
                         CANDOR_GROUP_MESSAGES_PER_MINUTE="600")
    worker = Worker(free_port(), env, tmp_path / "worker.log")
    update = text_update(1, CHAT, "I was charged twice for order #48213")
    try:
        worker.start()
        await worker.ready()
        api.hold_sends()
        async with httpx.AsyncClient(timeout=120) as client:
            first = asyncio.create_task(deliver(client, worker, update))
            await wait_until(lambda: api.held_sends >= 1, 120, "the reply to be on its way")
            assert len(run_blocking(stored_tasks(url))) == 1, "the task is stored with the reply, before it is sent"
            worker.kill()
            api.drop_held_sends()
            assert cards(api) == [] and api.messages_to(CHAT) == [], "nothing reached Telegram before the kill"
            worker.start()
            await worker.ready()
            await asyncio.wait_for(first, timeout=120)
            await wait_until(lambda: len(cards(api)) >= 1, 120, "the card after the restart")
            await wait_until(lambda: len(api.messages_to(CHAT)) >= 1, 120, "the stored reply")
            await deliver(client, worker, text_update(2, CHAT, "ok, thank you"))
            await wait_until(lambda: len(api.messages_to(CHAT)) >= 2, 120, "the reply to the thanks")
            await wait_until(lambda: "cards posted late" in worker.log.read_text(), 60, "the sweep's report")
    finally:
        worker.stop()
        api.stop()
    [task] = run_blocking(stored_tasks(url))
    assert len(cards(api)) == 1, cards(api)
    assert task.card_message_id is not None and cards(api)[0].startswith(f"Task #{task.id} for payments")
    assert "1 cards posted late" in worker.log.read_text()
