"""Curated answers and wording, and finding the right one for a message."""

from knowledge.filling import fill
from knowledge.forms import DetailRule, DetailWording
from knowledge.pack import (
    Closing,
    ConversationWording,
    GestureRule,
    KnowledgeError,
    KnowledgePack,
    Topic,
    Wording,
    load_pack,
)
from knowledge.retrieval import TopicMatch, find_topic

__all__ = [
    "Closing", "ConversationWording", "DetailRule", "DetailWording", "GestureRule", "KnowledgeError", "KnowledgePack",
    "Topic", "TopicMatch", "Wording", "fill", "find_topic", "load_pack",
]
