"""The service rules end to end over HTTP: the real PTB client against the local fake Bot API.

An anxious customer hears a concrete time; an angry one gets an announced gesture; Polish and
Chinese questions are answered in their language; a solved problem ends with a one-tap rating;
and a promise that is about to be missed is followed up by the bot — also after a restart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.storage.models import Conversation, Customer, Gesture, Promise, Task
from bot.testing.fake_bot_api import FakeBotApi
from knowledge import load_pack
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot

pytestmark = pytest.mark.slow
PACK = load_pack()
CONCRETE_TIME = re.compile(r"\d{1,2}:\d{2}")


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    api = FakeBotApi(TEST_TOKEN).start()
    running = Bot(api, make_settings(Path(tmp_path_factory.mktemp("policy")), api))
    await running.start()
    yield running
    await running.stop()
    api.stop()


async def test_anxious_customer_gets_reassurance_with_a_concrete_time(bot: Bot) -> None:
    bot.api.customer_sends_text(3001, "I'm really scared, my card was charged twice for order #48213")
    [reply] = await bot.api.wait_for_messages(3001, 1)
    topic = PACK.topic("double_charge", "en")
    assert topic is not None
    assert topic.reassurance in reply.text
    assert CONCRETE_TIME.search(reply.text), reply.text
    assert "I'll check on it before then" in reply.text
    [(status, due)] = await bot.query(
        select(Promise.status, Promise.due_at).join(Conversation).join(Customer).where(Customer.external_id == "3001"))
    assert status == "open" and due.strftime("%H:%M") in reply.text


async def test_gesture_is_announced_and_recorded(bot: Bot) -> None:
    bot.api.customer_sends_text(3002, "This is outrageous, you charged me twice for order #48213! Unacceptable!")
    [reply] = await bot.api.wait_for_messages(3002, 1)
    assert "This one is on us" in reply.text and "priority" in reply.text
    [(kind, reason)] = await bot.query(
        select(Gesture.kind, Gesture.reason).join(Conversation).join(Customer).where(Customer.external_id == "3002"))
    assert kind == "priority" and "anger" in reason


@pytest.mark.parametrize(
    ("chat_id", "language", "text", "topic_id"),
    [
        (3003, "pl", "Dzień dobry, gdzie jest moja paczka? Zamówiłam tydzień temu i nadal nic.", "order_status"),
        (3004, "zh", "你好，我的快递到哪里了？一个星期了还没收到。", "order_status"),
        (3005, "ru", "Здравствуйте, где мой заказ? Жду уже неделю.", "order_status"),
    ],
    ids=["polish", "chinese", "russian"],
)
async def test_a_question_is_answered_in_the_customers_language(
    bot: Bot, chat_id: int, language: str, text: str, topic_id: str
) -> None:
    bot.api.customer_sends_text(chat_id, text)
    [reply] = await bot.api.wait_for_messages(chat_id, 1)
    topic = PACK.topic(topic_id, language)
    assert topic is not None
    assert reply.text.startswith(PACK.wording_for(language).introduction)
    assert topic.answer in reply.text, reply.text
    [customer] = [m for m in await bot.stored(chat_id) if m.sender == "customer"]
    assert customer.language == language


async def test_solved_problem_ends_with_a_one_tap_rating_that_is_stored(bot: Bot) -> None:
    bot.api.customer_sends_text(3006, "Where is my refund?")
    bot.api.customer_sends_text(3006, "Thanks, that solved it!")
    _, closing = await bot.api.wait_for_messages(3006, 2)
    assert "your refund is sorted" in closing.text
    keyboard = closing.params["reply_markup"]["inline_keyboard"]
    assert [button["text"] for button in keyboard[0]] == ["1", "2", "3", "4", "5"]
    bot.api.customer_presses_button(3006, keyboard[0][4]["callback_data"])
    *_, thanks = await bot.api.wait_for_messages(3006, 3)
    assert "Thank you for the 5" in thanks.text
    [(satisfaction, status)] = await bot.query(
        select(Conversation.satisfaction, Conversation.status).join(Customer).where(Customer.external_id == "3006"))
    assert (satisfaction, status) == (5, "closed")


async def test_a_late_promise_is_followed_up_honestly_even_after_a_restart(bot: Bot) -> None:
    bot.api.customer_sends_text(3007, "I want to cancel my order #48213 please")
    [answer] = await bot.api.wait_for_messages(3007, 1)
    assert CONCRETE_TIME.search(answer.text)
    await bot.stop()
    # Time passes while the bot is down: the warehouse team's task is now due in a minute and its warning is overdue.
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    conversation_ids = select(Conversation.id).join(Customer).where(Customer.external_id == "3007").scalar_subquery()
    await bot.execute(update(Task).where(Task.conversation_id.in_(conversation_ids))
                      .values(due_at=soon, warn_at=dt.datetime.now(dt.UTC)))
    await bot.start()
    _, follow_up = await bot.api.wait_for_messages(3007, 2)
    assert "nobody from our warehouse team has picked it up yet" in follow_up.text, follow_up.text
    assert "New time:" in follow_up.text and len(CONCRETE_TIME.findall(follow_up.text)) == 2
    [(updates, status)] = await bot.query(
        select(Promise.updates, Promise.status).join(Conversation).join(Customer).where(Customer.external_id == "3007"))
    assert (updates, status) == (1, "open")
    await asyncio.sleep(0.5)
    assert len(bot.api.messages_to(3007)) == 2, "the update is sent once"


async def test_mydata_and_forget_over_telegram(bot: Bot) -> None:
    bot.api.customer_sends_text(3090, "Gdzie jest moja paczka? Zamówiłam tydzień temu.")
    await bot.api.wait_for_messages(3090, 1)
    bot.api.customer_sends_text(3090, "/mydata")
    [_, shown] = await bot.api.wait_for_messages(3090, 2)
    assert "Oto, co o tobie przechowuję" in shown.text and "Gdzie jest moja paczka?" in shown.text
    bot.api.customer_sends_text(3090, "/forget")
    [*_, asked] = await bot.api.wait_for_messages(3090, 3)
    keyboard = asked.params["reply_markup"]["inline_keyboard"][0]
    assert [button["callback_data"] for button in keyboard] == ["forget:confirm"]
    bot.api.customer_presses_button(3090, "forget:confirm")
    [*_, done] = await bot.api.wait_for_messages(3090, 4)
    assert "usunąłem wszystko" in done.text
    assert await bot.stored(3090) == []
