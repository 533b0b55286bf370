"""What a trainer reads from a comparison: each figure's change and sample size, and which past labels flip."""

from __future__ import annotations

import numpy as np
import pytest

from bot.policy.model_comparison import (
    MACRO,
    ComparisonResult,
    PastMessage,
    from_json,
    label_flips,
    set_figures,
    to_json,
)

CLASSES = ("anger", "anxiety", "positive")
TRUTH = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])


def test_a_candidate_that_finds_the_missed_anxiety_shows_a_gain_on_anxiety_and_no_change_on_anger() -> None:
    live = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 0], [0, 0, 1]])
    candidate = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])

    figures = {f.label: f for f in set_figures("pl", "support chat", CLASSES, TRUTH, live, candidate)}

    assert (figures["anxiety"].live, figures["anxiety"].candidate, figures["anxiety"].change) == (0.0, 1.0, 1.0)
    assert figures["anger"].change == 0.0
    assert figures[MACRO].change == pytest.approx(1 / 3)


def test_each_figure_carries_the_number_of_texts_it_rests_on() -> None:
    figures = {f.label: f for f in set_figures("en", "GoEmotions", CLASSES, TRUTH, TRUTH, TRUTH)}

    assert figures[MACRO].n == 4, "macro-F1 rests on every text of the set"
    assert (figures["anger"].n, figures["anxiety"].n, figures["positive"].n) == (2, 1, 1), "a class on its true texts"


def test_a_class_no_text_carries_does_not_drag_the_macro_figure_down() -> None:
    truth = np.array([[1, 0, 0], [0, 0, 1]])

    figures = {f.label: f for f in set_figures("en", "support chat", CLASSES, truth, truth, truth)}

    assert figures["anxiety"].n == 0 and figures[MACRO].live == figures[MACRO].candidate == 1.0


def test_a_worse_candidate_shows_a_negative_change() -> None:
    candidate = np.array([[0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])

    anger = next(f for f in set_figures("ru", "XED", CLASSES, TRUTH, TRUTH, candidate) if f.label == "anger")

    assert anger.change < 0 and anger.candidate == pytest.approx(2 / 3)


def test_only_messages_whose_set_of_labels_differs_are_flips() -> None:
    messages = [PastMessage(10, 1, "en"), PastMessage(11, 1, "en"), PastMessage(12, 2, "pl")]
    live = [("anger",), ("anxiety", "sadness"), ("neutral",)]
    candidate = [("anger",), ("sadness", "anxiety"), ("anxiety",)]

    flips = label_flips(messages, live, candidate)

    assert [(f.message_id, f.conversation_id, f.live, f.candidate) for f in flips] == [(12, 2, ("neutral",), ("anxiety",))]


def test_a_stored_result_reads_back_the_same() -> None:
    figures = tuple(set_figures("zh", "support chat", CLASSES, TRUTH, TRUTH, TRUTH))
    flips = tuple(label_flips([PastMessage(3, 1, "zh")], [("anger",)], [("anxiety", "anger")]))
    result = ComparisonResult(figures, flips, 7)

    again = from_json(to_json(result))

    assert again == result and [f.label for f in again.by_language()] == [MACRO]
    assert [f.label for f in again.by_class()] == list(CLASSES)
