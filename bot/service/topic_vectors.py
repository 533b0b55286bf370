"""The topic index of a pack, embedding each example question once per process.

A running bot builds the index at start and again whenever its content changes (bot/service/content_reload.py).
Most edits change words, not example questions, so the vectors already computed are kept by language
and text, and only new examples go through the model: a wording edit reloads in the time it takes to read
the files, not to embed a few hundred questions again.
"""

from __future__ import annotations

import logging

import numpy as np

from knowledge.pack import KnowledgePack
from knowledge.retrieval import TopicIndex, example_texts
from nlu.runtime import EmotionAnalyzer

logger = logging.getLogger(__name__)


class ExampleVectors:
    def __init__(self, analyzer: EmotionAnalyzer) -> None:
        self._analyzer = analyzer
        self._known: dict[tuple[str, str], np.ndarray] = {}

    async def index(self, pack: KnowledgePack) -> TopicIndex:
        """Embed the examples not seen yet; without the model, an index that matches keywords."""
        texts = example_texts(pack)
        wanted = {(language, text) for language, examples in texts.items() for text in examples}
        new = sorted(wanted - set(self._known))
        if new:
            vectors = await self._analyzer.embed([text for _, text in new])
            if vectors is None:
                index = TopicIndex.build(pack, None)
                logger.info("topic index built semantic=%s languages=%s", index.semantic, "-")
                return index
            self._known.update(zip(new, vectors, strict=True))
        self._known = {key: vector for key, vector in self._known.items() if key in wanted}  # edited-away ones go
        width = next((vector.shape[0] for vector in self._known.values()), 0)
        usable = {language: np.vstack([self._known[(language, text)] for text in examples]) if examples
                  else np.zeros((0, width), dtype=np.float32) for language, examples in texts.items()}
        index = TopicIndex.build(pack, usable)
        logger.info("topic index built semantic=%s languages=%s new_examples=%d", index.semantic,
                    ",".join(usable) or "-", len(new))
        return index
