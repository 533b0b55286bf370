"""``candor knowledge eval-retrieval``: how well each sentence encoder finds topics, on held-out messages.

The cases file holds paraphrases that customers might write (never the pack's own examples)
and off-topic messages that must be rejected. For every encoder the report gives, per
language: top-1 (the right topic ranked first, whatever the confidence), what the bot does at
the shipped floor (answers right, answers wrong, asks), and how many off-topic messages it
rejects. Because the floor in knowledge.retrieval is calibrated for the USE encoder, each
encoder also gets its own best cosine floor, so the comparison is fair to the others.
Also runnable as ``python -m knowledge.retrieval_eval``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from knowledge.pack import KnowledgeError, load_pack, read_yaml
from knowledge.retrieval import Retrieval, TopicIndex, example_texts
from nlu.errors import UsageError
from nlu.model import message_vectors

Embed = Callable[[list[str]], np.ndarray]
DEFAULT_CASES = Path(__file__).resolve().parent.parent / "tests" / "retrieval_cases.yaml"
ENCODERS = ("use", "use-adapted", "minilm", "emotion", "lexical")


@dataclass(frozen=True)
class Outcome:
    """One held-out message: what it should find (None: nothing), the similarities, what was found."""

    language: str
    expected: str | None
    similarities: dict[str, float]
    retrieval: Retrieval

    @property
    def ranked_first(self) -> str | None:
        if self.similarities:
            return max(self.similarities, key=lambda topic_id: self.similarities[topic_id])
        return self.retrieval.candidates[0].topic.id if self.retrieval.candidates else None


def load_cases(path: Path) -> list[tuple[str, str, str | None]]:
    """(language, message, expected topic id or None for off-topic) for every case in the file."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path} must map languages to 'topics' and 'off_topic'.")
    cases: list[tuple[str, str, str | None]] = []
    for language, block in raw.items():
        for topic_id, messages in (block.get("topics") or {}).items():
            cases.extend((str(language), str(message), str(topic_id)) for message in messages)
        cases.extend((str(language), str(message), None) for message in block.get("off_topic") or ())
    return cases


def run_cases(
    index: TopicIndex, cases: list[tuple[str, str, str | None]], vectors: list[np.ndarray] | None
) -> list[Outcome]:
    outcomes = []
    for row, (language, message, expected) in enumerate(cases):
        embedding = vectors[row] if vectors is not None else None
        similarities = index.similarities(embedding) if embedding is not None else {}
        outcomes.append(Outcome(language, expected, similarities, index.find(message, language, embedding)))
    return outcomes


def best_cosine_floor(outcomes: list[Outcome]) -> float:
    """The cosine floor that maximises (right answers + off-topic rejected) / 2 for this encoder."""
    tops = [max(o.similarities.values()) for o in outcomes]
    candidates = sorted(set(tops))
    return max(candidates, key=lambda floor: _balanced(outcomes, floor), default=0.0)


def _balanced(outcomes: list[Outcome], floor: float) -> float:
    on = [o for o in outcomes if o.expected is not None]
    off = [o for o in outcomes if o.expected is None]
    right = sum(o.ranked_first == o.expected and max(o.similarities.values()) >= floor for o in on) / max(len(on), 1)
    rejected = sum(max(o.similarities.values()) < floor for o in off) / max(len(off), 1)
    return (right + rejected) / 2


def write_report(name: str, outcomes: list[Outcome], seconds_per_message: float, out: TextIO) -> None:
    """One line per language: top-1, answers at the shipped floor, asks, off-topic rejected."""
    semantic = all(o.similarities for o in outcomes)
    floor = best_cosine_floor(outcomes) if semantic else None
    print(f"\n{name}" + (f"  ({seconds_per_message * 1000:.1f} ms/message)" if semantic else ""), file=out)
    print("  lang    n  top-1  answered-right  answered-wrong  asked (right in 2)  off-topic rejected"
          + ("  | own floor: right, rejected" if floor is not None else ""), file=out)
    for language in dict.fromkeys(o.language for o in outcomes):
        on = [o for o in outcomes if o.language == language and o.expected is not None]
        off = [o for o in outcomes if o.language == language and o.expected is None]
        best = [o.retrieval.best.topic.id if o.retrieval.best else None for o in on]
        asked = [o for o in on if o.retrieval.best is None]
        in_two = sum(o.expected in {c.topic.id for c in o.retrieval.candidates[:2]} for o in asked)
        line = (
            f"  {language:4s} {len(on):4d}  {_share(sum(o.ranked_first == o.expected for o in on), len(on))}"
            f"  {_share(sum(b == o.expected for b, o in zip(best, on, strict=True)), len(on)):>14s}"
            f"  {_share(sum(b not in (None, o.expected) for b, o in zip(best, on, strict=True)), len(on)):>14s}"
            f"  {_share(len(asked), len(on)):>10s} ({in_two:2d}/{len(asked):2d})"
            f"  {_share(sum(o.retrieval.best is None for o in off), len(off)):>18s}"
        )
        if floor is not None:
            right = sum(o.ranked_first == o.expected and max(o.similarities.values()) >= floor for o in on)
            rejected = sum(max(o.similarities.values()) < floor for o in off)
            line += f"  | {floor:.2f}: {_share(right, len(on))}, {_share(rejected, len(off))}"
        print(line, file=out)


def _share(count: int, total: int) -> str:
    return f"{count / total:.2f}" if total else "  - "


def load_encoder(name: str, model_dir: Path) -> Embed:
    """The embedding function for an encoder name in ENCODERS ('lexical' has none)."""
    from nlu.artifact import load_artifact
    from nlu.encoder import SentenceEncoder, locate_encoder
    from nlu.multilingual import MultilingualEncoder

    if name == "use":
        return MultilingualEncoder().encode
    if name == "use-adapted":
        from nlu.multilingual import SUBDIRECTORY
        from nlu.use_adapter import UseAdapter

        adapter = UseAdapter.load(model_dir / SUBDIRECTORY)
        if adapter is None:
            raise ValueError(f"The model at {model_dir} has no USE adapter; 'use-adapted' needs one.")
        return MultilingualEncoder().adapted(adapter).encode
    artifact = load_artifact(model_dir)
    if name == "minilm":
        return SentenceEncoder(locate_encoder(artifact.encoder), max_tokens=artifact.max_tokens).encode
    if name == "emotion":
        return SentenceEncoder(
            locate_encoder(artifact.encoder), adapters=artifact.adapters, adapter_scale=artifact.adapter_scale,
            max_tokens=artifact.max_tokens,
        ).encode
    raise ValueError(f"Unknown encoder '{name}'; choose from {', '.join(ENCODERS)}.")


def evaluate_encoders(names: Sequence[str], cases_path: Path, model_dir: Path, out: TextIO) -> None:
    pack = load_pack()
    cases = load_cases(cases_path)
    print(f"{len(cases)} cases from {cases_path}; the index holds the examples of: {', '.join(pack.topics)}", file=out)
    for name in names:
        if name == "lexical":
            write_report("lexical only (no model)", run_cases(TopicIndex.build(pack, None), cases, None), 0.0, out)
            continue
        embed = load_encoder(name, model_dir)
        index = TopicIndex.build(pack, {language: embed(list(texts)) for language, texts in example_texts(pack).items()})
        embed(["warm-up"])
        started = time.perf_counter()
        _, vectors = message_vectors(embed, [message for _, message, _ in cases])
        elapsed = (time.perf_counter() - started) / max(len(cases), 1)
        write_report(name, run_cases(index, cases, vectors), elapsed, out)


def add_eval_retrieval_command(knowledge_commands: Any) -> None:
    """Register ``eval-retrieval`` on the ``candor knowledge`` subcommands."""
    command = knowledge_commands.add_parser("eval-retrieval", help="compare encoders for topic retrieval")
    command.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="held-out cases (YAML)")
    command.add_argument("--encoders", default=",".join(ENCODERS), help=f"comma-separated: {', '.join(ENCODERS)}")
    command.set_defaults(handler=_eval_retrieval)


def _eval_retrieval(args: argparse.Namespace, settings: Any) -> int:
    names = [name.strip() for name in args.encoders.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ENCODERS))
    if unknown:
        raise UsageError(f"Unknown encoders {', '.join(unknown)}; choose from {', '.join(ENCODERS)}.")
    evaluate_encoders(names, args.cases, settings.model_dir, sys.stdout)
    return 0


if __name__ == "__main__":
    from nlu.model import default_model_dir

    parser = argparse.ArgumentParser(prog="python -m knowledge.retrieval_eval")
    add_eval_retrieval_command(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args(["eval-retrieval", *sys.argv[1:]])
    raise SystemExit(arguments.handler(arguments, argparse.Namespace(model_dir=default_model_dir())))
