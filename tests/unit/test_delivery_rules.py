"""Pure rules of delivery: the agents' group pacing, long texts cut to fit, which refusals are final."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from bot.channels.delivery import (
    ChannelClosing,
    CustomerUnreachable,
    DeliveryRefused,
    TopicGone,
    split_text,
    utf16_length,
)
from bot.channels.group_pacer import NORMAL, URGENT, GroupPacer
from bot.channels.refusals import refusals_translated
from bot.channels.telegram import is_transient
from bot.channels.updates import chat_key


async def test_an_urgent_post_goes_before_everyone_already_waiting_for_the_group() -> None:
    pacer = GroupPacer(per_minute=1200, burst=1)  # a slot every 50 ms, none saved up beyond one
    await pacer.wait(NORMAL)
    served: list[str] = []

    async def post(name: str, priority: int) -> None:
        await pacer.wait(priority)
        served.append(name)

    normal = [asyncio.create_task(post(f"card {n}", NORMAL)) for n in range(4)]
    await asyncio.sleep(0)
    crisis = asyncio.create_task(post("crisis", URGENT))
    await asyncio.wait_for(asyncio.gather(*normal, crisis), timeout=30)
    assert served[0] == "crisis" and served[1:] == [f"card {n}" for n in range(4)]


async def test_a_stopping_bot_ends_the_waits_instead_of_leaving_them_hanging() -> None:
    pacer = GroupPacer(per_minute=1, burst=1)
    await pacer.wait()
    waiting = asyncio.create_task(pacer.wait())
    await asyncio.sleep(0)
    pacer.close()
    with pytest.raises(ChannelClosing):
        await asyncio.wait_for(waiting, timeout=30)


def test_a_long_text_is_cut_at_word_breaks_into_parts_telegram_accepts() -> None:
    text = " ".join(["słowo"] * 1000) + " 😀" * 1500
    parts = split_text(text)
    assert len(parts) > 1 and all(utf16_length(part) <= 4096 for part in parts)
    assert " ".join(parts).split() == text.split()
    assert split_text("short") == ["short"]


@pytest.mark.parametrize(("error", "to_customer", "becomes"), [
    (Forbidden("Forbidden: bot was blocked by the user"), True, CustomerUnreachable),
    (BadRequest("Chat not found"), True, CustomerUnreachable),
    (BadRequest("Message is too long"), True, DeliveryRefused),
    (BadRequest("Message thread not found"), False, TopicGone),
    (Forbidden("Forbidden: bot was kicked from the supergroup chat"), False, DeliveryRefused),
])
async def test_telegrams_final_refusals_become_the_services_delivery_errors(
    error: Exception, to_customer: bool, becomes: type[Exception]
) -> None:
    with pytest.raises(becomes):
        async with refusals_translated(to_customer):
            raise error


def test_a_bad_request_is_final_while_a_network_fault_is_tried_again() -> None:
    assert not is_transient(BadRequest("Message is too long"))
    assert not is_transient(DeliveryRefused("Message is too long"))
    assert is_transient(NetworkError("connection reset")) and is_transient(TimedOut())


def test_each_agents_topic_is_its_own_queue_not_the_whole_group() -> None:
    def topic_message(thread: int) -> dict[str, object]:
        return {"message": {"chat": {"id": -100777, "type": "supergroup"}, "from": {"id": 9001},
                            "message_thread_id": thread, "is_topic_message": True}}

    assert chat_key(topic_message(501)) == "chat:-100777:topic:501"
    assert chat_key(topic_message(501)) != chat_key(topic_message(502))
    general = {"message": {"chat": {"id": -100777, "type": "supergroup"}, "from": {"id": 9001}}}
    assert chat_key(general) == "chat:-100777"


def test_a_crisis_is_recognised_in_words_and_nothing_else_breaks_the_check() -> None:
    from bot.policy.fairness import is_crisis

    assert is_crisis("I can't take this anymore, I want to kill myself")
    assert not is_crisis("where is my order?")
    assert not is_crisis(True) and not is_crisis(5) and not is_crisis(None), "the fuzz's '\"text\": true' body"
