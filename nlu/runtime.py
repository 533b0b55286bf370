"""Scoring messages from async code without blocking the event loop.

One model per process runs on a single worker thread. Concurrent requests wait in an
``asyncio.Queue``; the batcher takes whatever has queued up (to ``max_batch``) and scores it
in one forward pass, so a burst of messages costs little more than one. Each Analysis carries
the message's retrieval embedding; ``embed`` gives the same vectors for other texts (the
topics' examples, once at start) on the same thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.encoder import ModelLoadError
from nlu.rules import rule_based_analysis
from nlu.types import Analysis

logger = logging.getLogger(__name__)

MAX_ANALYSED_CHARS = 4000
"""The model reads 128 tokens at most; a longer text is still stored whole, only not scored past this."""

BatchScorer = Callable[[list[str]], list[Analysis]]
Embedder = Callable[[list[str]], np.ndarray]


@dataclass
class _Request:
    text: str
    future: asyncio.Future[Analysis]


class EmotionAnalyzer:
    """Async front of the emotion model with micro-batching and a degraded fallback."""

    def __init__(self, scorer: BatchScorer | None, max_batch: int = 32, embedder: Embedder | None = None) -> None:
        self._scorer = scorer
        self._embedder = embedder
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Request] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="candor-nlu")
        self._batcher: asyncio.Task[None] | None = None

    @property
    def degraded(self) -> bool:
        return self._scorer is None

    @classmethod
    async def load(cls, model_dir: Path, precision: str = "auto") -> EmotionAnalyzer:
        """Load the model on the worker thread; on failure run degraded and say so in the log."""
        analyzer = cls(None)
        loop = asyncio.get_running_loop()
        try:
            from nlu.model import EmotionModel

            model = await loop.run_in_executor(analyzer._executor, EmotionModel, model_dir, precision)
        except (ModelLoadError, OSError, ImportError) as error:
            logger.warning("emotion model unavailable, running in degraded mode (keyword scores): %s", error)
            return analyzer
        analyzer._scorer = model.analyse
        analyzer._embedder = model.embed if model.can_embed else None
        return analyzer

    async def analyse(self, text: str) -> Analysis:
        clipped = text[:MAX_ANALYSED_CHARS]
        if self._scorer is None:
            return rule_based_analysis(clipped)
        if self._batcher is None or self._batcher.done():
            self._batcher = asyncio.create_task(self._run_batches(), name="candor-nlu-batcher")
        future: asyncio.Future[Analysis] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Request(clipped, future))
        return await future

    async def analyse_many(self, texts: list[str]) -> list[Analysis]:
        return list(await asyncio.gather(*(self.analyse(text) for text in texts)))

    async def embed(self, texts: list[str]) -> np.ndarray | None:
        """Retrieval vectors for ``texts``, one row each; None when no model can give them.

        Runs on the model's worker thread, so it never overlaps a scoring batch.
        """
        embedder = self._embedder
        if embedder is None or self._scorer is None:
            return None
        clipped = [text[:MAX_ANALYSED_CHARS] for text in texts]
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, embedder, clipped)
        except Exception:  # a model fault must not stop the bot: topics are then found by keywords
            logger.exception("embedding failed for %d texts; topic retrieval uses keywords", len(texts))
            return None

    async def _run_batches(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            scorer = self._scorer
            assert scorer is not None
            try:
                results = await loop.run_in_executor(self._executor, scorer, [r.text for r in batch])
            except Exception:  # a model fault must not lose the customers' messages: score them by rules
                logger.exception("emotion scoring failed for a batch of %d; using keyword scores", len(batch))
                results = [rule_based_analysis(r.text) for r in batch]
            for request, result in zip(batch, results, strict=True):
                if not request.future.done():
                    request.future.set_result(result)

    async def close(self) -> None:
        if self._batcher is not None:
            self._batcher.cancel()
            try:
                await self._batcher
            except asyncio.CancelledError:
                pass
        self._executor.shutdown(wait=False, cancel_futures=True)
