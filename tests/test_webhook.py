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
from bot.config import Settings
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.webhook_client import free_port, text_update
from tests.conftest import TEST_TOKEN, make_settings, stored_telegram_messages

pytestmark = pytest.mark.slow
SECRET = "s3cret-webhook-token_42"


@dataclass
class Webhook:
    url: str
    api: FakeBotApi
    settings: Settings


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
    yield Webhook(url, api, settings)
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


async def test_a_burst_posted_at_once_is_stored_before_each_200_and_answered_once(webhook: Webhook) -> None:
    flooder, other = 6101, 6102
    texts = [f"Where is my refund? Message {n}, still nothing" for n in range(30)]
    updates = [text_update(100 + n, flooder, text) for n, text in enumerate(texts)]
    async with httpx.AsyncClient(timeout=120) as client:
        async def post(update: dict[str, object]) -> int:
            return (await client.post(webhook.url, json=update, headers={SECRET_HEADER: SECRET})).status_code

        burst = [asyncio.create_task(post(update)) for update in updates]
        await asyncio.sleep(0)
        assert await post(text_update(200, other, "I was charged twice")) == 200
        other_answered = len(webhook.api.sent)
        statuses = await asyncio.gather(*burst)
        assert statuses == [200] * 30
        stored = await stored_telegram_messages(webhook.settings, flooder)
    assert [m.text for m in stored if m.sender == "customer"] == texts, "each message was stored before its 200"
    await asyncio.sleep(0.5)  # a late extra reply would arrive now
    replies = webhook.api.messages_to(flooder)
    assert 1 <= len(replies) <= 3, f"the burst was read together: {len(replies)} replies to 30 messages"
    assert "support bot" in replies[0].text, "the first message of a conversation is answered: the bot says what it is"
    assert stored[-1].sender == "bot" and [m.text for m in stored if m.sender == "bot"] == [m.text for m in replies]
    assert webhook.api.sent.index(replies[-1]) >= other_answered, (
        "the other customer was answered before the burst was")
