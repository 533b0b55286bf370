"""Emotion, anxiety and language understanding for one customer message."""

from nlu.types import SUPPORT_CLASSES, Analysis, Emotion, EmotionScores

__all__ = ["SUPPORT_CLASSES", "Analysis", "Emotion", "EmotionScores"]
