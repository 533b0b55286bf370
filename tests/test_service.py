"""One turn through the service on a real SQLite database (keyword scores: no model needed)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engine import CustomerTurn, TurnKind
from bot.service import CustomerRef, SupportService
from bot.storage.conversations import ConversationRepository, StoredMessage
from bot.storage.database import Database, upgrade_schema_async
from knowledge import load_pack
from nlu.runtime import EmotionAnalyzer

CUSTOMER = CustomerRef("telegram", "501", "Olga")


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[tuple[SupportService, Database]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}"
    await upgrade_schema_async(url)
    database, analyzer = Database(url), EmotionAnalyzer(None)
    yield SupportService(database, analyzer, load_pack()), database
    await analyzer.close()
    await database.dispose()


async def stored(database: Database) -> list[StoredMessage]:
    async with database.session() as session:
        return await ConversationRepository(session).messages_of(CUSTOMER.channel, CUSTOMER.external_id)


async def test_signals_of_each_customer_message_are_stored(service: tuple[SupportService, Database]) -> None:
    support, database = service
    await support.handle(CUSTOMER, CustomerTurn(TurnKind.TEXT, text="Where is my refund for order 1234?"))
    await support.handle(CUSTOMER, CustomerTurn(TurnKind.TEXT, text="This is urgent, I want a real person"))
    await support.handle(CUSTOMER, CustomerTurn(TurnKind.TEXT, text="where is my refund for order 1234??"))
    customer = [m for m in await stored(database) if m.sender == "customer"]
    assert [m.signals for m in customer] == [(), ("asks_for_human", "urgent"), ("repeated_question",)]


async def test_replies_are_delivered_in_the_order_messages_arrived(service: tuple[SupportService, Database]) -> None:
    import asyncio

    support, _ = service
    delivered: list[str] = []

    async def deliver(reply: object) -> None:
        await asyncio.sleep(0)
        delivered.append(reply.move.value)

    await asyncio.gather(
        support.handle(CUSTOMER, CustomerTurn(TurnKind.COMMAND, text="/help", command="help"), deliver=deliver),
        support.handle(CUSTOMER, CustomerTurn(TurnKind.TEXT, text="I was charged twice"), deliver=deliver),
        support.handle(CUSTOMER, CustomerTurn(TurnKind.NON_TEXT, content_type="sticker"), deliver=deliver),
    )
    assert delivered == ["help", "answer", "ask_for_text"]
