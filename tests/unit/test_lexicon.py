"""Feelings a customer names outright in Russian, Polish or Chinese count as evidence."""

from __future__ import annotations

import numpy as np
import pytest

from nlu.lexicon import EVIDENCE_MARGIN, explicit_emotions, with_explicit_evidence
from nlu.types import SUPPORT_CLASSES


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Martwię się o moje zamówienie", "pl", "anxiety"),
        ("Trochę się obawiam, czy pieniądze wrócą", "pl", "anxiety"),
        ("Jestem wściekła na tego kuriera", "pl", "anger"),
        ("Nie rozumiem tego komunikatu", "pl", "confusion"),
        ("Я переживаю за посылку", "ru", "anxiety"),
        ("Меня бесит, что никто не отвечает", "ru", "anger"),
        ("Очень расстроилась из-за заказа", "ru", "sadness"),
        ("Не понимаю, что мне делать", "ru", "confusion"),
        ("我有点担心退款", "zh", "anxiety"),
        ("我对这次服务很失望", "zh", "sadness"),
        ("谢谢你的帮助", "zh", "positive"),
    ],
)
def test_a_named_feeling_is_found_in_inflected_forms(text: str, language: str, expected: str) -> None:
    assert expected in explicit_emotions(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Nie martwię się, tylko pytam o status", "pl"),
        ("Я не волнуюсь, просто спрашиваю", "ru"),
        ("我不担心，只是问一下", "zh"),
    ],
)
def test_a_negated_worry_is_not_worry(text: str, language: str) -> None:
    assert "anxiety" not in explicit_emotions(text, language)


def test_english_and_plain_questions_add_no_evidence() -> None:
    assert explicit_emotions("I'm worried", "en") == frozenset()
    assert explicit_emotions("Gdzie jest moja paczka?", "pl") == frozenset()


def test_evidence_lifts_a_class_just_over_its_threshold_and_never_lowers_one() -> None:
    thresholds = np.full(len(SUPPORT_CLASSES), 0.4, dtype=np.float32)
    row = np.array([0.9, 0.1, 0.2, 0.0, 0.0, 0.8], dtype=np.float32)
    lifted = with_explicit_evidence(row, thresholds, frozenset({"anxiety", "anger"}))
    assert lifted[SUPPORT_CLASSES.index("anxiety")] == pytest.approx(0.4 + EVIDENCE_MARGIN)
    assert lifted[SUPPORT_CLASSES.index("anger")] == pytest.approx(0.9)
    assert row[SUPPORT_CLASSES.index("anxiety")] == pytest.approx(0.1)  # the input is left alone
