"""Runs one model comparison at a time in the background, writing its progress and result to the database.

Cheap on a small machine: each model is loaded in turn (never both at once) with one torch thread,
texts are scored in batches of ``BATCH`` in a worker thread so the event loop keeps serving pages,
and the sample is bounded: the first ``sample`` rows of each of ``nlu.training.report``'s held-out
sets (``DEFAULT_SAMPLE`` unless the console is told otherwise), the latest ``sample`` trainers'
corrections (a set of their own, in any language), and the latest ``sample`` customer messages,
which are where label flips are looked for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.policy.model_comparison import ComparisonResult, PastMessage, label_flips, set_figures, to_json
from bot.storage.comparisons import ComparisonRepository
from bot.storage.database import Database
from bot.storage.trainers import TrainerRepository
from nlu.errors import CandorError
from nlu.model import EmotionModel, analysis_from_probabilities
from nlu.registry import ModelEntry, list_models
from nlu.training.dataset import corrections_as_texts
from nlu.training.report import EvalSet, evaluation_sets
from nlu.types import SUPPORT_CLASSES

logger = logging.getLogger(__name__)
DEFAULT_SAMPLE = 200
BATCH = 32
ANY_LANGUAGE = "any"
"""The corrections set mixes languages: each text is scored in the language detected, as the bot does."""
STOPPED = "the console stopped while it ran; run it again to get its figures"
STALE = "the console stopped without finishing it (killed or crashed); run it again to get its figures"


@dataclass(frozen=True)
class ComparisonSetup:
    models_dir: Path
    data_dir: Path
    curated_file: Path | None
    sample: int = DEFAULT_SAMPLE


@dataclass(frozen=True)
class Decisions:
    """One model's yes/no per class on every set, and its labels for every past message."""

    per_set: list[np.ndarray]
    labels: list[tuple[str, ...]]


def live_entry(models_dir: Path) -> ModelEntry:
    return next(entry for entry in list_models(models_dir) if entry.live)


def sampled_sets(setup: ComparisonSetup) -> list[EvalSet]:
    return [EvalSet(s.language, s.name, s.data.first(setup.sample), s.classes)
            for s in evaluation_sets(setup.data_dir, setup.curated_file)]


class ComparisonRunner:
    def __init__(self, database: Database, setup: ComparisonSetup, now: Callable[[], dt.datetime]) -> None:
        self._database = database
        self._setup = setup
        self._now = now
        self._task: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, candidate: ModelEntry, trainer: str) -> int:
        """The comparison now running: a new one, or the one already running (only one at a time)."""
        async with self._starting:
            await self._settle()
            async with self._database.session() as session:
                repository = ComparisonRepository(session)
                running = await repository.running()
                if running is not None:
                    return running.id
                live = live_entry(self._setup.models_dir)
                comparison_id = (await repository.start(candidate.name, live.name, trainer)).id
            self._task = asyncio.create_task(self._run(comparison_id, live.path, candidate.path))
            return comparison_id

    async def settle_interrupted(self) -> None:
        """A comparison left "running" by a console that stopped without saying so (killed, or a crash) is marked
        interrupted, so it is not shown as running forever and a new one can start."""
        async with self._starting:
            await self._settle()

    async def stop(self) -> None:
        """Cancel the comparison running now, if any, and wait until it is recorded as interrupted.

        Called when the console shuts down: a model half-way through its rows is abandoned (the worker thread
        finishes its current batch and its result is dropped), and the row says what happened.
        """
        async with self._starting:
            task, self._task = self._task, None
            if task is None or task.done():
                return
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def _settle(self) -> None:
        if self.busy:
            return
        async with self._database.session() as session:
            repository = ComparisonRepository(session)
            running = await repository.running()
            if running is not None:
                await repository.interrupt(running.id, STALE, self._now())
                logger.warning("model comparison %d was left running by a console that stopped: marked interrupted",
                               running.id)

    async def _run(self, comparison_id: int, live: Path, candidate: Path) -> None:
        try:
            sets = await asyncio.to_thread(sampled_sets, self._setup)
            async with self._database.session() as session:
                rows = await ComparisonRepository(session).past_customer_messages(self._setup.sample)
                corrected = await TrainerRepository(session).corrected_examples()
            corrections = corrections_as_texts([(c.text, c.labels) for c in corrected[-self._setup.sample:]])
            if corrections.texts:
                sets.append(EvalSet(ANY_LANGUAGE, "trainers' corrections", corrections, SUPPORT_CLASSES))
            messages = [PastMessage(message_id, conversation, language) for message_id, conversation, language, _ in rows]
            texts = [text for *_, text in rows]
            total = 2 * (sum(len(s.data.texts) for s in sets) + len(texts))
            progress = _Progress(self._database, comparison_id, total)
            await progress.add(0)
            mine = await self._decide(candidate, sets, messages, texts, progress)  # first: a broken one fails fast
            theirs = await self._decide(live, sets, messages, texts, progress)
            figures = [figure for s, old, new in zip(sets, theirs.per_set, mine.per_set, strict=True)
                       for figure in set_figures(s.language, s.name, s.classes, _truth(s), old, new)]
            result = ComparisonResult(tuple(figures), tuple(label_flips(messages, theirs.labels, mine.labels)),
                                      len(messages))
            async with self._database.session() as session:
                await ComparisonRepository(session).finish(comparison_id, to_json(result), self._now())
            logger.info("model comparison %d done", comparison_id)
        except asyncio.CancelledError:
            async with self._database.session() as session:
                await ComparisonRepository(session).interrupt(comparison_id, STOPPED, self._now())
            logger.info("model comparison %d interrupted: the console is stopping", comparison_id)
            raise
        except (CandorError, OSError, KeyError, ValueError, RuntimeError) as error:
            logger.warning("model comparison %d failed: %s", comparison_id, type(error).__name__, exc_info=True)
            async with self._database.session() as session:
                await ComparisonRepository(session).fail(comparison_id, f"{type(error).__name__}: {error}", self._now())

    async def _decide(self, model_dir: Path, sets: list[EvalSet], messages: list[PastMessage], texts: list[str],
                      progress: _Progress) -> Decisions:
        model = await asyncio.to_thread(EmotionModel, model_dir, "auto", 1)
        per_set = []
        for eval_set in sets:
            columns = [SUPPORT_CLASSES.index(name) for name in eval_set.classes]
            parts = []
            for start in range(0, len(eval_set.data.texts), BATCH):
                chunk = eval_set.data.texts[start:start + BATCH]
                scored = await asyncio.to_thread(model.score, chunk, False) if eval_set.language == ANY_LANGUAGE \
                    else await asyncio.to_thread(model.score_as, chunk, eval_set.language)
                parts.append(scored.probabilities[:, columns] >= scored.thresholds[:, columns])
                await progress.add(len(chunk))
            per_set.append(np.concatenate(parts) if parts else np.zeros((0, len(columns)), dtype=bool))
        labels: list[tuple[str, ...]] = []
        for start in range(0, len(texts), BATCH):
            chunk, chunk_messages = texts[start:start + BATCH], messages[start:start + BATCH]
            scored = await asyncio.to_thread(model.score, chunk, False, 1, [m.language for m in chunk_messages])
            labels += [analysis_from_probabilities(m.language, row, thresholds, model.version).labels
                       for m, row, thresholds in zip(chunk_messages, scored.probabilities, scored.thresholds,
                                                      strict=True)]
            await progress.add(len(chunk))
        return Decisions(per_set, labels)


class _Progress:
    """Rows scored so far, written through to the comparison's row for the polling page."""

    def __init__(self, database: Database, comparison_id: int, total: int) -> None:
        self._database, self._id, self._total, self._done = database, comparison_id, total, 0

    async def add(self, rows: int) -> None:
        self._done += rows
        async with self._database.session() as session:
            await ComparisonRepository(session).progress(self._id, self._done, self._total)


def _truth(eval_set: EvalSet) -> np.ndarray:
    columns = [SUPPORT_CLASSES.index(name) for name in eval_set.classes]
    return np.asarray(eval_set.data.targets)[:, columns]
