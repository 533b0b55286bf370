"""Order, parcel and refund lookups as a customer meets them on Telegram: the real PTB client and a running bot over
the fake Bot API, with the demo shop served over real HTTP (``CANDOR_SHOP=http``, docs/shop-api.yaml).

Each case runs in two languages: the answer states what the shop's data says (the last scan and the courier's
estimate, a hold or two settled charges, a refund's expected date), a contact that does not match shows nothing,
and a shop that does not answer in time is said to be unreachable instead of guessed at.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from bot.shop.demo import DemoShop
from bot.shop.demo_server import LoopbackServer, contract_app
from bot.storage.models import Conversation, Customer, Promise
from bot.testing.fake_bot_api import FakeBotApi, SentMessage
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot

pytestmark = pytest.mark.slow
SHOP_TOKEN = "shop-secret-e2e"
HANGING_REFS = ("50007", "50029")
"""Orders whose lookups the shop never answers: the bot's 5 s timeout must end them."""


def with_hanging_orders(app: ASGIApp, never: asyncio.Event) -> Starlette:
    """The demo contract, except that calls about HANGING_REFS wait forever (a shop that stopped answering)."""

    async def hang(request: Request) -> Response:
        await never.wait()
        return Response(status_code=504)

    routes = [Route(f"/v1/orders/{ref}{tail}", hang) for ref in HANGING_REFS for tail in ("", "/shipments", "/refunds")]
    return Starlette(routes=[*routes, Mount("/", app)])


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    never = asyncio.Event()
    shop = LoopbackServer(with_hanging_orders(contract_app(DemoShop(lambda: dt.datetime.now(dt.UTC)), SHOP_TOKEN),
                                              never))
    url = await shop.start()
    api = FakeBotApi(TEST_TOKEN).start()
    running = Bot(api, make_settings(Path(tmp_path_factory.mktemp("shop")), api, CANDOR_SHOP="http",
                                     CANDOR_SHOP_URL=url, CANDOR_SHOP_TOKEN=SHOP_TOKEN))
    await running.start()
    yield running
    await running.stop()
    api.stop()
    never.set()
    await shop.stop()


async def says(bot: Bot, chat_id: int, text: str) -> SentMessage:
    """The customer writes; the bot's one reply (a lookup may take up to the shop's timeout)."""
    before = len(bot.api.messages_to(chat_id))
    bot.api.customer_sends_text(chat_id, text)
    return (await bot.api.wait_for_messages(chat_id, before + 1, timeout=120))[before]


async def shares_phone(bot: Bot, chat_id: int, phone: str, own: bool = True) -> SentMessage:
    before = len(bot.api.messages_to(chat_id))
    bot.api.customer_shares_contact(chat_id, phone, own)
    return (await bot.api.wait_for_messages(chat_id, before + 1, timeout=120))[before]


async def promises_made(bot: Bot, chat_id: int) -> int:
    rows = await bot.query(select(Promise.id).join(Conversation, Promise.conversation_id == Conversation.id)
                           .join(Customer, Conversation.customer_id == Customer.id)
                           .where(Customer.external_id == str(chat_id)))
    return len(rows)


def offers_the_share_button(message: SentMessage) -> bool:
    keyboard = message.params.get("reply_markup", {}).get("keyboard", [])
    return any(button.get("request_contact") for row in keyboard for button in row)


@pytest.mark.parametrize(("chat_id", "asks", "phone", "facts"), [
    (9101, "Where is my order #50001? It was supposed to be here by now.", "+447700900123",
     ("Hinckley Hub", "DPD", "late")),
    (9102, "Gdzie jest moje zamówienie #50012? Miało już być.", "+48601234567", ("Warszawa", "DPD")),
])
async def test_a_late_parcel_is_answered_with_its_last_scan_and_the_couriers_estimate(
        bot: Bot, chat_id: int, asks: str, phone: str, facts: tuple[str, ...]) -> None:
    question = await says(bot, chat_id, asks)
    assert offers_the_share_button(question), "the bot offers Telegram's button to prove the order with a phone"
    answer = await shares_phone(bot, chat_id, phone)
    for fact in facts:
        assert fact in answer.text
    assert await promises_made(bot, chat_id) == 1, "a late parcel is a real problem: the team's next step has a time"


@pytest.mark.parametrize(("chat_id", "text", "hold", "expected"), [
    (9111, "I was charged twice for order #50005, my email is oliver.bennett@example.com", True,
     "pending hold, not a charge"),
    (9112, "I was charged twice for order #50006, my email is oliver.bennett@example.com", False,
     "You're right: I see two settled payments"),
    (9113, "С меня дважды списали деньги за заказ #50027, почта maria.ivanova@example.net", True, "блокировка"),
    (9114, "С меня дважды списали деньги за заказ #50028, почта maria.ivanova@example.net", False, "Вы правы"),
])
async def test_a_double_charge_is_answered_differently_for_a_hold_and_for_two_settled_charges(
        bot: Bot, chat_id: int, text: str, hold: bool, expected: str) -> None:
    answer = await says(bot, chat_id, text)
    assert expected in answer.text
    stored = [m for m in await bot.stored(chat_id) if m.sender == "bot"][-1]
    assert stored.case_after is not None and stored.case_after.verified == (text.split("#")[1][:5],)
    # A hold needs nobody to do anything; two settled charges are a real double charge the team takes on, by a time.
    assert await promises_made(bot, chat_id) == (0 if hold else 1)


@pytest.mark.parametrize(("chat_id", "text", "expected"), [
    (9121, "Where is my refund for order #50008? grace.walsh@example.net", ("is on its way: it's expected on", "on its way")),
    (9122, "Где мой возврат по заказу #50030? Почта dmitry.kuznetsov@example.org", ("возврат",)),
])
async def test_a_refund_is_answered_with_its_status_and_expected_date(
        bot: Bot, chat_id: int, text: str, expected: tuple[str, ...]) -> None:
    answer = await says(bot, chat_id, text)
    for words in expected:
        assert words in answer.text
    assert await promises_made(bot, chat_id) == 0, "a refund on its way on time needs no new promise"


@pytest.mark.parametrize(("chat_id", "ref", "wrong", "language_words"), [
    (9131, "50005", "someone.else@example.com", "can't find order #50005"),
    (9132, "50016", "ktos.inny@example.com", "#50016"),
])
async def test_a_contact_that_does_not_match_the_order_shows_nothing_about_it(
        bot: Bot, chat_id: int, ref: str, wrong: str, language_words: str) -> None:
    opening = ("I was charged twice for order #" if chat_id == 9131 else "Pobrano mi pieniądze dwa razy za zamówienie #")
    asked = await says(bot, chat_id, f"{opening}{ref}")
    refused = await says(bot, chat_id, wrong)
    assert language_words in refused.text
    for shown in ("settled", "49", "hold", "blokad"):
        assert shown not in refused.text.lower()
    assert offers_the_share_button(asked) and offers_the_share_button(refused)
    someone_else = await shares_phone(bot, chat_id, "+447700900456", own=False)
    assert offers_the_share_button(someone_else) and "49" not in someone_else.text
    assert await promises_made(bot, chat_id) == 0


async def test_three_failed_proofs_hand_the_customer_to_a_person(bot: Bot) -> None:
    chat_id = 9135
    await says(bot, chat_id, "I was charged twice for order #50006")
    for attempt in range(3):
        reply = await says(bot, chat_id, f"guess{attempt}@example.com")
    stored = [m for m in await bot.stored(chat_id) if m.sender == "bot"][-1]
    assert stored.move == "hand_off"
    assert "won't show anything about it" in reply.text


@pytest.mark.parametrize(("chat_id", "text", "words"), [
    (9141, "I was charged twice for order #50007, my email is oliver.bennett@example.com",
     "can't reach our order system"),
    (9142, "С меня дважды списали деньги за заказ #50029, почта maria.ivanova@example.net",
     "нет связи с нашей системой заказов"),
])
async def test_a_shop_that_does_not_answer_in_time_is_said_honestly_not_guessed(
        bot: Bot, chat_id: int, text: str, words: str) -> None:
    answer = await says(bot, chat_id, text)
    assert words in answer.text
    for guess in ("pending hold, not a charge", "You're right", "Вы правы", "Вторая операция на"):
        assert guess not in answer.text


async def test_a_customer_without_the_order_number_finds_it_with_the_phone_telegram_shares(bot: Bot) -> None:
    chat_id = 9151
    asked = await says(bot, chat_id, "Where is my order? I don't have the number")
    assert offers_the_share_button(asked)
    listed = await shares_phone(bot, chat_id, "+447700900123")
    assert "#50001" in listed.text and "#50004" in listed.text
    answer = await says(bot, chat_id, "50001")
    assert "Hinckley Hub" in answer.text
    assert answer.params.get("reply_markup", {}).get("remove_keyboard") is True, "the answered button goes away"
