"""Tokens, passwords and what customers write never reach the log."""

import logging
from pathlib import Path

import pytest

from bot.engine import CustomerTurn, TurnKind
from bot.logs import RedactSecrets, quiet_noisy_loggers, redact
from bot.service import CustomerRef, SupportService
from bot.storage.database import Database, upgrade_schema_async
from knowledge import load_pack
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer


def test_bot_tokens_and_database_passwords_are_masked() -> None:
    line = "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe via postgresql+asyncpg://candor:s3cret@db/candor"
    masked = redact(line)
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in masked and "s3cret" not in masked
    assert "<bot-token>" in masked and "<password>@" in masked


def test_filter_rewrites_records_from_any_library() -> None:
    record = logging.LogRecord("httpx", logging.INFO, "x", 1, "HTTP Request: %s", ("bot42:abcdefghijklmnopqrstuvwxyz0123",), None)
    RedactSecrets().filter(record)
    assert "abcdefghijklmnopqrstuvwxyz0123" not in record.getMessage()


async def test_handling_a_turn_logs_no_customer_words_or_names(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}"
    await upgrade_schema_async(url)
    database, analyzer = Database(url), EmotionAnalyzer(None)
    pack = load_pack()
    service = SupportService(database, analyzer, pack, TopicIndex.build(pack, None))
    quiet_noisy_loggers(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        reply = await service.handle(
            CustomerRef("telegram", "77", "Zuzanna"),
            CustomerTurn(TurnKind.TEXT, text="my card 4111 1111 1111 1111 was charged twice"),
        )
    finally:
        await analyzer.close()
        await database.dispose()
    assert "double charge" in reply.text
    assert "turn handled" in caplog.text
    assert "4111" not in caplog.text and "Zuzanna" not in caplog.text and "charged twice" not in caplog.text
