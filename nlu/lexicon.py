"""Explicit emotion words in Russian, Polish and Chinese, as evidence beside the encoder.

The multilingual encoder places a sentence near its translation, but it blurs the one word
that carries the feeling: "Martwię się o moje zamówienie" (I'm worried about my order) lies
closer to a plain question about an order than to worry. When a customer names the feeling
outright, that word is strong evidence, so the class's score is raised to just over its
threshold; the model's own score stands when it is higher. Stems are matched at the start of
a word, so inflected forms count; a negation right before the word ("не волнуюсь",
"nie martwię się", "不担心") cancels it.
"""

from __future__ import annotations

import re

import numpy as np

from nlu.types import SUPPORT_CLASSES

EVIDENCE_MARGIN = 0.05
"""How far above the threshold an explicit word lifts a class: enough to label it, not to shout."""

_STEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "ru": {
        "anxiety": ("волну", "волнов", "пережива", "беспоко", "тревож", "боюсь", "боишься", "страшно", "испуга",
                    "паник", "нервнича", "опасаюсь"),
        "anger": ("возмути", "безобраз", "бесит", "взбеш", "бешенств", "злюсь", "зол ", "зла ", "достали",
                  "надоел", "издевательств", "хамств", "позор", "отвратительн"),
        "sadness": ("расстро", "разочаров", "грустн", "печальн", "обидно", "жаль", "огорч"),
        "confusion": ("не понима", "непонятн", "запута", "не разобра", "что значит", "что означает"),
        "positive": ("спасибо", "благодар", "отлично", "супер", "прекрасн", "замечательн", "рад ", "рада ", "ура"),
    },
    "pl": {
        "anxiety": ("martwi", "boję", "boje się", "obawiam", "niepoko", "denerwuj", "stresuj", "panikuj",
                    "przeraż", "przestrasz", "strach"),
        "anger": ("wściek", "skandal", "oburza", "oburzon", "wkurz", "mam dość", "żenując", "kpina", "niedopuszczaln",
                  "jestem zły", "jestem zła", "złości"),
        "sadness": ("smutn", "zawiedzi", "zawiod", "rozczarowa", "przykro", "szkoda", "żałuj"),
        "confusion": ("nie rozumiem", "niejasn", "pogubi", "nie wiem jak", "nie wiem, jak", "co to znaczy",
                      "co oznacza"),
        "positive": ("dziękuj", "dzięki", "super", "świetn", "wspaniał", "cieszę", "doskonal", "rewelac"),
    },
    "zh": {
        "anxiety": ("担心", "害怕", "焦虑", "紧张", "不安", "着急", "慌", "怕"),
        "anger": ("生气", "气死", "愤怒", "火大", "离谱", "过分", "太差", "受够", "恶劣", "不像话"),
        "sadness": ("难过", "失望", "伤心", "遗憾", "可惜", "后悔", "失落"),
        "confusion": ("不明白", "不懂", "看不懂", "搞不懂", "糊涂", "什么意思", "搞不清", "不清楚"),
        "positive": ("谢谢", "感谢", "太好了", "太棒", "开心", "满意", "很好"),
    },
}
_NEGATIONS = {"ru": ("не ", "нет "), "pl": ("nie ",), "zh": ("不", "没", "别")}


def _compile(language: str, stems: tuple[str, ...]) -> re.Pattern[str]:
    if language == "zh":
        return re.compile("|".join(re.escape(stem) for stem in stems))
    return re.compile("|".join(rf"(?<!\w){re.escape(stem)}" for stem in stems))


_PATTERNS: dict[str, dict[str, re.Pattern[str]]] = {
    language: {name: _compile(language, stems) for name, stems in classes.items()}
    for language, classes in _STEMS.items()
}


def explicit_emotions(text: str, language: str) -> frozenset[str]:
    """The support classes whose feeling the customer names outright, e.g. "боюсь" → anxiety."""
    patterns = _PATTERNS.get(language)
    if not patterns:
        return frozenset()
    lowered = f" {text.lower()} "
    found = set()
    for name, pattern in patterns.items():
        for match in pattern.finditer(lowered):
            if not _negated(lowered[: match.start()], language, match.group(0)):
                found.add(name)
                break
    return frozenset(found)


def with_explicit_evidence(
    probabilities: np.ndarray, thresholds: np.ndarray, found: frozenset[str]
) -> np.ndarray:
    """One row of probabilities, each named feeling raised to just above its threshold."""
    raised = np.array(probabilities, dtype=np.float32)
    for name in found:
        column = SUPPORT_CLASSES.index(name)
        raised[column] = max(raised[column], min(1.0, thresholds[column] + EVIDENCE_MARGIN))
    return raised


def _negated(before: str, language: str, matched: str) -> bool:
    if matched.startswith(("не ", "nie ", "不", "没")):
        return False  # the negation is part of the phrase itself ("не понимаю", "不明白")
    window = before[-4:] if language == "zh" else before[-5:]
    if language == "zh":
        return window.endswith(_NEGATIONS["zh"])
    return window.endswith(_NEGATIONS[language])
