"""Webhook mode over real HTTP on 127.0.0.1: the secret header is checked and each update is handled once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.channels.updates import MAX_TRIES
from bot.channels.webhook import SECRET_HEADER, serve_webhook
from bot.config import Settings
from bot.console.app import build_console
from bot.logs import quiet_noisy_loggers
from bot.storage.database import Database
from bot.storage.trainers import TrainerRepository
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.faults import FaultyMessageStore
from bot.testing.webhook_client import free_port, text_update
from knowledge import load_pack
from tests.conftest import TEST_TOKEN, make_settings, query_rows, stored_telegram_messages
from tests.e2e.console_server import PASSWORD, sign_in

pytestmark = pytest.mark.slow
SECRET = "s3cret-webhook-token_42"
LIMIT_SECONDS = 2.0
"""The worker's header and body read timeouts here: short, so a test need not wait long for them."""
MAX_CONNECTIONS = 40  # Telegram opens at most 40 connections to a webhook by default
CEILING = 30.0


@dataclass
class Webhook:
    url: str
    port: int
    api: FakeBotApi
    settings: Settings


@pytest.fixture(scope="module")
async def webhook(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Webhook]:
    api = FakeBotApi(TEST_TOKEN).start()
    settings = make_settings(Path(tmp_path_factory.mktemp("webhook")), api, CANDOR_WEBHOOK_SECRET=SECRET,
                             CANDOR_WEBHOOK_HEADER_TIMEOUT=LIMIT_SECONDS, CANDOR_WEBHOOK_BODY_TIMEOUT=LIMIT_SECONDS,
                             CANDOR_WEBHOOK_MAX_CONNECTIONS=MAX_CONNECTIONS)
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
    yield Webhook(url, port, api, settings)
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
    rows = query_rows(webhook.settings.database_url, "select update_id from processed_updates where chat_key = 'telegram:6030'")
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


async def test_a_private_update_from_someone_other_than_the_chat_is_refused(
    webhook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    forged = text_update(30, 6004, "Cancel my order and refund it to this card")
    forged["message"]["from"]["id"] = 6005  # type: ignore[index]
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.post(webhook.url, json=forged, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200, "acknowledged, so Telegram does not send it again"
    await asyncio.sleep(0.5)
    assert webhook.api.messages_to(6004) == [] and webhook.api.messages_to(6005) == []
    assert await stored_telegram_messages(webhook.settings, 6005) == [], "not handled as the sender's turn"
    assert await stored_telegram_messages(webhook.settings, 6004) == []
    assert "refused" in caplog.text and "6004" not in caplog.text and "6005" not in caplog.text


async def test_at_debug_the_telegram_library_logs_no_customer_words_or_names(
    webhook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    """/mydata sends the customer's own words and name back: they pass through the library's requests."""
    quiet_noisy_loggers(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    words, data = text_update(40, 6006, "Where is my order #48213? It is a week late, I live in Wrocław"), text_update(41, 6006, "/mydata")
    data["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": 7}]  # type: ignore[index]
    for update in (words, data):
        update["message"]["from"]["first_name"] = update["message"]["chat"]["first_name"] = "Przemysława"  # type: ignore[index]
    async with httpx.AsyncClient(timeout=60) as client:
        for update in (words, data):
            response = await client.post(webhook.url, json=update, headers={SECRET_HEADER: SECRET})
            assert response.status_code == 200
    _, mydata = await webhook.api.wait_for_messages(6006, 2)
    assert "Wrocław" in mydata.text and "Przemysława" in mydata.text
    # The library's own loggers were open at DEBUG while the words passed (an apscheduler line used to prove it,
    # until promise checks moved to the task watch and no job was added in this window).
    assert logging.getLogger("telegram.ext.Application").isEnabledFor(logging.DEBUG), "the debug log was on"
    assert caplog.handler.level <= logging.DEBUG
    assert "Wrocław" not in caplog.text and "Przemysława" not in caplog.text


async def test_an_unexpected_error_is_retried_a_few_times_then_kept_for_the_team_and_shown_to_trainers(
    webhook: Webhook,
) -> None:
    """A fault in the bot itself: 500 (Telegram sends it again) a few times, then kept as failed and 200."""
    update = text_update(50, 6007, "My gift card code GC-1234 is refused at checkout")
    wording = load_pack().wording_for("en")
    statuses, heard = [], []
    with FaultyMessageStore("gift card") as fault:
        async with httpx.AsyncClient(timeout=60) as client:
            for _ in range(MAX_TRIES):  # Telegram sends an update again until it gets a 200
                response = await client.post(webhook.url, json=update, headers={SECRET_HEADER: SECRET})
                statuses.append(response.status_code)
                heard.append(len(webhook.api.messages_to(6007)))
            late = await client.post(webhook.url, json=update, headers={SECRET_HEADER: SECRET})
    assert statuses == [500] * (MAX_TRIES - 1) + [200] and late.status_code == 200
    assert fault.tries == MAX_TRIES, "handled again at each redelivery, never after it was given up"
    assert heard == [1] * (MAX_TRIES - 1) + [2], "told once that we try again, once that it is kept; not at every try"
    retrying, kept = (message.text for message in webhook.api.messages_to(6007))
    assert retrying == wording.failure and "saved" not in retrying and "kept" not in retrying
    assert kept == wording.failure_kept
    assert await stored_telegram_messages(webhook.settings, 6007) == [], "the conversation never got it..."

    database = Database(webhook.settings.database_url)
    try:
        async with database.session() as session:
            await TrainerRepository(session).add("anna", PASSWORD)
        transport = httpx.ASGITransport(app=build_console(database, "test-secret", secure_cookie=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as console:
            await sign_in(console)
            queue = (await console.get("/")).text
    finally:
        await database.dispose()
    assert "My gift card code GC-1234 is refused at checkout" in queue, "...but trainers see it in the review queue"
    assert "LookupError" in queue and "telegram:6007" in queue

async def closed_or_answered(reader: asyncio.StreamReader) -> bytes:
    """Everything the worker sends until it hangs up (a reset counts as hanging up), within a generous ceiling."""
    received = b""
    try:
        async with asyncio.timeout(CEILING):
            while chunk := await reader.read(65536):
                received += chunk
    except ConnectionResetError:
        pass
    return received


def request_head(content_length: int) -> bytes:
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{SECRET_HEADER}: {SECRET}\r\nContent-Length: {content_length}\r\n\r\n").encode()


async def test_clients_that_stall_or_dribble_their_headers_are_disconnected_after_the_header_timeout(
    webhook: Webhook,
) -> None:
    stalled_reader, stalled = await asyncio.open_connection("127.0.0.1", webhook.port)
    dribbling_reader, dribbling = await asyncio.open_connection("127.0.0.1", webhook.port)
    started = time.monotonic()
    stalled.write(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")

    async def dribble() -> None:
        for byte in request_head(2)[:-4]:
            dribbling.write(bytes([byte]))
            await asyncio.sleep(0.25)

    trickle = asyncio.create_task(dribble())
    assert await closed_or_answered(stalled_reader) == b""
    assert await closed_or_answered(dribbling_reader) == b""
    elapsed = time.monotonic() - started
    trickle.cancel()
    assert LIMIT_SECONDS * 0.9 <= elapsed < CEILING, "hung up on by the header timeout, not at once nor never"
    for writer in (stalled, dribbling):
        writer.close()


async def test_a_body_that_stops_arriving_gets_408_after_the_body_timeout(webhook: Webhook) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", webhook.port)
    writer.write(request_head(200) + b'{"update_id": 7')
    answer = await closed_or_answered(reader)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:60]
    writer.close()


async def test_a_body_over_the_limit_is_refused_by_its_length_before_it_is_sent(webhook: Webhook) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", webhook.port)
    writer.write(request_head(50_000_000))
    answer = await closed_or_answered(reader)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:60]
    writer.close()


async def test_connections_beyond_the_cap_are_refused_and_updates_are_answered_once_the_idle_ones_are_cut(
    webhook: Webhook,
) -> None:
    idle = [await asyncio.open_connection("127.0.0.1", webhook.port) for _ in range(MAX_CONNECTIONS)]
    for _, writer in idle:
        writer.write(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    reader, writer = await asyncio.open_connection("127.0.0.1", webhook.port)
    refused = await closed_or_answered(reader)
    assert refused.startswith(b"HTTP/1.1 503"), refused[:60]
    for idle_reader, idle_writer in idle:
        assert await closed_or_answered(idle_reader) == b"", "cut by the header timeout"
        idle_writer.close()
    writer.close()
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.post(webhook.url, json=text_update(60, 6008, "Where is my refund?"),
                                     headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    [reply] = await webhook.api.wait_for_messages(6008, 1)
    assert "refund" in reply.text.lower()


async def test_a_client_that_sends_an_oversized_body_anyway_still_reads_the_413(webhook: Webhook) -> None:
    """The answer comes before the body is read; the connection is not reset under a client still sending."""
    async with httpx.AsyncClient(timeout=60) as client:
        for _ in range(3):
            response = await client.post(webhook.url, content=b"{" + b" " * 8_000_000 + b"}",
                                         headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"})
            assert response.status_code == 413


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
