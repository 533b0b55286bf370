"""End to end over HTTP: the real PTB client long-polls a local fake Bot API.

One bot (and one load of the real model) serves the whole module; each test is a
different customer, so tests stay independent.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.channels import telegram as telegram_channel
from bot.channels.telegram import serve_telegram
from bot.channels.updates import MAX_TRIES
from bot.config import Settings
from bot.policy.fairness import TYPING_EVERY_SECONDS
from bot.storage.conversations import StoredMessage
from bot.storage.database import Database
from bot.storage.updates import FailedUpdates
from bot.testing.fake_bot_api import FakeBotApi
from bot.testing.faults import FaultyMessageStore
from knowledge import load_pack
from tests.conftest import TEST_TOKEN, make_settings, stored_telegram_messages

pytestmark = pytest.mark.slow


@dataclass
class RunningBot:
    api: FakeBotApi
    settings: Settings

    async def stored(self, chat_id: int) -> list[StoredMessage]:
        return await stored_telegram_messages(self.settings, chat_id)


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningBot]:
    api = FakeBotApi(TEST_TOKEN).start()
    settings = make_settings(Path(tmp_path_factory.mktemp("telegram")), api)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_telegram(settings, stop, poll_timeout=1))
    for _ in range(600):
        if "getUpdates" in api.calls or task.done():
            break
        await asyncio.sleep(0.05)
    if task.done():
        task.result()
    yield RunningBot(api, settings)
    stop.set()
    await asyncio.wait_for(task, timeout=30)
    api.stop()


async def test_worried_customer_gets_a_reply_and_the_message_is_stored_with_scores(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(telegram_channel, "TYPING_AFTER_SECONDS", 0.0)  # every reply is "slow": typing is shown
    bot.api.customer_sends_text(1001, "My card was charged twice for order #48213 and I'm really worried")
    [reply] = await bot.api.wait_for_messages(1001, 1)
    assert "support bot" in reply.text
    assert "double charge" in reply.text
    assert re.search(r"by \d\d:\d\d UTC on \w{3} \d{1,2} \w{3}", reply.text), reply.text
    stored = await bot.stored(1001)
    assert [m.sender for m in stored] == ["customer", "bot"]
    customer = stored[0]
    assert customer.text == "My card was charged twice for order #48213 and I'm really worried"
    assert customer.scores is not None and set(customer.scores) == {
        "anger", "anxiety", "sadness", "confusion", "positive", "neutral"
    }
    assert customer.scored_by.startswith("lora-")
    assert (1001, "typing") in bot.api.chat_actions


async def test_a_reply_quicker_than_the_typing_delay_comes_without_a_typing_indicator(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The indicator costs a Bot API call per message; a reply that beats the delay makes it pointless."""
    monkeypatch.setattr(telegram_channel, "TYPING_AFTER_SECONDS", 600.0)
    bot.api.customer_sends_text(1003, "Where is my order? It was due on Monday")
    bot.api.customer_sends_text(1004, "I was charged twice")
    await bot.api.wait_for_messages(1003, 1)
    await bot.api.wait_for_messages(1004, 1)
    assert [chat for chat, _ in bot.api.chat_actions if chat in (1003, 1004)] == []


async def test_start_and_help_explain_what_the_bot_is(bot: RunningBot) -> None:
    bot.api.customer_sends_text(1002, "/start")
    bot.api.customer_sends_text(1002, "/help")
    greeting, help_text = await bot.api.wait_for_messages(1002, 2)
    assert "support bot" in greeting.text
    assert "/help" in help_text.text


@pytest.mark.parametrize(
    ("chat_id", "send", "expected"),
    [
        (1010, lambda api, chat: api.customer_sends_sticker(chat), "sticker"),
        (1011, lambda api, chat: api.customer_sends_photo(chat), "photo"),
        (1012, lambda api, chat: api.customer_sends_text(chat, "\u200b"), "empty"),
        (1013, lambda api, chat: api.customer_sends_text(chat, "/frobnicate 42"), "/frobnicate"),
        (1014, lambda api, chat: api.customer_edits(chat, 5, "actually it was three times"), "edited"),
        (1015, lambda api, chat: api.customer_sends_text(chat, "my refund " + "a" * 20000), "whole message"),
        (1016, lambda api, chat: api.customer_presses_button(chat, "resolve:999;DROP TABLE"), "button"),
    ],
    ids=["sticker", "photo", "empty", "unknown-command", "edited", "20000-chars", "forged-button"],
)
async def test_odd_input_gets_a_polite_answer_and_the_next_message_is_still_answered(
    bot: RunningBot, chat_id: int, send: object, expected: str
) -> None:
    send(bot.api, chat_id)  # type: ignore[operator]
    [odd] = await bot.api.wait_for_messages(chat_id, 1)
    assert expected in odd.text
    bot.api.customer_sends_text(chat_id, "Where is my order?")
    _, answer = await bot.api.wait_for_messages(chat_id, 2)
    assert "order" in answer.text
    stored = await bot.stored(chat_id)
    assert len([m for m in stored if m.sender == "customer"]) == 2


async def test_photo_and_caption_are_kept_with_the_conversation(bot: RunningBot) -> None:
    bot.api.customer_sends_photo(1020, caption="the receipt")
    await bot.api.wait_for_messages(1020, 1)
    [photo, _] = await bot.stored(1020)
    assert (photo.kind, photo.text) == ("photo", "the receipt")


async def test_messages_from_many_customers_at_once_each_get_one_reply_in_order(bot: RunningBot) -> None:
    chats = range(2000, 2010)
    for chat in chats:
        bot.api.customer_sends_text(chat, "I was charged twice")
        bot.api.customer_sends_text(chat, "/help")
    for chat in chats:
        first, second = await bot.api.wait_for_messages(chat, 2)
        assert "charge" in first.text and "/start" in second.text
    await asyncio.sleep(0.3)
    assert all(len(bot.api.messages_to(chat)) == 2 for chat in chats)


async def test_an_unexpected_error_is_tried_again_a_few_times_then_kept_for_the_team(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Long polling took the update from Telegram already: the retry job tries it again, as many times as a webhook."""
    monkeypatch.setattr(telegram_channel, "RETRY_LATER_SECONDS", 0.2)
    with FaultyMessageStore("gift card") as fault:
        bot.api.customer_sends_text(1201, "My gift card code GC-9876 is refused at checkout")
        retrying, kept = await bot.api.wait_for_messages(1201, 2, timeout=60)
        await asyncio.sleep(1.0)
    wording = load_pack().wording_for("en")
    assert retrying.text == wording.failure and kept.text == wording.failure_kept
    assert fault.tries == MAX_TRIES and len(bot.api.messages_to(1201)) == 2, "given up: not tried again"
    database = Database(bot.settings.database_url)
    try:
        async with database.session() as session:
            [failed] = await FailedUpdates(session).given_up()
    finally:
        await database.dispose()
    assert failed.text == "My gift card code GC-9876 is refused at checkout" and failed.error == "LookupError"
    assert failed.tries == MAX_TRIES and failed.chat_key == "telegram:1201"


async def test_the_failure_notices_speak_the_language_the_customer_is_answered_in(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A message with no language of its own ("GC-5555 ok?") fails: the customer who writes Russian hears Russian."""
    monkeypatch.setattr(telegram_channel, "RETRY_LATER_SECONDS", 0.2)
    bot.api.customer_sends_text(1202, "Здравствуйте, у меня дважды списали деньги за заказ")
    await bot.api.wait_for_messages(1202, 1, timeout=120)
    with FaultyMessageStore("GC-5555"):
        bot.api.customer_sends_text(1202, "GC-5555 ok?")
        _, retrying, kept = await bot.api.wait_for_messages(1202, 3, timeout=60)
    russian = load_pack().wording_for("ru")
    assert (retrying.text, kept.text) == (russian.failure, russian.failure_kept)


async def test_a_burst_of_thirty_is_stored_whole_and_answered_once_while_another_customer_is_answered_meanwhile(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every turn counts as slow, so "typing…" is due on each and only its own limit bounds it (how quickly
    # this machine answers must not decide whether there is one).
    monkeypatch.setattr(telegram_channel, "TYPING_AFTER_SECONDS", 0.0)
    flooder, other = 3001, 3002
    texts = [f"Where is my order? This is message {n}, it's late" for n in range(30)]
    started = time.monotonic()
    for text in texts:
        bot.api.customer_sends_text(flooder, text)
    bot.api.customer_sends_text(other, "I was charged twice")
    await bot.api.wait_for_messages(other, 1)
    stored = await wait_until_answered(bot, flooder, len(texts))
    elapsed = time.monotonic() - started
    await asyncio.sleep(0.5)  # a late extra reply would arrive now
    replies = bot.api.messages_to(flooder)
    assert [m.text for m in stored if m.sender == "customer"] == texts, "every message is kept, in order"
    assert 1 <= len(replies) <= 3, f"the burst was read together: {len(replies)} replies to 30 messages"
    assert [m.text for m in stored if m.sender == "bot"] == [m.text for m in replies]
    assert bot.api.sent.index(bot.api.messages_to(other)[0]) < bot.api.sent.index(replies[-1]), (
        "the other customer did not wait for the burst to be answered")
    typing = bot.api.chat_actions.count((flooder, "typing"))
    assert 1 <= typing <= 1 + math.ceil(elapsed / TYPING_EVERY_SECONDS), f"{typing} typing indicators"


async def wait_until_answered(bot: RunningBot, chat_id: int, messages: int) -> list[StoredMessage]:
    """Until all ``messages`` of the chat are stored and a bot reply follows the last one."""
    for _ in range(600):
        stored = await bot.stored(chat_id)
        if sum(m.sender == "customer" for m in stored) >= messages and stored[-1].sender == "bot":
            return stored
        await asyncio.sleep(0.1)
    raise AssertionError(f"chat {chat_id}: not every message stored and answered within a minute")
