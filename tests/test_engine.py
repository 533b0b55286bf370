"""The engine's decisions on plain data: no Telegram, no database, no model."""

import pytest

from bot.engine import CustomerTurn, Move, TurnKind, decide, dominant_emotion
from knowledge import load_pack
from nlu.types import Analysis, EmotionScores

PACK = load_pack()


def analysis(labels: tuple[str, ...] = ("neutral",), **scores: float) -> Analysis:
    return Analysis(language="en", scores=EmotionScores.from_mapping(scores), labels=labels)


def text_turn(text: str, first_contact: bool = False) -> CustomerTurn:
    return CustomerTurn(TurnKind.TEXT, text=text, first_contact=first_contact)


def test_worried_customer_with_a_double_charge_hears_the_facts_and_when_they_will_hear_back() -> None:
    reply = decide(
        text_turn("my card was charged twice and I'm really worried", first_contact=True),
        analysis(("anxiety",), anxiety=0.8), PACK, "en",
    )
    assert reply.move is Move.ANSWER
    assert reply.text.startswith("Hi, I'm Candor, the shop's support bot.")
    assert "double charge on your card is worrying" in reply.text
    assert "Nothing more will be taken" in reply.text
    assert "within 1 business day" in reply.text


def test_angry_customer_gets_one_specific_apology_not_a_stock_phrase() -> None:
    reply = decide(text_turn("Where is my order?? This is ridiculous"), analysis(("anger",), anger=0.9), PACK, "en")
    assert reply.text.count("sorry") == 1
    assert "sorry about your order" in reply.text
    assert "inconvenience" not in reply.text.lower()


def test_unclear_message_gets_one_clarifying_question_instead_of_a_guess() -> None:
    reply = decide(text_turn("hello, I have a problem"), analysis(), PACK, "en")
    assert reply.move is Move.CLARIFY
    assert reply.text.count("?") == 1


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\n\n"])
def test_empty_message_is_answered_politely(text: str) -> None:
    reply = decide(text_turn(text), None, PACK, "en")
    assert reply.move is Move.ASK_FOR_TEXT
    assert "empty" in reply.text


def test_very_long_message_is_kept_and_its_main_point_answered() -> None:
    text = "my card was charged twice. " + "x" * 20000
    reply = decide(text_turn(text), analysis(), PACK, "en")
    assert reply.move is Move.ANSWER
    assert "kept your whole message" in reply.text


@pytest.mark.parametrize(("content", "expected"), [("sticker", "sticker"), ("photo", "photo"), ("voice", "only read text")])
def test_non_text_is_kept_and_the_customer_asked_for_words(content: str, expected: str) -> None:
    reply = decide(CustomerTurn(TurnKind.NON_TEXT, content_type=content), None, PACK, "en")
    assert reply.move is Move.ASK_FOR_TEXT
    assert expected in reply.text


def test_unknown_command_is_named_and_help_offered() -> None:
    reply = decide(CustomerTurn(TurnKind.COMMAND, text="/resolve", command="resolve"), None, PACK, "en")
    assert reply.move is Move.UNKNOWN_COMMAND
    assert "/resolve" in reply.text and "/help" in reply.text


def test_start_says_honestly_that_this_is_a_bot() -> None:
    reply = decide(CustomerTurn(TurnKind.COMMAND, text="/start", command="start"), None, PACK, "en")
    assert reply.move is Move.GREET
    assert "support bot" in reply.text


def test_most_pressing_clear_emotion_leads_the_acknowledgement() -> None:
    assert dominant_emotion(analysis(("anxiety", "anger"), anxiety=0.7, anger=0.5)) == "anxiety"
    assert dominant_emotion(analysis(("positive",), positive=0.9)) == "positive"
    assert dominant_emotion(None) == "neutral"
