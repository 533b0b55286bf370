"""A representative part of the shipped conversation scripts, played over HTTP: the real PTB client, a running
bot and the local fake Bot API, checked against the same expectations as ``candor test conversations``.

The scripts in tests/conversations run through the service in every CI pass; these prove that what a
customer types into Telegram meets the same case handling (details, corrections, photos, endings,
handoffs) once the channel, the webhook-free polling and the database are real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.policy.model import Move, Reply
from bot.service.scripted import Script, load_scripts, problems_with
from bot.storage.models import Customer
from bot.testing.fake_bot_api import FakeBotApi
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot

pytestmark = pytest.mark.slow
SCRIPTS = {script.name: script for script in load_scripts(sorted(Path("tests/conversations").glob("*.yaml")))}
REPRESENTATIVE = (
    "en the customer corrects the order number",
    "en a broken item asks for the order and a photo, then commits",
    "en an address change follows a side question and comes back",
    "en are you a bot is answered honestly and the case goes on",
    "en never mind drops the case without a handoff",
    "ru двойное списание, номер спрошен один раз",
    "ru просьба о живом человеке передаётся человеку",
    "pl zły rozmiar i wymiana",
    "pl ktoś użył mojej karty trafia do człowieka",
    "zh 改收货地址",
    "zh 账号被锁的客户不会听到快递升级",
    "a refund question, then a clear thanks closes the case",
)


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    api = FakeBotApi(TEST_TOKEN).start()
    running = Bot(api, make_settings(Path(tmp_path_factory.mktemp("scripts")), api))
    await running.start()
    yield running
    await running.stop()
    api.stop()


async def play(bot: Bot, script: Script, chat_id: int) -> list[str]:
    """Each turn sent as a Telegram update; each reply read back as the customer got it and as it was stored."""
    problems: list[str] = []
    for number, turn in enumerate(script.turns, start=1):
        before = len(bot.api.messages_to(chat_id))
        if turn.photo:
            bot.api.customer_sends_photo(chat_id)
        else:
            bot.api.customer_sends_text(chat_id, turn.customer)
        received = (await bot.api.wait_for_messages(chat_id, before + 1, timeout=120))[before:]
        stored = [m for m in await bot.stored(chat_id) if m.sender == "bot"][-1]
        [(language,)] = await bot.query(select(Customer.language).where(Customer.external_id == str(chat_id)))
        reply = Reply(Move(stored.move), received[0].text or "")
        problems += [f"turn {number} ({turn.customer}): {problem}"
                     for problem in problems_with(reply, language, turn.expect, stored.case_after)]
    return problems


@pytest.mark.parametrize("name", REPRESENTATIVE)
async def test_a_shipped_conversation_goes_the_same_way_over_telegram(bot: Bot, name: str) -> None:
    script = SCRIPTS[name]
    assert not await play(bot, script, 7000 + REPRESENTATIVE.index(name))
