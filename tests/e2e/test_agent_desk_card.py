"""The agents' living card, end to end: the real PTB client against the fake Bot API, a customer in a private chat,
agents in a forum supergroup, and the demo shop answering the order lookup.

A customer sends a photo, then a double charge the shop confirms (the bot promises the payments team's result by
a time), then asks for a person. The topic's one pinned card shows the order, the amounts and the proof, the
promise in the bot's own words, feelings in words and the photo (copied under the card); after the first reply,
/transfer and /resolve the same card message is edited and the topic renamed with the status.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.policy.assignment import AgentProfile
from bot.storage.models import Conversation, Customer, Message
from bot.testing.fake_bot_api import AGENTS_GROUP, FakeBotApi, SentMessage
from tests.conftest import TEST_TOKEN, make_settings
from tests.e2e.running_bot import Bot
from tests.e2e.test_handoff import ALWAYS, handoff_of, register, topic_of

pytestmark = pytest.mark.slow
GROUP = int(AGENTS_GROUP["id"])
MARTA, LI = 9001, 9002
CUSTOMER = 4501
NAMES = {MARTA: "Marta", LI: "Li"}


@pytest.fixture(scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    api = FakeBotApi(TEST_TOKEN).start()
    running = Bot(api, make_settings(Path(tmp_path_factory.mktemp("desk-card")), api, CANDOR_SHOP="demo",
                                     CANDOR_AGENTS_CHAT_ID=str(GROUP), CANDOR_GROUP_MESSAGES_PER_MINUTE="600"))
    await register(running.settings.database_url,
                   AgentProfile(MARTA, "Marta", "Customer care specialist", ("en", "pl"), True, "UTC", **ALWAYS,
                                max_chats=20),
                   AgentProfile(LI, "Li", "Payments specialist", ("zh", "en"), True, "UTC", **ALWAYS, max_chats=20))
    await running.start()
    yield running
    await running.stop()
    api.stop()


async def card_edited(api: FakeBotApi, card: SentMessage, shows: Callable[[str], bool],
                      timeout: float = 60.0) -> dict[str, Any]:
    """The first edit of the card's own message whose text ``shows`` what the test waits for."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [edit for edit in list(api.edits)
                 if int(edit["chat_id"]) == GROUP and int(edit["message_id"]) == card.message_id and shows(edit["text"])]
        if found:
            return found[0]
        assert asyncio.get_running_loop().time() < deadline, f"the card was not edited as expected: {card.text}"
        await asyncio.sleep(0.05)


async def until(happened: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not happened():
        assert asyncio.get_running_loop().time() < deadline, f"{what} did not happen within {timeout} s"
        await asyncio.sleep(0.05)


async def renamed(api: FakeBotApi, thread: int, title: str) -> None:
    await until(lambda: (thread, title) in api.renamed_topics, f"renaming topic {thread} to {title!r}")


def line(text: str, start: str) -> str:
    [found] = [row for row in text.splitlines() if row.startswith(start)]
    return found


async def test_the_card_is_one_pinned_message_that_shows_the_case_and_follows_every_change(bot: Bot) -> None:
    api = bot.api
    api.customer_sends_photo(CUSTOMER)
    await api.wait_for_messages(CUSTOMER, 1)
    api.customer_sends_text(CUSTOMER, "I was charged twice for order #50006, my email is oliver.bennett@example.com")
    [_, facts] = await api.wait_for_messages(CUSTOMER, 2, timeout=120)
    assert "two settled payments" in facts.text and "109.99 GBP" in facts.text
    api.customer_sends_text(CUSTOMER, "This is too much. I want to talk to a real person, please")
    await api.wait_for_messages(CUSTOMER, 3)

    handoff = await handoff_of(bot, CUSTOMER)
    holder = handoff.agent_user_id
    assert holder in NAMES
    other = LI if holder == MARTA else MARTA
    thread = await topic_of(bot, CUSTOMER)
    [card] = (await api.wait_in_topic(thread, 1))[:1]
    await until(lambda: (GROUP, card.message_id) in api.pinned, "pinning the card in its topic")
    assert (GROUP, thread, f"Alex · with {NAMES[holder]} · #{handoff.id}") in api.topics, "titled with the status"

    text = card.text
    assert text.startswith(f"Handoff #{handoff.id}: Alex · with {NAMES[holder]}")
    assert line(text, "Wants:").startswith("Wants: two charges for order #50006, 109.99 GBP each")
    assert "Order: #50006; verified: yes, #50006 matches their email or phone" in text
    assert line(text, "Amounts:") == "Amounts: 109.99 GBP"
    assert "Why a person: the customer asked for a person" in text and text.count("asked for a person") == 1
    feelings = line(text, "Feelings:")
    assert not re.search(r"\d", feelings) and "→" not in feelings, f"words, not scores: {feelings}"
    assert "Promised (the bot's words):\n  “the result of the check” by " in text
    said = line(text, "    it said:")
    assert "our payments team checks both charges on order #50006" in said and re.search(r"\d{2}:\d{2}", said)
    assert "double_charge:" not in text, "never a code instead of the bot's words"
    assert "Their words:" in text and "“This is too much. I want to talk to a real person, please”" in text
    assert "Sent before the handoff (copied below this card): photo" in text
    assert "First reply due by" in text and line(text, "Next step:")

    [(photo_id,)] = await bot.query(
        select(Message.telegram_message_id).join(Conversation, Conversation.id == Message.conversation_id)
        .join(Customer, Customer.id == Conversation.customer_id)
        .where(Customer.external_id == str(CUSTOMER), Message.kind == "photo"))
    await until(lambda: any(c.get("message_thread_id") == thread for c in list(api.copies)), "copying the photo")
    copied = [c for c in list(api.copies) if c.get("message_thread_id") == thread]
    assert [(int(c["chat_id"]), int(c["from_chat_id"]), int(c["message_id"])) for c in copied] == [
        (GROUP, CUSTOMER, photo_id)], "copied once, from the customer's chat"

    api.agent_sends_text(thread, holder, "Hi Alex, I'm looking at both charges now.", first_name=NAMES[holder])
    await api.wait_for_messages(CUSTOMER, 4)
    await card_edited(api, card, lambda edited: "First reply due" not in edited)

    api.agent_sends_text(thread, holder, f"/transfer {NAMES[other]}", first_name=NAMES[holder])
    await api.wait_for_messages(CUSTOMER, 5)
    moved = await card_edited(api, card, lambda edited: f"Status: with {NAMES[other]}" in edited)
    assert f"{NAMES[other]}'s first reply due by" in moved["text"], "the new owner's reply has its time"
    await renamed(api, thread, f"Alex · with {NAMES[other]} · #{handoff.id}")
    api.agent_sends_text(thread, other, "Hello Alex, I have the case now.", first_name=NAMES[other])
    await api.wait_for_messages(CUSTOMER, 6)
    await card_edited(api, card, lambda edited: f"Status: with {NAMES[other]}" in edited and "reply due" not in edited)

    api.agent_sends_text(thread, other, "/resolve", first_name=NAMES[other])
    await api.wait_for_messages(CUSTOMER, 7)
    done = await card_edited(api, card, lambda edited: "Status: resolved" in edited)
    assert f"Status: resolved by {NAMES[other]}" in done["text"] and "Next step" not in done["text"]
    await renamed(api, thread, f"Alex · resolved · #{handoff.id}")

    assert len([m for m in api.messages_in_topic(thread) if m.text.startswith("Handoff #")]) == 1, "one card, edited"
    assert [p for p in api.pinned if p[0] == GROUP and p[1] == card.message_id] == [(GROUP, card.message_id)]
    deadline = asyncio.get_running_loop().time() + 60
    while (await handoff_of(bot, CUSTOMER)).topic_title != f"Alex · resolved · #{handoff.id}":
        assert asyncio.get_running_loop().time() < deadline, "the topic's new title was not recorded"
        await asyncio.sleep(0.05)
