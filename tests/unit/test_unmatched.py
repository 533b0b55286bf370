"""Which topics came closest to a message the bot could not place, as the console shows them."""

from __future__ import annotations

from bot.policy.unmatched import TopicScore, closest_topics, named_candidates
from knowledge.pack import load_pack
from knowledge.retrieval import TopicIndex

CLARIFIED = "asked one question: no topic reached the confidence floor (gift_card 0.38, product_question 0.23)"


def test_a_clarifying_questions_reason_gives_the_two_topics_it_named_with_their_scores() -> None:
    assert named_candidates(CLARIFIED) == (TopicScore("gift_card", 0.38), TopicScore("product_question", 0.23))


def test_the_scores_are_found_after_other_notes_of_the_same_turn() -> None:
    why = "met anxiety first; " + CLARIFIED
    assert [score.topic_id for score in named_candidates(why)] == ["gift_card", "product_question"]


def test_a_reason_without_candidates_or_cut_short_names_none() -> None:
    assert named_candidates("said honestly it does not know: no topic after a clarifying question") == ()
    assert named_candidates("asked one question: no topic reached the confidence floor (no candidates)") == ()
    assert named_candidates("asked one question: no topic reached the confidence floor (gift_card 0.3") == ()


def test_a_message_whose_reason_names_no_topic_is_scored_again_by_the_retrieval_code() -> None:
    index = TopicIndex.build(load_pack(), None)
    closest = closest_topics("said honestly it does not know", "I want my money back, where is my refund", "en",
                             index)
    assert closest and closest[0].topic_id == "refund" and closest[0].confidence >= 0.5
    assert len(closest) <= 2


def test_the_recorded_scores_win_over_scoring_again() -> None:
    index = TopicIndex.build(load_pack(), None)
    assert closest_topics(CLARIFIED, "where is my refund", "en", index)[0].topic_id == "gift_card"
