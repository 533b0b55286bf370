"""Finding the topic a message is about: semantic search over the topics' examples, plus keywords.

Each topic's ``examples`` (questions customers ask, in every language of the pack) are embedded
once at start by Google's multilingual Universal Sentence Encoder — the vectors the emotion
model already computes for ru/pl/zh. A message is compared with all of them: its similarity
to a topic is the mean cosine of the topic's two nearest examples, whatever their language,
so a Polish question finds a topic whose Polish examples are not written yet. The message
comes as its whole vector plus one per clause (nlu.model.clauses), and the best piece counts,
so a greeting or a story around the question does not drown it. Keywords add evidence on
top (``1 - (1 - semantic) * (1 - 0.6 * lexical)``), so an exact phrase lifts a borderline
match; without the model (``embedding=None``) keywords alone decide.

One confidence floor, MIN_CONFIDENCE = 0.5, serves both modes: one keyword, or a cosine of
COSINE_FLOOR. Below it the bot asks one clarifying question instead of guessing, naming the
candidates that came closest.

Measured with ``candor knowledge eval-retrieval`` (knowledge/retrieval_eval.py) on
tests/retrieval_cases.yaml: held-out paraphrases, 61 en and 46 each ru/pl/zh, some with a
greeting and a story around the question, and 14 + 12 + 12 + 12 off-topic messages. First
with the English examples only, so ru/pl/zh were matched across languages. Top-1 is the
right topic ranked first, whatever the confidence:

    encoder                      top-1 en   ru    pl    zh   answered right at the floor, off-topic rejected
    USE multilingual v3 (chosen)     0.93  0.93  0.93  0.93   en 0.84 ru 0.78 pl 0.72 zh 0.80; 50/50 rejected
    all-MiniLM-L6-v2, no adapters    0.95  0.02  0.35  0.30   English only, and a second model (+90 MB RSS)
    MiniLM + emotion adapters        0.66  0.22  0.22  0.17   tuned to feelings: off-topic scores above topics
    keywords only (no model)         0.28  0     0     0      en 0.28; 49/50 rejected ("free delivery to Norway?")

USE is within two points of the base MiniLM in English, the only one that works across
languages, is already loaded for the ru/pl/zh emotion head (no extra memory), and costs
1.3 ms a message with its clauses.

Then with the native ru/pl/zh examples in the index: top-1 en 0.97, ru 1.00, pl 0.96, zh 1.00.
Same-language examples also lift unrelated messages (a Polish "tell me a joke" reached 0.50,
"can I pay with BLIK?" 0.46), so the floor moved from 0.44 to 0.48, the best floor for every
language. With keywords on top, as the bot runs: answered right en 0.89, ru 0.93, pl 0.91,
zh 1.00, wrong at most 0.02, the rest asked (the right topic among the two it names every
time); off-topic rejected en 14/14, ru 12/12, pl 11/12, zh 12/12.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from knowledge.pack import KnowledgePack, Topic

MIN_CONFIDENCE = 0.5
"""Answer at or above this confidence; below it, ask."""
COSINE_UNRELATED = 0.25
"""Cosine of a message that has nothing to do with a topic: confidence 0 from the semantic side."""
COSINE_FLOOR = 0.48
"""Cosine that alone reaches MIN_CONFIDENCE; twice as far above COSINE_UNRELATED is full confidence."""
LEXICAL_WEIGHT = 0.6
"""With the model, one keyword alone (0.3) is not enough: the meaning must also be close."""
NEAREST_EXAMPLES = 2
MAX_CANDIDATES = 3


@dataclass(frozen=True)
class TopicMatch:
    topic: Topic
    confidence: float


@dataclass(frozen=True)
class Retrieval:
    """The topic to answer, or None to ask; the closest topics either way, for the question."""

    best: TopicMatch | None
    candidates: tuple[TopicMatch, ...]


def find_topic(text: str, topics: tuple[Topic, ...]) -> TopicMatch | None:
    """The best keyword match, or None when no topic is a confident match.

    Confidence grows with the number and length of matched key phrases, so "charged twice"
    outweighs a lone "delivery".
    """
    scores = lexical_scores(text, topics)
    best = max(topics, key=lambda topic: scores[topic.id], default=None)
    if best is None or scores[best.id] < MIN_CONFIDENCE:
        return None
    return TopicMatch(best, scores[best.id])


def lexical_scores(text: str, topics: tuple[Topic, ...]) -> dict[str, float]:
    """Per topic id, 0.5 per matched keyword plus 0.1 per extra word in it, capped at 1.

    Keywords match whole words, or as a prefix when written with a trailing ``*`` (``возврат*``
    for every case of a Russian noun); keywords in Chinese or Japanese script, which has no
    spaces, match anywhere in the text.
    """
    normalised = f" {_normalise(text)} "
    scores = {}
    for topic in topics:
        total = 0.0
        for keyword in topic.keywords:
            phrase, weight, anywhere, prefix = _keyword(keyword)
            if not phrase:
                continue
            if anywhere:
                hit = phrase in normalised
            else:
                hit = f" {phrase}{'' if prefix else ' '}" in normalised
            total += weight if hit else 0.0
        scores[topic.id] = min(1.0, total)
    return scores


class TopicIndex:
    """The examples of every language as unit vectors, searched together for one message."""

    def __init__(self, pack: KnowledgePack, vectors: np.ndarray | None, example_topics: tuple[str, ...]) -> None:
        self._pack = pack
        self._vectors = vectors
        rows: dict[str, list[int]] = {}
        for row, topic_id in enumerate(example_topics):
            rows.setdefault(topic_id, []).append(row)
        self._rows = {topic_id: np.asarray(found, dtype=np.intp) for topic_id, found in rows.items()}

    @classmethod
    def build(cls, pack: KnowledgePack, example_vectors: Mapping[str, np.ndarray] | None) -> TopicIndex:
        """Index ``example_vectors``: per language, one row per text of ``example_texts(pack)[language]``.

        None (no model) or an empty mapping gives a keyword-only index.
        """
        if not example_vectors:
            return cls(pack, None, ())
        texts = example_texts(pack)
        parts: list[np.ndarray] = []
        owners: list[str] = []
        for language, vectors in example_vectors.items():
            if language not in texts:
                raise ValueError(f"Example vectors for '{language}', which the knowledge pack does not have.")
            if vectors.ndim != 2 or vectors.shape[0] != len(texts[language]):
                raise ValueError(
                    f"Expected {len(texts[language])} example vectors for '{language}', got shape {vectors.shape}."
                )
            parts.append(_unit_rows(np.asarray(vectors, dtype=np.float32)))
            owners.extend(topic.id for topic in pack.topics[language] for _ in topic.examples)
        return cls(pack, np.vstack(parts), tuple(owners))

    @property
    def semantic(self) -> bool:
        """True when messages are matched by meaning, not by keywords alone."""
        return self._vectors is not None

    def find(self, text: str, language: str, embedding: np.ndarray | None) -> Retrieval:
        """The topic for ``text`` in ``language``; lexical only when ``embedding`` is None.

        With an embedding every topic is ranked (by similarity where confidences tie at 0), so
        the candidates are listed even for an off-topic message; by keywords alone, only the
        topics with a matching keyword are candidates.
        """
        topics = self._pack.topics_for(language)
        lexical = lexical_scores(text, topics)
        if embedding is None or self._vectors is None:
            confidences, similarities = lexical, {}
            listed = [topic for topic in topics if lexical[topic.id] > 0]
        else:
            similarities = self.similarities(embedding)
            confidences = {
                topic_id: combine(semantic_confidence(similarities.get(topic_id, 0.0)), lexical[topic_id])
                for topic_id in lexical
            }
            listed = list(topics)
        ranked = sorted(listed, key=lambda t: (confidences[t.id], similarities.get(t.id, 0.0)), reverse=True)
        candidates = tuple(TopicMatch(topic, round(confidences[topic.id], 4)) for topic in ranked[:MAX_CANDIDATES])
        best = candidates[0] if candidates and candidates[0].confidence >= MIN_CONFIDENCE else None
        return Retrieval(best, candidates)

    def similarities(self, embedding: np.ndarray) -> dict[str, float]:
        """Per topic id, the mean cosine of the topic's nearest examples to the message.

        ``embedding`` is one vector, or several (the message, then its clauses): the piece
        closest to a topic speaks for the message.
        """
        if self._vectors is None:
            return {}
        pieces = np.atleast_2d(np.asarray(embedding, dtype=np.float32))
        if pieces.ndim != 2 or not pieces.shape[0] or pieces.shape[1] != self._vectors.shape[1]:
            raise ValueError(
                f"The message embedding has shape {pieces.shape}, the index {self._vectors.shape[1]} dimensions: "
                "embed messages and examples with the same encoder."
            )
        cosines = self._vectors @ _unit_rows(pieces).T  # (examples, pieces)
        return {
            topic_id: float(np.sort(cosines[rows], axis=0)[-NEAREST_EXAMPLES:].mean(axis=0).max())
            for topic_id, rows in self._rows.items()
        }


def example_texts(pack: KnowledgePack) -> dict[str, tuple[str, ...]]:
    """Per language, the examples of its topics in order: the rows TopicIndex.build expects."""
    return {language: tuple(e for topic in topics for e in topic.examples) for language, topics in pack.topics.items()}


def semantic_confidence(cosine: float) -> float:
    """Map a cosine to [0, 1] so that COSINE_FLOOR lands exactly on MIN_CONFIDENCE."""
    scale = (COSINE_FLOOR - COSINE_UNRELATED) / MIN_CONFIDENCE
    return float(np.clip((cosine - COSINE_UNRELATED) / scale, 0.0, 1.0))


def combine(semantic: float, lexical: float) -> float:
    """Either kind of evidence can carry a match; together they add up, never past 1."""
    return 1.0 - (1.0 - semantic) * (1.0 - LEXICAL_WEIGHT * lexical)


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("ё", "е")
    return " ".join(re.sub(r"[^\w#']+", " ", folded).split())


@lru_cache(maxsize=4096)
def _keyword(keyword: str) -> tuple[str, float, bool, bool]:
    """A keyword as (normalised phrase, weight, matches anywhere, matches as a prefix)."""
    prefix = keyword.strip().endswith("*")
    phrase = _normalise(keyword)
    spaceless = sum(1 for char in phrase if _is_spaceless_script(char))
    if spaceless:
        extra_words = max(0, (spaceless + 1) // 2 - 1)  # about two characters to a Chinese word
        return phrase, 0.5 + 0.1 * extra_words, True, prefix
    return phrase, 0.5 + 0.1 * phrase.count(" "), False, prefix


def _is_spaceless_script(char: str) -> bool:
    """Han, kana: scripts written without spaces between words."""
    code = ord(char)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
