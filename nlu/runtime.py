"""Scoring messages from async code without blocking the event loop.

One model per process runs on a single worker thread. Concurrent requests wait in an
``asyncio.Queue``; the batcher takes whatever has queued up (to ``max_batch``) and scores it
in one forward pass, so a burst of messages costs little more than one. Each Analysis carries
the message's retrieval embedding; ``embed`` gives the same vectors for other texts (the
topics' examples, once at start) on the same thread. The thread's busy time is counted and
logged once at shutdown, so a benchmark can tell the model's share of a turn from the rest.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
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


@dataclass(frozen=True)
class ModelUsage:
    """Seconds the model thread spent and texts it handled: scoring customers' messages, and
    embedding other texts (the topics' examples, at start) apart, so start-up does not count."""

    scoring_seconds: float = 0.0
    scored_texts: int = 0
    batches: int = 0
    embedding_seconds: float = 0.0
    embedded_texts: int = 0

    def describe(self) -> str:
        """The shutdown log line; ``parse`` reads it back (``candor bench e2e`` does, from a worker's log)."""
        return (f"model busy {self.scoring_seconds:.3f} s for {self.scored_texts} texts in {self.batches} batches; "
                f"embedding {self.embedding_seconds:.3f} s for {self.embedded_texts} texts")

    @classmethod
    def parse(cls, log: str) -> ModelUsage | None:
        """The last ``describe`` line in ``log``; None when there is none (the process did not stop cleanly)."""
        found = _USAGE_LINE.findall(log)
        if not found:
            return None
        seconds, texts, batches, embedding, embedded = found[-1]
        return cls(float(seconds), int(texts), int(batches), float(embedding), int(embedded))


_USAGE_LINE = re.compile(
    r"model busy ([\d.]+) s for (\d+) texts in (\d+) batches; embedding ([\d.]+) s for (\d+) texts")


@dataclass(order=True)
class _Request:
    """Queued for the model: urgent requests (priority 0) first, then in arrival order."""

    priority: int
    arrival: int
    text: str = field(compare=False)
    future: asyncio.Future[Analysis] = field(compare=False)


class EmotionAnalyzer:
    """Async front of the emotion model with micro-batching and a degraded fallback."""

    def __init__(self, scorer: BatchScorer | None, max_batch: int = 32, embedder: Embedder | None = None) -> None:
        self._scorer = scorer
        self._embedder = embedder
        self._max_batch = max_batch
        self._queue: asyncio.PriorityQueue[_Request] = asyncio.PriorityQueue()
        self._arrivals = itertools.count()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="candor-nlu")
        self._batcher: asyncio.Task[None] | None = None
        self._usage = ModelUsage()

    @property
    def degraded(self) -> bool:
        return self._scorer is None

    @property
    def usage(self) -> ModelUsage:
        """What the model thread has done so far (cumulative since the analyser was made)."""
        return self._usage

    @classmethod
    async def load(cls, model_dir: Path, precision: str = "auto", cache_dir: Path | None = None) -> EmotionAnalyzer:
        """Load the model on the worker thread; on failure run degraded and say so in the log.

        ``cache_dir`` holds the ONNX export when the precision runs on ONNX Runtime (default ``var/cache``)."""
        analyzer = cls(None)
        loop = asyncio.get_running_loop()
        try:
            from nlu.model import EmotionModel

            model = await loop.run_in_executor(analyzer._executor, EmotionModel, model_dir, precision, None, cache_dir)
        except (ModelLoadError, OSError, ImportError) as error:
            logger.warning("emotion model unavailable, running in degraded mode (keyword scores): %s", error)
            return analyzer
        analyzer._scorer = model.analyse
        analyzer._embedder = model.embed if model.can_embed else None
        return analyzer

    async def analyse(self, text: str, urgent: bool = False) -> Analysis:
        """Scores for one text; an ``urgent`` one (a crisis) is scored before all waiting texts, in a batch
        of its own kind, so it never waits behind a long batch."""
        clipped = text[:MAX_ANALYSED_CHARS]
        if self._scorer is None:
            return rule_based_analysis(clipped)
        if self._batcher is None or self._batcher.done():
            self._batcher = asyncio.create_task(self._run_batches(), name="candor-nlu-batcher")
        future: asyncio.Future[Analysis] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Request(0 if urgent else 1, next(self._arrivals), clipped, future))
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
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._timed_embed, embedder, clipped)
        except Exception:  # a model fault must not stop the bot: topics are then found by keywords
            logger.exception("embedding failed for %d texts; topic retrieval uses keywords", len(texts))
            return None

    async def _run_batches(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                following = self._queue.get_nowait()
                if following.priority != batch[0].priority:
                    self._queue.put_nowait(following)  # urgent texts are scored on their own
                    break
                batch.append(following)
            scorer = self._scorer
            assert scorer is not None
            try:
                results = await loop.run_in_executor(self._executor, self._timed_score, scorer, [r.text for r in batch])
            except Exception:  # a model fault must not lose the customers' messages: score them by rules
                logger.exception("emotion scoring failed for a batch of %d; using keyword scores", len(batch))
                results = [rule_based_analysis(r.text) for r in batch]
            for request, result in zip(batch, results, strict=True):
                if not request.future.done():
                    request.future.set_result(result)

    def _timed_score(self, scorer: BatchScorer, texts: list[str]) -> list[Analysis]:
        """Runs on the model thread; only that thread writes ``_usage``, so no lock is needed."""
        started = time.perf_counter()
        try:
            return scorer(texts)
        finally:
            u = self._usage
            self._usage = replace(u, scoring_seconds=u.scoring_seconds + time.perf_counter() - started,
                                  scored_texts=u.scored_texts + len(texts), batches=u.batches + 1)

    def _timed_embed(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return embedder(texts)
        finally:
            u = self._usage
            self._usage = replace(u, embedding_seconds=u.embedding_seconds + time.perf_counter() - started,
                                  embedded_texts=u.embedded_texts + len(texts))

    async def close(self) -> None:
        logger.info("%s", self._usage.describe())
        if self._batcher is not None:
            self._batcher.cancel()
            try:
                await self._batcher
            except asyncio.CancelledError:
                pass
        self._executor.shutdown(wait=False, cancel_futures=True)
