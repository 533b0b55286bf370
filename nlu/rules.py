"""Keyword scores used when the transformer cannot be loaded (degraded mode).

Crude on purpose: they only need to notice clear worry and anger so the bot can offer a
person sooner. The policy knows these scores are rule-based (``Analysis.degraded``).
"""

from __future__ import annotations

import re

from nlu.language import detect_language
from nlu.types import Analysis, EmotionScores

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "anger": (
        "angry", "furious", "ridiculous", "unacceptable", "terrible", "worst", "scam", "hate",
        "злой", "возмутительно", "ужасно", "безобразие", "wściekły", "skandal", "okropne",
        "生气", "愤怒", "太差",
    ),
    "anxiety": (
        "worried", "worry", "scared", "afraid", "anxious", "nervous", "panic", "urgent",
        "волнуюсь", "боюсь", "переживаю", "срочно", "martwię", "boję", "pilne",
        "担心", "害怕", "着急",
    ),
    "sadness": ("sad", "disappointed", "upset", "грустно", "расстроен", "smutno", "zawiedziony", "难过", "失望"),
    "confusion": ("confused", "don't understand", "how do i", "what is", "не понимаю", "nie rozumiem", "不明白"),
    "positive": ("thanks", "thank you", "great", "спасибо", "dziękuję", "謝謝", "谢谢"),
}


def rule_based_analysis(text: str) -> Analysis:
    lowered = text.lower()
    values: dict[str, float] = {}
    for name, words in _KEYWORDS.items():
        hits = sum(1 for word in words if re.search(rf"(?<!\w){re.escape(word)}", lowered))
        values[name] = min(0.3 + 0.3 * hits, 0.9) if hits else 0.05
    strongest = max(values.values())
    values["neutral"] = 0.7 if strongest < 0.3 else 0.1
    scores = EmotionScores.from_mapping(values)
    labels = tuple(name for name, value in scores.as_dict().items() if value >= 0.5)
    return Analysis(
        language=detect_language(text), scores=scores, labels=labels, degraded=True, model_version="rules"
    )
