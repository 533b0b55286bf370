"""The emotion model as the bot uses it: text in, Analysis out, routed by language.

Russian, Polish and Chinese scores come from the multilingual head, lifted where the customer
names a feeling outright (``nlu.lexicon``): the encoder alone blurs those words.

Every message also gets its multilingual sentence vectors (USE v3), the ones topic retrieval
searches with, its clauses in the same batch; for English it costs about a millisecond. A
ru/pl/zh message's emotion head reads the whole message through the adapted encoder (a second
pass of a few milliseconds); with an older head trained without an adapter it reads the search
vector itself.

English worry is read twice. The English model learned from Reddit comments, where worry is
named ("I'm so nervous"); customers of a shop mostly worry without a feeling word ("the party is
Saturday, will it come??"), and it found 0.32 F1 of them on the curated support lines' test
split, against 0.84 for the multilingual head, which learned from those lines' training split.
So an English message the head reads as anxious gets anxiety just over the English threshold,
as a named feeling does in the other languages (GoEmotions dev anxiety F1 0.670 → 0.652: Reddit's
worry is the English model's home ground). It costs the adapted pass for English messages too,
batched with the others'.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.artifact import ModelArtifact, load_artifact
from nlu.encoder import ModelLoadError, TextEncoder
from nlu.english_encoder import load_english_encoder
from nlu.language import detect_language
from nlu.lexicon import explicit_emotions, with_explicit_evidence
from nlu.multilingual import ENCODER_PACKAGE, MultilingualEncoder, MultilingualModel
from nlu.types import SUPPORT_CLASSES, Analysis, EmotionScores

logger = logging.getLogger(__name__)


def default_model_dir() -> Path:
    """The committed, trained artifact that ships inside the package."""
    return Path(__file__).resolve().parent / "artifacts" / "emotion"


MULTILINGUAL_LANGUAGES = frozenset({"ru", "pl", "zh"})
ANXIETY = SUPPORT_CLASSES.index("anxiety")
WORRY = frozenset({"anxiety"})
MAX_CLAUSES = 8
"""A long message is searched by its first clauses: customers state the problem early."""
_CLAUSE_END = re.compile(r"(?<=[.!?;:…,])\s+|(?<=[。！？；：，、])|\n+|\s[-–—]\s")


@dataclass(frozen=True)
class ScoredTexts:
    """Per-text probabilities with the thresholds and model version that apply to each row,
    and each text's retrieval vectors (None without the multilingual encoder)."""

    languages: list[str]
    probabilities: np.ndarray
    thresholds: np.ndarray
    versions: list[str]
    embeddings: list[np.ndarray] | None = None


class EmotionModel:
    """Scores messages: English through the fine-tuned transformer, ru/pl/zh through the
    multilingual head when it is installed. Synchronous and CPU-bound: call it off the event loop.
    """

    def __init__(self, model_dir: Path, precision: str = "auto", max_threads: int | None = None,
                 cache_dir: Path | None = None) -> None:
        """``cache_dir`` holds the exported ONNX encoder (default ``var/cache``); ``max_threads`` caps the
        threads a batch uses (default: one per core this process may run on)."""
        self.max_threads = max_threads or available_cores()
        self.artifact: ModelArtifact = load_artifact(model_dir)
        self.encoder: TextEncoder = load_english_encoder(self.artifact, model_dir, precision, cache_dir,
                                                         self.max_threads)
        self.multilingual: MultilingualModel | None = None
        try:
            self.multilingual = MultilingualModel(model_dir)
        except ModelLoadError as error:
            logger.warning("no multilingual head, so ru/pl/zh messages are scored by the English model: %s", error)
        self.retrieval_encoder = self.multilingual.search_encoder if self.multilingual else _retrieval_encoder_if_installed()
        logger.info(
            "emotion model loaded version=%s precision=%s multilingual=%s dir=%s", self.artifact.version,
            self.encoder.precision, self.multilingual.head.version if self.multilingual else "-", model_dir,
        )

    @property
    def version(self) -> str:
        return self.artifact.version

    @property
    def can_embed(self) -> bool:
        return self.retrieval_encoder is not None

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length multilingual sentence vectors (512-d), one row per text, for topic retrieval.

        A sentence and its translation land close together, so one index serves every language.
        Raises ModelLoadError when the encoder's package is not installed (see ``can_embed``).
        """
        if self.retrieval_encoder is None:
            raise ModelLoadError(f"The retrieval encoder is not installed (pip package {ENCODER_PACKAGE}).")
        return self.retrieval_encoder.encode(texts, threads=USE_THREADS)

    def score(self, texts: list[str], retrieval: bool = True, threads: int | None = None,
              languages: list[str] | None = None) -> ScoredTexts:
        """Emotion scores; with ``retrieval`` also every text's search vectors (what the bot needs).

        Without it only ru/pl/zh texts are embedded (their emotion head reads the vector), so
        evaluation and the emotion-only benchmark pay nothing for search. ``threads`` overrides
        the adaptive choice of encoder threads (see ``encoder_threads_for``). ``languages`` gives each
        text's language when it is known (evaluation sets), instead of detecting it.
        """
        wanted = threads or encoder_threads_for(len(texts), self.max_threads)
        if languages is None:
            languages = [detect_language(text) for text in texts]
        whole: np.ndarray | None = None
        embeddings: list[np.ndarray] | None = None
        if retrieval and self.can_embed:
            whole, embeddings = message_vectors(self.embed, texts)
        elif self.can_embed and self.multilingual is not None and not self.multilingual.adapted:
            whole = np.zeros((len(texts), 512), dtype=np.float32)
            needed = [i for i, language in enumerate(languages) if language in MULTILINGUAL_LANGUAGES]
            if needed:
                whole[needed] = self.embed([texts[i] for i in needed])
        count = len(SUPPORT_CLASSES)
        probabilities = np.zeros((len(texts), count), dtype=np.float32)
        thresholds = np.tile(self.artifact.thresholds, (len(texts), 1))
        versions = [self.artifact.version] * len(texts)
        other = [i for i, language in enumerate(languages) if language in MULTILINGUAL_LANGUAGES and self.multilingual]
        english = sorted(set(range(len(texts))) - set(other))
        if english:
            probabilities[english] = self.artifact.support_probabilities(self.encoder.encode([texts[i] for i in english], threads=wanted))
        second_readers = english if self.multilingual is not None and self.multilingual.adapted else []
        vectors = self._feeling_vectors(texts, other + second_readers, whole)
        if vectors is not None and self.multilingual is not None:
            head = self.multilingual.head
            read = head.probabilities(vectors)
            for row, i in zip(read[: len(other)], other, strict=True):
                own = head.thresholds_for(languages[i])
                probabilities[i] = with_explicit_evidence(row, own, explicit_emotions(texts[i], languages[i]))
                thresholds[i] = own
                versions[i] = head.version
            worried = head.thresholds_for("en")[ANXIETY]
            for row, i in zip(read[len(other):], second_readers, strict=True):
                if row[ANXIETY] >= worried:
                    probabilities[i] = with_explicit_evidence(probabilities[i], thresholds[i], WORRY)
        return ScoredTexts(languages, probabilities, thresholds, versions, embeddings)

    def _feeling_vectors(self, texts: list[str], rows: list[int], whole: np.ndarray | None) -> np.ndarray | None:
        """The vectors the multilingual head reads for ``rows``: the adapted encoder's when there is an
        adapter (a second, small pass over the whole message only), else the search vectors already made."""
        if not rows or self.multilingual is None:
            return None
        if self.multilingual.adapted:
            return self.multilingual.encoder.encode([texts[i] for i in rows], threads=USE_THREADS)
        return whole[rows] if whole is not None else None

    def score_as(self, texts: list[str], language: str) -> ScoredTexts:
        """Emotion scores of texts all known to be in ``language`` (an evaluation set)."""
        return self.score(texts, retrieval=False, languages=[language] * len(texts))

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Support-class probabilities, one row per text."""
        return self.score(texts, retrieval=False).probabilities

    def all_probabilities(self, texts: list[str]) -> np.ndarray:
        """The English model's support and auxiliary (Ekman) outputs, for evaluation."""
        return self.artifact.all_probabilities(self.encoder.encode(texts))

    def analyse(self, texts: list[str], retrieval: bool = True, threads: int | None = None) -> list[Analysis]:
        scored = self.score(texts, retrieval, threads)
        embeddings: list[np.ndarray | None] = [None] * len(texts)
        if scored.embeddings is not None:
            embeddings = list(scored.embeddings)
        return [
            analysis_from_probabilities(language, row, thresholds, version, embedding)
            for language, row, thresholds, version, embedding in zip(
                scored.languages, scored.probabilities, scored.thresholds, scored.versions, embeddings, strict=True
            )
        ]


SMALL_BATCH = 2


def available_cores() -> int:
    """The cores this process may run on (what torch would use by default), without importing torch."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
USE_THREADS = 1
"""BLAS threads of the multilingual encoder (USE), for single messages and batches alike: it works in
micro-batches of at most 384 tokens, too small to share, and a second OpenBLAS thread spins. Measured on
2 cores under load: one Russian message 2.9 ms of CPU with one thread against 40.6 ms with two, a batch of
64 messages 64 ms of CPU (190 ms wall) against 264 ms (785 ms wall)."""


def encoder_threads_for(batch_size: int, max_threads: int) -> int:
    """One encoder thread (torch or ONNX Runtime) for a message or two, all of them for a batch.

    Measured on 2 cores: a single message took 12.8 ms with one torch thread beside the search
    encoder's two BLAS threads, but 28 ms (p95 126 ms) with two torch threads, whose OpenMP
    workers spin and starve the BLAS threads; batches of 64 gain from every thread. The search
    encoder does not follow it (``USE_THREADS``).
    """
    return 1 if batch_size <= SMALL_BATCH else max(1, max_threads)


def clauses(text: str) -> list[str]:
    """The clauses of a message that has several, else nothing.

    A greeting or a story around the question dilutes the whole message's vector ("Dzień dobry,
    gdzie jest moja paczka? Zamówiłam tydzień temu i nadal nic." lies far from every topic), so
    retrieval also searches each clause on its own.
    """
    parts = [part.strip() for part in _CLAUSE_END.split(text) if part and part.strip()]
    return parts[:MAX_CLAUSES] if len(parts) > 1 else []


def message_vectors(
    embed: Callable[[list[str]], np.ndarray], texts: list[str]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each text's own vector, and its retrieval vectors: the whole text first, then its clauses.

    One call to ``embed`` for everything, so a batch of messages stays one batch.
    """
    pieces = [clauses(text) for text in texts]
    vectors = embed([*texts, *(piece for parts in pieces for piece in parts)])
    whole = vectors[: len(texts)]
    retrieval, start = [], len(texts)
    for i, parts in enumerate(pieces):
        retrieval.append(np.vstack([whole[i : i + 1], vectors[start : start + len(parts)]]))
        start += len(parts)
    return whole, retrieval


def _retrieval_encoder_if_installed() -> MultilingualEncoder | None:
    try:
        return MultilingualEncoder()
    except ModelLoadError as error:
        logger.warning("no multilingual encoder, so topics are found by keywords only: %s", error)
        return None


def analysis_from_probabilities(
    language: str, probabilities: np.ndarray, thresholds: np.ndarray, version: str,
    embedding: np.ndarray | None = None,
) -> Analysis:
    """Turn one row of class probabilities into an Analysis; at least one label is always given."""
    scores = EmotionScores.from_mapping(dict(zip(SUPPORT_CLASSES, (float(p) for p in probabilities), strict=True)))
    labels = tuple(name for name, p, t in zip(SUPPORT_CLASSES, probabilities, thresholds, strict=True) if p >= t)
    if not labels:
        margins = probabilities / np.maximum(thresholds, 1e-6)
        labels = (SUPPORT_CLASSES[int(np.argmax(margins))],)
    return Analysis(language=language, scores=scores, labels=labels, model_version=version, embedding=embedding)
