"""Webhook mode over real HTTP on 127.0.0.1: the secret header is checked and each update is handled once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.channels.webhook import SECRET_HEADER, serve_webhook
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.webhook_client import free_port, text_update
from tests.conftest import TEST_TOKEN, make_settings, query_rows

pytestmark = pytest.mark.slow
SECRET = "s3cret-webhook-token_42"


@dataclass
class Webhook:
    url: str
    api: FakeBotApi
    database_url: str


@pytest.fixture(scope="module")
async def webhook(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Webhook]:
    api = FakeBotApi(TEST_TOKEN).start()
    settings = make_settings(Path(tmp_path_factory.mktemp("webhook")), api, CANDOR_WEBHOOK_SECRET=SECRET)
    port, stop = free_port(), asyncio.Event()
    task = asyncio.create_task(serve_webhook(settings, "127.0.0.1", port, stop))
    url = f"http://127.0.0.1:{port}/"
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                await client.post(url, content=b"{}")
                break
            except httpx.ConnectError:
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
    yield Webhook(url, api, settings.database_url)
    stop.set()
    await asyncio.wait_for(task, timeout=30)
    api.stop()


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_handled(webhook: Webhook) -> None:
    async with httpx.AsyncClient() as client:
        missing = await client.post(webhook.url, json=text_update(1, 6001, "where is my order?"))
        wrong = await client.post(webhook.url, json=text_update(2, 6001, "where is my order?"),
                                  headers={SECRET_HEADER: "guess"})
    assert missing.status_code == wrong.status_code == 401
    await asyncio.sleep(0.5)
    assert webhook.api.messages_to(6001) == []


async def test_an_update_is_answered_and_a_retry_is_not_handled_twice(webhook: Webhook) -> None:
    update = text_update(10, 6002, "Where is my refund?")
    async with httpx.AsyncClient(timeout=60) as client:
        first = await client.post(webhook.url, json=update, headers={SECRET_HEADER: SECRET})
        retry = await client.post(webhook.url, json=update, headers={SECRET_HEADER: SECRET})
    assert first.status_code == retry.status_code == 200
    [reply] = await webhook.api.wait_for_messages(6002, 1)
    assert "refund" in reply.text.lower()
    await asyncio.sleep(0.5)
    assert len(webhook.api.messages_to(6002)) == 1, "the retry was acknowledged, not answered again"


async def test_an_erased_customer_leaves_no_trace_in_the_ledger_of_handled_updates(webhook: Webhook) -> None:
    tap = {"update_id": 31, "callback_query": {
        "id": "cb6030", "chat_instance": "ci", "data": "forget:confirm",
        "from": {"id": 6030, "is_bot": False, "first_name": "Alex"},
        "message": {"message_id": 7, "date": int(time.time()), "text": "earlier",
                    "chat": {"id": 6030, "type": "private", "first_name": "Alex"}}}}
    async with httpx.AsyncClient(timeout=60) as client:
        for update in (text_update(30, 6030, "Where is my refund?"), tap):
            response = await client.post(webhook.url, json=update, headers={SECRET_HEADER: SECRET})
            assert response.status_code == 200
    [_, erased] = await webhook.api.wait_for_messages(6030, 2)
    assert "deleted everything" in erased.text
    rows = query_rows(webhook.database_url, "select update_id from processed_updates where chat_key = 'telegram:6030'")
    assert rows == [(31,)], "only the confirming tap, marked after the erasure, is known until the window passes"


async def test_a_body_that_is_not_an_update_gets_400(webhook: Webhook) -> None:
    async with httpx.AsyncClient() as client:
        for body in (b"not json", b"[]", b'{"message": {}}'):
            response = await client.post(webhook.url, content=body, headers={SECRET_HEADER: SECRET})
            assert response.status_code == 400


async def test_flood_control_is_waited_out_and_the_reply_still_arrives(webhook: Webhook) -> None:
    webhook.api.refuse_sends_with_flood_control(2, retry_after=1)
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.post(webhook.url, json=text_update(20, 6003, "I was charged twice"),
                                     headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    [reply] = await webhook.api.wait_for_messages(6003, 1)
    assert "charge" in reply.text
    assert webhook.api.flood_refusals == 2, "Telegram said 429 twice; PTB's rate limiter retried after retry_after"
    assert time.monotonic() - started >= 2.0, "the bot waited retry_after before each retry"
