"""Feelings in context: a message read with the customer's earlier messages, as the reply is decided on it.

The scores below are what the shipped model gives these messages on their own (rounded), so each test is the
conversation a customer would actually have.
"""

from __future__ import annotations

import pytest

from bot.policy.feelings import feelings_in_words
from bot.policy.feelings_in_context import (
    FeelingsInContext,
    feelings_in_context,
    is_acknowledgement,
    is_low_information,
)
from nlu.types import Analysis, EmotionScores

ANGRY = EmotionScores(anger=0.93, anxiety=0.01, sadness=0.32, positive=0.05, neutral=0.1)
"""'This is ridiculous, my parcel for order #48213 is a week late and nobody answers!'"""
FURIOUS = EmotionScores(anger=0.94, anxiety=0.13, sadness=0.1, positive=0.04, neutral=0.06)
"""'I am furious, this is the third time I'm writing about order #48213, absolutely useless!'"""
OK = EmotionScores(anger=0.02, sadness=0.01, confusion=0.03, positive=0.28, neutral=0.79)
"""'ok': calm, on its own."""
PRAISE = EmotionScores(positive=1.0, neutral=0.0)
"""'Great service, really.', 'thanks a lot, very helpful' and 'Thank you, that solved it!' all score this alone."""
WORRIED = EmotionScores(anger=0.02, anxiety=0.99, sadness=0.1, confusion=0.66, positive=0.08, neutral=0.02)
"""'I'm worried someone used my card, is my account safe?'"""
QUESTION = EmotionScores(anger=0.03, sadness=0.01, confusion=0.9, positive=0.01, neutral=0.37)
"""'Where is my refund for order #48213?'"""


def read(own: EmotionScores, text: str, *earlier: EmotionScores, labels: tuple[str, ...] = ()) -> FeelingsInContext:
    return feelings_in_context(own, labels or (own.strongest(),), text, earlier)


def test_ok_after_two_angry_messages_is_not_calm() -> None:
    alone = read(OK, "ok")
    after = read(OK, "ok", ANGRY, FURIOUS)
    assert alone.scores == OK and not alone.changed
    assert after.scores.anger >= 0.7 and after.scores.strongest() == "anger"
    assert after.scores.neutral < 0.3 and "anger" in after.labels and "neutral" not in after.labels
    assert after.reason == "anger carried from the two earlier messages"
    assert feelings_in_words(((ANGRY.anger, 0.0), (FURIOUS.anger, 0.0), (after.scores.anger, 0.0))) \
        .startswith("angry"), "the agents' card does not read this customer as calmer"


@pytest.mark.parametrize("text", ["Great service, really.", "thanks a lot, very helpful", "great service, thanks",
                                  "ну спасибо", "просто супер", "no super, dzięki", "świetnie, naprawdę",
                                  "真是太好了呵呵", "谢谢啊，真棒"])
def test_sarcasm_after_a_complaint_is_not_positive(text: str) -> None:
    after = read(PRAISE, text, ANGRY)
    assert after.scores.positive == 0.0 and after.scores.anger >= 0.9
    assert after.labels == ("anger",)
    assert "sarcasm" in after.reason


def test_a_complaint_the_model_read_as_positive_is_anger_after_a_complaint() -> None:
    after = read(EmotionScores(anger=0.09, sadness=0.02, positive=0.91, neutral=0.11),
                 "Still nothing. This is a joke.", ANGRY)
    assert after.scores.strongest() == "anger" and after.scores.positive == 0.0


@pytest.mark.parametrize("text", ["Thank you, that solved it!", "спасибо, всё работает", "dziękuję, działa",
                                  "谢谢，解决了", "ok thanks"])
def test_genuine_thanks_after_a_complaint_stays_positive(text: str) -> None:
    after = read(PRAISE, text, ANGRY, FURIOUS)
    assert after.scores == PRAISE and after.labels == ("positive",) and after.reason == ""


def test_praise_with_no_complaint_before_it_is_praise() -> None:
    assert read(PRAISE, "Great service, really.", QUESTION).scores == PRAISE


def test_a_new_worried_message_after_anger_keeps_its_own_worry() -> None:
    after = read(WORRIED, "I'm worried someone used my card, is my account safe?", ANGRY)
    assert after.scores.anxiety == WORRIED.anxiety and after.scores.strongest() == "anxiety"
    assert after.scores.anger < 0.5, "only a part of the earlier anger still counts for a message with its own say"
    assert "anxiety" in after.labels and "anger" not in after.labels


def test_a_calm_conversation_stays_calm() -> None:
    after = read(OK, "ok", QUESTION, QUESTION)
    assert after.scores == OK and after.labels == ("neutral",) and after.reason == ""


def test_the_first_message_is_read_as_it_is() -> None:
    assert read(ANGRY, "This is ridiculous").scores == ANGRY


def test_anger_fades_with_each_message_back() -> None:
    recent = read(OK, "ok", QUESTION, QUESTION, ANGRY)
    older = read(OK, "ok", ANGRY, QUESTION, QUESTION)
    assert recent.scores.anger > older.scores.anger > OK.anger
    assert recent.reason == older.reason == "anger carried from the earlier message"
    assert read(OK, "ok", ANGRY, QUESTION, QUESTION, QUESTION).scores == OK, "only the last three messages count"


@pytest.mark.parametrize("text", ["ладно", "ну ок", "ок", "dobra", "okej", "no dobrze", "好吧", "行", "嗯",
                                  "fine", "whatever", "sure", "ok then"])
def test_acknowledgements_in_every_language_carry_the_anger(text: str) -> None:
    assert is_acknowledgement(text) and is_low_information(text)
    after = read(OK, text, ANGRY, FURIOUS)
    assert after.scores.anger >= 0.7 and after.reason == "anger carried from the two earlier messages"


@pytest.mark.parametrize("text", ["ok thanks", "до свидания", "行吧，拜拜", "where is it?", "是什么时候到？",
                                  "I'm still waiting for my refund from March", "i want a refund now"])
def test_thanks_goodbyes_questions_and_news_are_no_acknowledgements(text: str) -> None:
    assert not is_acknowledgement(text)


def test_a_stored_reading_comes_back_as_it_was_and_a_damaged_one_is_skipped() -> None:
    after = read(OK, "ok", ANGRY, FURIOUS)
    assert FeelingsInContext.from_json(after.as_json()) == after
    assert FeelingsInContext.from_json({"scores": "x", "labels": []}) is None
    analysis = Analysis("en", OK, ("neutral",), model_version="v1")
    decided_on = after.applied_to(analysis)
    assert decided_on.scores == after.scores and decided_on.labels == after.labels
    assert decided_on.model_version == "v1" and analysis.scores == OK
