"""What one customer message costs the worker: CPU, model time, SQL statements, Bot API calls.

Counts and process CPU time, not wall time, so that they hold on a shared or slower machine
and two machines compare by ratios (CPU per message over the model's own ms per message).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.storage.statement_count import DatabaseUsage
from nlu.runtime import ModelUsage

PER_MESSAGE_HEADER = ("level     CPU ms/msg  model ms/msg  CPU/model  queries/turn  transactions/turn"
                      "  Bot API calls per reply")


@dataclass(frozen=True)
class PerMessage:
    label: str
    cpu_ms: float
    """Worker process CPU time (all threads, user + system) over the measured messages."""
    model_ms: float | None
    """The model thread's busy time over the texts it scored; None without the worker's shutdown line."""
    queries: float | None
    transactions: float | None
    api_calls: tuple[tuple[str, float], ...]
    """Bot API method → calls per reply, most frequent first."""


def per_message(label: str, worker_cpu_seconds: float, messages: int, replies: int, usage: ModelUsage | None,
                database: DatabaseUsage | None, handled: int, api_methods: Iterable[str]) -> PerMessage:
    """``handled``: every message the worker got between its ready and stopped lines (warm-up included),
    which is what ``database`` covers; ``api_methods``: the Bot API calls of the measured part."""
    model_ms = None
    if usage is not None and usage.scored_texts:
        model_ms = usage.scoring_seconds * 1000 / usage.scored_texts
    queries = transactions = None
    if database is not None and handled:
        queries, transactions = database.statements / handled, database.transactions / handled
    counts = Counter(api_methods)
    api = tuple((method, count / max(replies, 1)) for method, count in counts.most_common())
    return PerMessage(label, worker_cpu_seconds * 1000 / max(messages, 1), model_ms, queries, transactions, api)


def format_per_message(p: PerMessage) -> str:
    def number(value: float | None, width: int, digits: int = 1) -> str:
        return f"{'n/a':>{width}}" if value is None or math.isnan(value) else f"{value:{width}.{digits}f}"

    ratio = None if not p.model_ms else p.cpu_ms / p.model_ms
    calls = ", ".join(f"{method} {count:.2f}" for method, count in p.api_calls) or "none"
    return (f"{p.label:>8}  {number(p.cpu_ms, 10)}  {number(p.model_ms, 12)}  {number(ratio, 9)}"
            f"  {number(p.queries, 12)}  {number(p.transactions, 17)}  {calls}")


def per_message_footer() -> str:
    return ("per message: CPU ms/msg is the worker's process CPU time (every thread) over the measured messages; "
            "model ms/msg the model thread's busy time over the texts it scored (warm-up included); queries and "
            "transactions per turn are the worker's SQL statements and commits between its ready and stopped log "
            "lines over every message it handled (warm-up included, background jobs too); Bot API calls per reply "
            "are the calls the fake Bot API received in the measured part, by method, over the replies")
