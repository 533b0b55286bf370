"""A team that works in its own helpdesk, end to end: a real ``candor run --webhook`` worker posts each task,
signed, to the helpdesk on loopback (retried with the same idempotency key), and the helpdesk acts on the
task through the worker's inbound endpoint; the customer hears it by name."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.channels.webhook import SECRET_HEADER
from bot.policy.tasks import Member
from bot.policy.teams import TeamProfile
from bot.service.helpdesk_keys import token_hash
from bot.service.webhook_signing import WebhookSignatureError, verify
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.teams import TeamRepository
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.webhook_client import free_port, text_update
from tests.conftest import TEST_TOKEN, database_url, subprocess_env
from tests.e2e.test_crash_safety import Worker, wait_until

pytestmark = pytest.mark.slow
SECRET = "helpdesk-worker-secret_2"
CHAT = 940_001
ANNA, STRANGER = 8101, 8999


@dataclass
class Desk:
    """The team's helpdesk: checks each post's signature, refuses the first one (503), records them all."""

    secret: str
    statuses: list[int] = field(default_factory=lambda: [503])
    received: list[tuple[dict[str, str], dict[str, object], bool]] = field(default_factory=list)

    async def hook(self, request: Request) -> PlainTextResponse:
        body = await request.body()
        try:
            verify(self.secret, request.headers, body, dt.datetime.now(dt.UTC))
            signed = True
        except WebhookSignatureError:
            signed = False
        self.received.append((dict(request.headers), json.loads(body), signed))
        return PlainTextResponse("ok", status_code=self.statuses.pop(0) if self.statuses else 200)


async def add_team(url: str, hook: str, secret: str, token: str) -> None:
    await upgrade_schema_async(url)
    database = Database(url)
    try:
        async with database.session() as session:
            teams = TeamRepository(session)
            await teams.add(TeamProfile("payments", -100999, None, "UTC", "00:00-24:00", "mon-sun", 4.0))
            await teams.add_member("payments", Member(ANNA, "Anna", "Payments specialist"))
            await teams.set_helpdesk("payments", hook, secret, token_hash(token))
    finally:
        await database.dispose()


async def test_a_helpdesk_receives_the_task_signed_retried_with_the_same_key_and_acts_on_it(tmp_path: Path) -> None:
    api = FakeBotApi(TEST_TOKEN).start()
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    token = secrets.token_urlsafe(32)
    desk = Desk(secret)
    desk_port = free_port()
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=[Route("/hook", desk.hook, methods=["POST"])]),
                                           host="127.0.0.1", port=desk_port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    url = database_url(tmp_path)
    await add_team(url, f"http://127.0.0.1:{desk_port}/hook", secret, token)
    env = subprocess_env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, TELEGRAM_API_BASE_URL=api.base_url,
                         CANDOR_WEBHOOK_SECRET=SECRET, CANDOR_LOG_LEVEL="INFO", CANDOR_TASK_WATCH_SECONDS="1")
    worker = Worker(free_port(), env, tmp_path / "worker.log")
    try:
        worker.start()
        await worker.ready()
        async with httpx.AsyncClient(timeout=60) as client:
            update = text_update(1, CHAT, "I was charged twice for order #48213")
            assert (await client.post(worker.url, json=update, headers={SECRET_HEADER: SECRET})).status_code == 200
            await wait_until(lambda: len(desk.received) >= 2, 120, "the task.created and its retry")
            (first_headers, created, first_signed), (retry_headers, again, retry_signed) = desk.received[:2]
            task = created["data"]["task"]  # type: ignore[index]
            assert created["type"] == "task.created" and again == created and first_signed and retry_signed
            assert first_headers["idempotency-key"] == retry_headers["idempotency-key"] == str(task["id"])
            assert first_headers["webhook-id"] == retry_headers["webhook-id"]
            assert (task["team"], task["kind"], task["order_ref"], task["state"]) == (
                "payments", "double_charge", "48213", "open")

            events = f"{worker.url}helpdesk/tasks/{task['id']}/events"
            stranger = await client.post(events, json={"action": "take", "member_user_id": STRANGER},
                                         headers={"Authorization": f"Bearer {token}"})
            assert stranger.status_code == 403
            unsigned = await client.post(events, json={"action": "take", "member_user_id": ANNA})
            assert unsigned.status_code == 401
            taken = await client.post(events, json={"action": "take", "member_user_id": ANNA},
                                      headers={"Authorization": f"Bearer {token}"})
            assert taken.status_code == 200 and taken.json()["task"]["state"] == "taken", taken.text
            await wait_until(lambda: len(api.messages_to(CHAT)) >= 2, 60, "the customer hearing who took it")
            assert "Anna from our payments team picked it up" in api.messages_to(CHAT)[1].text
            await wait_until(lambda: any(body["type"] == "task.updated" for _, body, _ in desk.received), 60,
                             "the helpdesk hearing of the take")
    finally:
        worker.stop()
        server.should_exit = True
        await serving
        api.stop()
