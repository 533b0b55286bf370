"""Which of an agent's words are a private note, and which read as a reply meant for a customer."""

from __future__ import annotations

import pytest

from bot.policy.agent_words import looks_like_customer_reply, note_text


@pytest.mark.parametrize(("text", "note"), [
    ("!she was charged twice", "she was charged twice"),
    ("  ! check with payments ", "check with payments"),
    ("/note refund approved", "refund approved"),
    ("/note@candor_test_bot refund approved", "refund approved"),
    ("!", ""),
    ("/note", ""),
])
def test_a_bang_or_note_command_is_a_note(text: str, note: str) -> None:
    assert note_text(text) == note


@pytest.mark.parametrize("text", ["Hi, your refund left us", "Wow! that was quick", "/notes", "/take", ""])
def test_other_words_are_not_notes(text: str) -> None:
    assert note_text(text) is None


@pytest.mark.parametrize("text", [
    "Hi Ola, your refund left us yesterday.",
    "Sorry for the wait, I'm checking your order now.",
    "Здравствуйте! Ваш заказ уже в пути.",
    "Извините за ожидание, проверяю ваш возврат.",
    "Dzień dobry, Pani zamówienie jest już w drodze.",
    "Przepraszam za czekanie, sprawdzam zwrot.",
    "您好，您的订单已经发货了。",
    "抱歉让您久等了，退款已经处理。",
])
def test_a_customer_reply_is_recognised_in_every_language(text: str) -> None:
    assert looks_like_customer_reply(text)


@pytest.mark.parametrize("text", [
    "lunch?",
    "Who has the Polish chats today?",
    "can you cover for me at 3?",
    "кто сегодня на смене?",
    "ktoś idzie na kawę?",
    "谁去吃午饭？",
    "!your order note for the team, not for her",
    "/queue",
    "",
])
def test_colleagues_talk_is_not_a_customer_reply(text: str) -> None:
    assert not looks_like_customer_reply(text)
