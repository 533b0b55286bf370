"""The database goes away for a while: retries first, then an honest "give me a minute", and nothing is lost.

The service is tested on both databases with its connection refused for a while. On
PostgreSQL the webhook is also tested end to end: its database connections run through a TCP
proxy on 127.0.0.1 that the test cuts and restores, while the test plays Telegram and sends
each refused update again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.webhook import SECRET_HEADER, serve_webhook
from bot.policy.model import CustomerTurn, Move, Reply, TurnKind
from bot.service.customer import CustomerRef
from bot.service.outage import StorageUnavailable
from bot.service.support import SupportService
from bot.storage.database import Database, upgrade_schema_async
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.webhook_client import free_port, text_update
from knowledge import load_pack
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer
from tests.conftest import TEST_TOKEN, database_url, make_settings, on_postgres, stored_telegram_messages

CUSTOMER = CustomerRef("telegram", "7301", "Iga")
SECRET = "outage-secret_1"


class UnreachableDatabase(Database):
    """The real database, except that opening a transaction is refused while ``refusals`` lasts."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.refusals = 0

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        if self.refusals > 0:
            self.refusals -= 1
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        async with super().session() as session:
            yield session


def recorder(sent: list[Reply]) -> Callable[[Reply], Awaitable[None]]:
    """A channel that keeps what the service sends, in order."""

    async def deliver(reply: Reply) -> None:
        sent.append(reply)

    return deliver


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[tuple[SupportService, UnreachableDatabase]]:
    url = database_url(tmp_path, "outage")
    await upgrade_schema_async(url)
    database, analyzer, pack = UnreachableDatabase(url), EmotionAnalyzer(None), load_pack()
    yield SupportService(database, analyzer, pack, TopicIndex.build(pack, None)), database
    await analyzer.close()
    await database.dispose()


async def test_a_short_blip_is_retried_and_the_customer_just_gets_the_answer(
    service: tuple[SupportService, UnreachableDatabase],
) -> None:
    support, database = service
    sent: list[Reply] = []
    database.refusals = 2
    await support.handle(CUSTOMER, CustomerTurn(TurnKind.TEXT, text="Where is my order #48213?"), 11, recorder(sent))
    assert [reply.move for reply in sent] == [Move.ANSWER]
    assert "your order" in sent[0].text


async def test_a_longer_outage_gets_one_honest_wait_message_and_the_message_is_answered_after(
    service: tuple[SupportService, UnreachableDatabase],
) -> None:
    support, database = service
    sent: list[Reply] = []
    deliver = recorder(sent)
    turn = CustomerTurn(TurnKind.TEXT, text="Gdzie jest mój zwrot pieniędzy za buty? Zamówienie #48213")
    database.refusals = 1000
    for _ in range(2):  # Telegram (or the polling retry job) brings the same message again
        with pytest.raises(StorageUnavailable):
            await support.handle(CUSTOMER, turn, 12, deliver)
    assert [reply.move for reply in sent] == [Move.PLEASE_WAIT], "told once, not at every retry"
    assert "Daj mi chwilę" in sent[0].text and "15 minut" in sent[0].text, "in the customer's language, with a time"

    database.refusals = 0
    await support.handle(CUSTOMER, turn, 12, deliver)
    assert sent[-1].move is Move.ANSWER and "zwrot" in sent[-1].text
    async with database.session() as session:
        from bot.storage.conversations import ConversationRepository

        stored = await ConversationRepository(session).messages_of(CUSTOMER.channel, CUSTOMER.external_id)
    assert [m.sender for m in stored] == ["customer", "bot"], "the message was kept once and answered once"


class CuttableProxy:
    """A TCP proxy to the database that can drop every connection and refuse new ones."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.up = True
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def cut(self) -> None:
        self.up = False
        for writer in list(self._writers):
            writer.close()

    def restore(self) -> None:
        self.up = True

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, upstream_writer))
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        self._writers.difference_update((writer, upstream_writer))

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()


@pytest.mark.slow
@pytest.mark.skipif(not on_postgres(), reason="the proxy stands between the webhook and a PostgreSQL server")
async def test_webhook_with_postgresql_down_says_give_me_a_minute_then_answers_the_retry(tmp_path: Path) -> None:
    real = make_url(database_url(tmp_path))
    proxy = CuttableProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    api = FakeBotApi(TEST_TOKEN).start()
    settings = make_settings(tmp_path, api, CANDOR_WEBHOOK_SECRET=SECRET,
                             DATABASE_URL=real.set(port=proxy.port).render_as_string(hide_password=False))
    port, stop = free_port(), asyncio.Event()
    task = asyncio.create_task(serve_webhook(settings, "127.0.0.1", port, stop))
    url, headers = f"http://127.0.0.1:{port}/", {SECRET_HEADER: SECRET}
    try:
        async with httpx.AsyncClient(timeout=60) as client:
            for _ in range(600):
                with contextlib.suppress(httpx.ConnectError):
                    await client.post(url, content=b"{}")
                    break
                assert not task.done(), task.result()
                await asyncio.sleep(0.05)
            first = await client.post(url, json=text_update(1, 7302, "Where is my order?"), headers=headers)
            assert first.status_code == 200

            proxy.cut()
            update = text_update(2, 7302, "And when will I get my refund for the shoes?")
            refused = [await client.post(url, json=update, headers=headers) for _ in range(2)]
            assert [r.status_code for r in refused] == [503, 503], "not acknowledged: Telegram keeps the update"
            texts = [m.text for m in api.messages_to(7302)]
            assert len(texts) == 2 and texts[1].startswith("Give me a minute"), texts

            proxy.restore()
            retried = await client.post(url, json=update, headers=headers)
            assert retried.status_code == 200
        replies = await api.wait_for_messages(7302, 3)
        assert "refund" in replies[2].text
        stored = await stored_telegram_messages(settings, 7302)
        assert [(m.sender, m.text[:20]) for m in stored if m.sender == "customer"] == [
            ("customer", "Where is my order?"), ("customer", "And when will I get ")], "nothing lost, nothing twice"
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        await proxy.stop()
        api.stop()


@pytest.mark.slow
@pytest.mark.skipif(not on_postgres(), reason="the proxy stands between the bot and a PostgreSQL server")
async def test_long_polling_with_postgresql_down_tries_again_later_and_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Long polling has already taken the update from Telegram, so the bot keeps it and tries again."""
    from bot.channels import telegram as telegram_channel
    from tests.e2e.running_bot import Bot

    monkeypatch.setattr(telegram_channel, "RETRY_LATER_SECONDS", 1.0)
    real = make_url(database_url(tmp_path))
    proxy = CuttableProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    api = FakeBotApi(TEST_TOKEN).start()
    bot = Bot(api, make_settings(tmp_path, api, DATABASE_URL=real.set(port=proxy.port).render_as_string(
        hide_password=False)))
    try:
        await bot.start()
        proxy.cut()
        api.customer_sends_text(7303, "Где мой возврат денег за кроссовки?")
        [wait] = await api.wait_for_messages(7303, 1, timeout=30)
        assert wait.text.startswith("Дайте мне минуту"), "told in Russian, once, while the database is down"
        await asyncio.sleep(2.5)
        assert len(api.messages_to(7303)) == 1, "not told again at every retry"
        proxy.restore()
        replies = await api.wait_for_messages(7303, 2, timeout=30)
        assert "возврат" in replies[1].text
        stored = await bot.stored(7303)
        assert [m.sender for m in stored] == ["customer", "bot"], "kept once, answered once"
    finally:
        await bot.stop()
        await proxy.stop()
        api.stop()
