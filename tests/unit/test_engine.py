"""The service rules on plain data, in every language of the pack: no Telegram, no database, no model."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.policy.decide import decide, dominant_emotion, parse_rating
from bot.policy.model import Clock, ConversationState, CustomerTurn, Decision, Move, TurnKind
from knowledge import load_pack
from knowledge.retrieval import Retrieval, TopicMatch
from nlu.signals import Signals
from nlu.types import Analysis, EmotionScores

PACK = load_pack()
LANGUAGES = ("en", "ru", "pl", "zh")
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
CLOCK = Clock(NOW, ZoneInfo("UTC"))
STOCK_PHRASES = ("inconvenience", "неудобств", "niedogodno", "不便")


def feeling(emotion: str = "neutral", score: float = 0.9) -> Analysis:
    scores = {"neutral": 0.1, emotion: score}
    return Analysis(language="en", scores=EmotionScores.from_mapping(scores), labels=(emotion,))


def about(topic_id: str, language: str, confidence: float = 0.9) -> Retrieval:
    topic = PACK.topic(topic_id, language)
    assert topic is not None
    return Retrieval(best=TopicMatch(topic, confidence), candidates=(TopicMatch(topic, confidence),))


def answer(
    language: str, topic_id: str, emotion: str = "neutral", score: float = 0.9, first_contact: bool = False,
    signals: Signals | None = None, state: ConversationState | None = None,
) -> Decision:
    state = state or ConversationState(7, language, first_contact=first_contact)
    return decide(CustomerTurn(TurnKind.TEXT, text="… order #48213"), feeling(emotion, score),
                  signals or Signals(), about(topic_id, language), state, PACK, CLOCK)


def test_every_language_has_its_content() -> None:
    assert set(LANGUAGES) <= set(PACK.languages)


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_answer_says_honestly_it_is_a_bot(language: str) -> None:
    decision = answer(language, "order_status", first_contact=True)
    assert decision.reply.text.startswith(PACK.wording_for(language).introduction)


@pytest.mark.parametrize("language", LANGUAGES)
def test_anxious_customer_gets_reassuring_facts_and_a_concrete_time(language: str) -> None:
    decision = answer(language, "double_charge", "anxiety", 0.9)
    topic, wording = PACK.topic("double_charge", language), PACK.wording_for(language)
    assert topic is not None and decision.reply.move is Move.ANSWER
    text = decision.reply.text
    assert topic.reassurance in text and wording.follow_up in text
    assert text.index(topic.reassurance) < text.index(topic.answer), "facts that lower uncertainty come first"
    assert decision.promise is not None
    assert decision.promise.due_at > NOW
    assert decision.promise.due_at.strftime("%H:%M") in text, "the promise names a clock time"


@pytest.mark.parametrize("language", LANGUAGES)
def test_angry_customer_gets_a_plain_admission_and_the_action_first_and_one_apology(language: str) -> None:
    topic = PACK.topic("order_status", language)
    assert topic is not None
    first = answer(language, "order_status", "anger", 0.9)
    text = first.reply.text
    assert topic.problem in text
    step = topic.next_step.replace("{order_ref}", "#48213").split("{deadline}")[0]
    assert text.index(step) < text.index(topic.answer), "action before explanation"
    assert first.apologised
    assert not any(phrase in text for phrase in STOCK_PHRASES)
    again = answer(language, "order_status", "anger", 0.9,
                   state=ConversationState(7, language, "order_status", apologised=True, gestures_given=frozenset({"delivery_upgrade"})))
    assert again.reply.text.split("\n\n")[0] == PACK.wording_for(language).acknowledgement("anger", "again").format(
        problem=topic.problem, owner=topic.owner)


@pytest.mark.parametrize("language", LANGUAGES)
def test_confused_customer_gets_one_numbered_step_and_no_promise(language: str) -> None:
    decision = answer(language, "account_locked", "confusion", 0.8, signals=Signals(confused=True))
    topic = PACK.topic("account_locked", language)
    assert topic is not None
    assert f"1. {topic.first_step}" in decision.reply.text
    assert "2." not in decision.reply.text
    assert decision.promise is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_open_question_says_what_happens_now_next_and_when(language: str) -> None:
    decision = answer(language, "refund", "neutral", 0.9)
    assert decision.promise is not None
    assert decision.promise.due_at == dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    assert NOW < decision.promise.check_at < decision.promise.due_at
    assert "24" in decision.reply.text and "10:00" in decision.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_asked_again_the_bot_repeats_the_time_it_already_promised(language: str) -> None:
    earlier = dt.datetime(2026, 11, 23, 18, 30, tzinfo=dt.UTC)
    state = ConversationState(7, language, "refund", open_promises=(("refund", earlier),))
    decision = answer(language, "refund", state=state)
    assert decision.promise is None
    assert "18:30" in decision.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_gesture_is_announced_as_extra_and_shortens_the_promise(language: str) -> None:
    decision = answer(language, "double_charge", "anger", 0.8)
    assert decision.gesture is not None and decision.gesture.rule.id == "priority"
    assert "anger 0.80" in decision.gesture.reason
    topic, wording = PACK.topic("double_charge", language), PACK.wording_for(language)
    assert topic is not None
    assert wording.gestures["priority"].format(problem=topic.problem, owner=topic.owner) in decision.reply.text
    assert decision.promise is not None and decision.promise.due_at == dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_gesture_for_a_calm_customer_or_twice_in_a_conversation(language: str) -> None:
    assert answer(language, "double_charge", "neutral", 0.9).gesture is None
    state = ConversationState(7, language, gestures_given=frozenset({"priority"}))
    assert answer(language, "double_charge", "anger", 0.9, state=state).gesture is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_solved_problem_is_confirmed_in_the_customers_terms_with_an_optional_rating(language: str) -> None:
    state = ConversationState(7, language, "refund")
    decision = decide(CustomerTurn(TurnKind.TEXT, text="…"), feeling("positive"), Signals(solved=True), None, state,
                      PACK, CLOCK)
    topic = PACK.topic("refund", language)
    assert topic is not None
    assert decision.closes and decision.reply.move is Move.CLOSE
    assert topic.problem in decision.reply.text
    assert [b.label for b in decision.reply.buttons] == ["1", "2", "3", "4", "5"]
    assert parse_rating(decision.reply.buttons[4].data) == (7, 5)


def test_solved_words_from_an_angry_customer_do_not_close() -> None:
    state = ConversationState(7, "en", "refund")
    decision = decide(CustomerTurn(TurnKind.TEXT, text="…"), feeling("anger"), Signals(solved=True),
                      about("refund", "en"), state, PACK, CLOCK)
    assert not decision.closes


@pytest.mark.parametrize("data", ["rate:7:6", "rate:7:0", "rate:x:5", "resolve:7", "rate:7:5:extra", "", "rate:-1:3"])
def test_forged_rating_data_is_refused(data: str) -> None:
    assert parse_rating(data) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_unsure_retrieval_asks_one_question_instead_of_guessing(language: str) -> None:
    refund, cancel = PACK.topic("refund", language), PACK.topic("cancel", language)
    assert refund is not None and cancel is not None
    retrieval = Retrieval(best=None, candidates=(TopicMatch(refund, 0.4), TopicMatch(cancel, 0.35)))
    decision = decide(CustomerTurn(TurnKind.TEXT, text="…"), feeling(), Signals(), retrieval,
                      ConversationState(7, language), PACK, CLOCK)
    assert decision.reply.move is Move.CLARIFY
    assert refund.problem in decision.reply.text and cancel.problem in decision.reply.text
    nothing = decide(CustomerTurn(TurnKind.TEXT, text="…"), feeling(), Signals(), Retrieval(None, ()),
                     ConversationState(7, language), PACK, CLOCK)
    assert nothing.reply.text == PACK.wording_for(language).clarify


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\n\n"])
def test_empty_message_is_answered_politely(language: str, text: str) -> None:
    decision = decide(CustomerTurn(TurnKind.TEXT, text=text), None, None, None, ConversationState(7, language), PACK, CLOCK)
    assert decision.reply.move is Move.ASK_FOR_TEXT
    assert decision.reply.text == PACK.wording_for(language).empty


def test_very_long_message_is_kept_and_its_main_point_answered() -> None:
    decision = decide(CustomerTurn(TurnKind.TEXT, text="x" * 20000 + " order #48213"), feeling(), Signals(), about("refund", "en"),
                      ConversationState(7, "en"), PACK, CLOCK)
    assert decision.reply.move is Move.ANSWER
    assert "kept your whole message" in decision.reply.text


@pytest.mark.parametrize(("content", "expected"), [("sticker", "sticker"), ("photo", "photo"), ("voice", "only read text")])
def test_non_text_is_kept_and_the_customer_asked_for_words(content: str, expected: str) -> None:
    decision = decide(CustomerTurn(TurnKind.NON_TEXT, content_type=content), None, None, None,
                      ConversationState(7, "en"), PACK, CLOCK)
    assert decision.reply.move is Move.ASK_FOR_TEXT
    assert expected in decision.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_command_is_named_and_help_offered(language: str) -> None:
    decision = decide(CustomerTurn(TurnKind.COMMAND, text="/frobnicate", command="frobnicate"), None, None, None,
                      ConversationState(7, language), PACK, CLOCK)
    assert decision.reply.move is Move.UNKNOWN_COMMAND
    assert "/frobnicate" in decision.reply.text and "/help" in decision.reply.text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("command", ["resolve", "take", "transfer", "flag"])
def test_a_customer_typing_an_agent_command_is_told_politely_it_is_not_for_them(language: str, command: str) -> None:
    decision = decide(CustomerTurn(TurnKind.COMMAND, text=f"/{command} Marta", command=command), None, None, None,
                      ConversationState(7, language), PACK, CLOCK)
    assert decision.reply.move is Move.NOT_FOR_CUSTOMERS
    assert decision.reply.text == PACK.wording_for(language).handoff.not_for_customers
    assert decision.promise is None and not decision.closes


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_plain_question_is_not_treated_as_confusion(language: str) -> None:
    """The model's confusion class includes curiosity, so it fires on questions; only words of confusion count."""
    decision = answer(language, "refund", "confusion", 0.95)
    assert decision.promise is not None
    assert "1. " not in decision.reply.text


def test_most_pressing_clear_emotion_leads_the_acknowledgement() -> None:
    both = Analysis("en", EmotionScores.from_mapping({"anxiety": 0.7, "anger": 0.5}), ("anxiety", "anger"))
    assert dominant_emotion(both) == "anxiety"
    assert dominant_emotion(feeling("positive")) == "positive"
    assert dominant_emotion(None) == "neutral"


def test_chinese_sentences_are_joined_without_spaces_and_others_with_one() -> None:
    decision = answer("zh", "account_locked", "confusion", 0.8, first_contact=True, signals=Signals(confused=True))
    introduction = PACK.wording_for("zh").introduction
    assert decision.reply.text.startswith(introduction)
    assert decision.reply.text[len(introduction)] != " "
    english = answer("en", "account_locked", first_contact=True)
    assert english.reply.text.startswith(PACK.wording_for("en").introduction + " ")
