"""The trainers' console served on a free port of 127.0.0.1, and a browser's moves against it."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from bot.console.app import build_console
from bot.policy.model import Case
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.trainers import TrainerRepository
from bot.testing.webhook_client import free_port
from knowledge.pack import CONTENT_DIR
from nlu.model import default_model_dir
from nlu.types import Analysis, EmotionScores
from tests.conftest import database_url

PASSWORD = "correct horse battery"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class ConsoleServer:
    url: str
    database: Database
    database_url: str
    content: Path
    models: Path
    app: Starlette


async def seed(database: Database) -> None:
    async with database.session() as session:
        await TrainerRepository(session).add("anna", PASSWORD)
        conversations = ConversationRepository(session)
        ref = await conversations.open_conversation("telegram", "77", "Olga")
        worried = Analysis("en", EmotionScores.from_mapping({"anxiety": 0.3, "neutral": 0.6}), ("neutral",),
                           model_version="test")
        await conversations.add_customer_message(ref, "text", "My refund still hasn't come and I'm scared", worried, 1)
        await conversations.add_bot_message(ref.conversation_id, "Refunds take 5–10 business days.", "answer",
                                             "answered from topic refund (confidence 0.82); met anxiety",
                                             Case("refund", (("order_ref", "48213"),), settled=True))
        angrier = Analysis("en", EmotionScores.from_mapping({"anger": 0.8, "anxiety": 0.5}), ("anger",),
                           model_version="test")
        await conversations.add_customer_message(ref, "text", "This is useless", angrier, 2)


@asynccontextmanager
async def serve_console(tmp_path: Path, **options: Any) -> AsyncIterator[ConsoleServer]:
    """The console on a free port of 127.0.0.1, seeded with one trainer and one conversation."""
    url = database_url(tmp_path, 'console')
    await upgrade_schema_async(url)
    database = Database(url)
    await seed(database)
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    models = tmp_path / "models"
    shutil.copytree(default_model_dir(), models / "candidate-a")
    port = free_port()
    app = build_console(database, "test-secret", content_dir=content, models_dir=models,
                        **{"secure_cookie": False, "dev_limit": 120, **options})
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield ConsoleServer(f"http://127.0.0.1:{port}", database, url, content, models, app)
    finally:
        server.should_exit = True
        await task
        await database.dispose()


def shot_dir(tmp_path: Path) -> Path:
    """Screenshots go to CANDOR_SCREENSHOTS when set (docs/ was filled that way), else beside the test."""
    return Path(os.environ.get("CANDOR_SCREENSHOTS") or tmp_path)


def visitor(console: ConsoleServer, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """A browser of its own (cookies), connecting from ``address`` (any 127.x address is this machine)."""
    return httpx.AsyncClient(base_url=console.url, timeout=60,
                             transport=httpx.AsyncHTTPTransport(local_address=address))


async def csrf_of(client: httpx.AsyncClient, path: str = "/") -> str:
    token = CSRF.search((await client.get(path)).text)
    assert token is not None
    return token.group(1)


async def try_password(client: httpx.AsyncClient, csrf: str, username: str, password: str) -> httpx.Response:
    return await client.post("/login", data={"csrf": csrf, "username": username, "password": password})


async def sign_in(client: httpx.AsyncClient) -> None:
    response = await try_password(client, await csrf_of(client), "anna", PASSWORD)
    assert response.status_code == 303


async def sign_in_page(page: Any, console: ConsoleServer) -> None:
    """Sign in as anna in a Playwright page, and wait for the review queue."""
    from playwright.async_api import expect

    await page.goto(console.url + "/")
    await page.fill("#username", "anna")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
