"""The review queue's failure score: what it notices, in words a trainer reads, and how it ranks."""

from __future__ import annotations

from bot.policy.review_score import ConversationFacts, Turn, failure_score

CALM = {"anger": 0.05, "anxiety": 0.1, "sadness": 0.05, "confusion": 0.05, "positive": 0.1, "neutral": 0.8}
GRATEFUL = {**CALM, "positive": 0.9, "neutral": 0.1}
FURIOUS = {**CALM, "anger": 0.85, "neutral": 0.05}
SCARED = {**CALM, "anxiety": 0.8, "neutral": 0.1}


def customer(scores: dict[str, float], *labels: str, signals: tuple[str, ...] = ()) -> Turn:
    return Turn("customer", labels=labels, scores=scores, signals=signals)


def bot(move: str, topic: str | None = None) -> Turn:
    return Turn("bot", move=move, topic=topic)


def texts(facts: ConversationFacts) -> list[str]:
    return [part.text for part in failure_score(facts).parts]


def test_a_thank_you_answered_with_a_script_says_which_script() -> None:
    facts = ConversationFacts((customer(CALM, "neutral"), bot("answer", "refund"),
                               customer(GRATEFUL, "positive"), bot("answer", "refund")))
    assert texts(facts) == ["thanked, then got the refund script"]


def test_a_thank_you_answered_warmly_is_nothing_unusual() -> None:
    facts = ConversationFacts((customer(CALM, "neutral"), bot("answer", "refund"),
                               customer(GRATEFUL, "positive"), bot("end")))
    assert failure_score(facts).parts == () and failure_score(facts).total == 0


def test_fraud_words_without_a_handoff_name_the_topic_it_was_answered_as() -> None:
    scared = customer(SCARED, "anxiety", signals=("money_lost",))
    unhandled = ConversationFacts((scared, bot("answer", "double_charge")))
    assert "spoke of fraud or lost money, answered as double_charge; never handed to a person" in texts(unhandled)
    handed = ConversationFacts((scared, bot("hand_off")), handoff_reasons=("sensitive",))
    assert "handed to a person: sensitive topic" in texts(handed) and not any("fraud" in text for text in texts(handed))


def test_two_clarifying_questions_in_a_row_are_a_loop_but_two_apart_are_not() -> None:
    loop = ConversationFacts((customer(CALM), bot("clarify"), customer(CALM), bot("clarify"), customer(CALM),
                              bot("clarify")))
    assert texts(loop) == ["asked 3 clarifying questions in a row"]
    apart = ConversationFacts((customer(CALM), bot("clarify"), customer(CALM), bot("answer", "delivery"),
                               customer(CALM), bot("clarify")))
    assert texts(apart) == []


def test_an_angry_ending_shows_the_peak_the_ending_and_the_rise() -> None:
    facts = ConversationFacts((customer(CALM, "neutral"), bot("answer", "refund"), customer(FURIOUS, "anger")))
    assert texts(facts) == ["anger peaked at 0.85", "last message read as anger",
                            "emotion rose instead of fell (0.10 → 0.85)"]


def test_the_bots_mistakes_outrank_an_angry_customer_rightly_handed_to_a_person() -> None:
    thanked = ConversationFacts((customer(GRATEFUL, "positive"), bot("answer", "refund")))
    angry = ConversationFacts((customer(CALM, "neutral"), bot("answer", "delivery"), customer(FURIOUS, "anger"),
                               bot("hand_off")), handoff_reasons=("high_emotion",))
    handed = ConversationFacts((customer(CALM, "neutral"), bot("hand_off")), handoff_reasons=("asked_for_person",))
    assert failure_score(thanked).total > failure_score(angry).total > failure_score(handed).total > 0


def test_parts_are_heaviest_first_and_add_up() -> None:
    facts = ConversationFacts((customer(FURIOUS, "anger"), bot("clarify"), customer(FURIOUS, "anger"), bot("clarify")),
                              flags=1, satisfaction=1)
    score = failure_score(facts)
    weights = [part.weight for part in score.parts]
    assert weights == sorted(weights, reverse=True) and score.total == sum(weights)
    assert {"flagged by an agent (1)", "rated 1 of 5", "asked 2 clarifying questions in a row"} <= set(texts(facts))


def test_a_message_the_model_guessed_on_is_counted() -> None:
    unsure = {name: 0.2 for name in CALM}
    assert texts(ConversationFacts((customer(unsure),))) == ["the model guessed on 1 message(s)"]
