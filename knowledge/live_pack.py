"""The pack and topic index a running bot answers from, replaced whole when its content folder changes.

A dozen services keep the pack they were built with; handing each a new one after every console edit
would mean rebuilding the service, its locks and its schedules. So a running bot gives them these
stand-ins, which read the content loaded last. ``LiveContent.swap`` replaces pack and index together in
one assignment on the event loop, so no reader ever sees a new pack with an old index, or half a pack.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.content_upgrade import ContentUpgrade
from knowledge.forms import DetailRule
from knowledge.pack import GestureRule, KnowledgePack, Topic, Wording
from knowledge.retrieval import Retrieval, TopicIndex
from knowledge.shop_profile import ShopProfile

__all__ = ["LiveContent", "LiveIndex", "LivePack", "LoadedContent"]


@dataclass(frozen=True)
class LoadedContent:
    pack: KnowledgePack
    index: TopicIndex


class LiveContent:
    """The content loaded last, and the stand-ins (``pack``, ``index``) that services hold."""

    def __init__(self, pack: KnowledgePack, index: TopicIndex) -> None:
        self._loaded = LoadedContent(pack, index)
        self.pack = LivePack(self)
        self.index = LiveIndex(self)

    @property
    def loaded(self) -> LoadedContent:
        return self._loaded

    def swap(self, pack: KnowledgePack, index: TopicIndex) -> None:
        self._loaded = LoadedContent(pack, index)


class LivePack(KnowledgePack):
    """A ``KnowledgePack`` whose every part is the one of the pack loaded last."""

    _content: LiveContent

    def __init__(self, content: LiveContent) -> None:  # no fields of its own: it reads the loaded pack's
        object.__setattr__(self, "_content", content)  # the dataclass is frozen

    @property
    def _pack(self) -> KnowledgePack:
        return self._content.loaded.pack

    @property
    def topics(self) -> dict[str, tuple[Topic, ...]]:
        return self._pack.topics

    @property
    def wording(self) -> dict[str, Wording]:
        return self._pack.wording

    @property
    def gestures(self) -> tuple[GestureRule, ...]:
        return self._pack.gestures

    @property
    def details(self) -> dict[str, DetailRule]:
        return self._pack.details

    @property
    def profile(self) -> ShopProfile | None:
        return self._pack.profile

    @property
    def upgrade(self) -> ContentUpgrade:
        return self._pack.upgrade


class LiveIndex(TopicIndex):
    """A ``TopicIndex`` that searches the index built for the pack loaded last."""

    def __init__(self, content: LiveContent) -> None:  # nothing of its own to index
        self._content = content

    @property
    def semantic(self) -> bool:
        return self._content.loaded.index.semantic

    def find(self, text: str, language: str, embedding: np.ndarray | None) -> Retrieval:
        return self._content.loaded.index.find(text, language, embedding)

    def similarities(self, embedding: np.ndarray) -> dict[str, float]:
        return self._content.loaded.index.similarities(embedding)
