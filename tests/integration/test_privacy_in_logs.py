"""Tokens, passwords and what customers write never reach the log."""

import logging
import re
from pathlib import Path

import pytest

from bot.logs import RedactSecrets, quiet_noisy_loggers, redact
from bot.policy.model import CustomerTurn, Reply, TurnKind
from bot.service.customer import CustomerRef
from bot.service.lookups import OrderLookups
from bot.service.support import SupportService
from bot.shop.demo import DemoShop
from bot.shop.demo_server import LoopbackServer, contract_app
from bot.shop.http import HttpShop
from bot.storage.database import Database, upgrade_schema_async
from bot.storage.models import utc_now
from knowledge import load_pack
from knowledge.retrieval import TopicIndex
from nlu.runtime import EmotionAnalyzer
from tests.conftest import database_url


def test_bot_tokens_and_database_passwords_are_masked() -> None:
    line = "POST https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe via postgresql+asyncpg://candor:s3cret@db/candor"
    masked = redact(line)
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in masked and "s3cret" not in masked
    assert "<bot-token>" in masked and "<password>@" in masked


def test_filter_rewrites_records_from_any_library() -> None:
    record = logging.LogRecord("httpx", logging.INFO, "x", 1, "HTTP Request: %s", ("bot42:abcdefghijklmnopqrstuvwxyz0123",), None)
    RedactSecrets().filter(record)
    assert "abcdefghijklmnopqrstuvwxyz0123" not in record.getMessage()


async def handle_one_turn(tmp_path: Path, customer: CustomerRef, text: str, *more: str,
                          lookups: OrderLookups | None = None) -> Reply | None:
    """Text turns through a real service on a fresh database (the model left out: keyword scores); the last reply."""
    url = database_url(tmp_path, 'c')
    await upgrade_schema_async(url)
    database, analyzer = Database(url), EmotionAnalyzer(None)
    pack = load_pack()
    service = SupportService(database, analyzer, pack, TopicIndex.build(pack, None), lookups=lookups)
    try:
        reply = await service.handle(customer, CustomerTurn(TurnKind.TEXT, text=text))
        for later in more:
            reply = await service.handle(customer, CustomerTurn(TurnKind.TEXT, text=later))
        return reply
    finally:
        await analyzer.close()
        await database.dispose()


async def test_handling_a_turn_logs_no_customer_words_or_names(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_noisy_loggers(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    reply = await handle_one_turn(tmp_path, CustomerRef("telegram", "77", "Zuzanna"),
                                  "my card 4111 1111 1111 1111 was charged twice")
    assert reply is not None and "double charge" in reply.text
    assert "turn handled" in caplog.text
    assert "4111" not in caplog.text and "Zuzanna" not in caplog.text and "charged twice" not in caplog.text


async def test_the_details_a_case_collects_are_named_in_the_log_but_never_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    reply = await handle_one_turn(tmp_path, CustomerRef("telegram", "78", "Ola"),
                                  "I need to change the delivery address for order #55120", "12 Baker Street, London NW1 6XE")
    assert reply is not None and "#55120" in reply.text and "12 Baker Street" in reply.text
    assert "case change_address: order_ref, address" in caplog.text
    assert "Baker" not in caplog.text and "55120" not in caplog.text


async def test_an_order_lookup_over_http_logs_neither_the_contact_nor_the_orders_facts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    quiet_noisy_loggers(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    async with LoopbackServer(contract_app(DemoShop(utc_now), "log-test-token")) as shop_url:
        shop = HttpShop(shop_url, "log-test-token")
        try:
            reply = await handle_one_turn(
                tmp_path, CustomerRef("telegram", "79", "Oliver"),
                "I was charged twice for order #50006, my email is oliver.bennett@example.com",
                lookups=OrderLookups(shop, utc_now))
        finally:
            await shop.close()
    assert reply is not None
    amount = re.search(r"two settled payments of ([\d.]+)", reply.text)
    assert amount is not None, reply.text
    assert "order lookup conversation=1 backend=http found=True" in caplog.text
    assert "payments settled=2" in caplog.text, "the log says what the bot found in kinds and counts only"
    for private in ("oliver.bennett", "example.com", "log-test-token", "50006", amount.group(1)):
        assert private not in caplog.text


@pytest.mark.parametrize(
    ("line", "hidden", "kept"),
    [
        ("customer wrote olga.k+shop@example.com", "olga.k+shop@example.com", "customer wrote <email>"),
        ("card 4111 1111 1111 1111 declined", "4111 1111 1111 1111", "<card-number>"),
        ("call me on +48 601 234 567", "601 234 567", "<phone>"),
        ("callback to (415) 555-0134", "555-0134", "<phone>"),
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi", "Bearer <secret>"),
    ],
)
def test_personal_data_and_secrets_never_reach_a_log_line(line: str, hidden: str, kept: str) -> None:
    assert hidden not in redact(line) and kept in redact(line)


def test_dates_times_and_ids_in_log_lines_are_left_alone() -> None:
    line = "promise 12 running late: new due 2026-11-24T10:00:00+00:00 conversation=7 score=0.93"
    assert redact(line) == line


async def test_at_info_a_self_harm_turn_is_logged_without_naming_self_harm(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    reply = await handle_one_turn(tmp_path, CustomerRef("telegram", "78", "Marek"), "I want to die, nothing works")
    assert reply is not None and reply.move.value == "hand_off"
    assert "turn handled conversation=1" in caplog.text
    assert "self_harm" not in caplog.text and "self-harm" not in caplog.text.lower()
