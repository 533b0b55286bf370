"""``candor bench e2e``: a real webhook worker answering concurrent customers through the fake Bot API.

Prints figures; asserts nothing. Each level of concurrency gets a fresh worker (a fresh
SQLite file unless a database URL is given), a short warm-up, then closed-loop customers
(bot/bench/load.py). Latency runs from just before an update is posted to the moment the
fake Bot API receives the reply. The model's busy time comes from the worker's own shutdown
log line (nlu/runtime.py), so it is measured where the model runs, not guessed from outside.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import resource
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from telegram.constants import FloodLimit

from bot.bench.load import CONVERSATIONS, Customers, Script, TurnOutcome, run_customers
from bot.bench.machine import machine_line, precision_used
from bot.bench.open_loop import run_open_loop
from bot.bench.per_message import PER_MESSAGE_HEADER, PerMessage, format_per_message, per_message, per_message_footer
from bot.bench.shop import (
    LOOKUP_HEADER,
    DemoShopServer,
    LookupFigures,
    count_lookups,
    format_lookup_row,
    lookup_footer,
    order_conversations,
)
from bot.bench.stats import percentile
from bot.bench.worker import BenchWorker, WorkerSetup
from bot.storage.statement_count import DatabaseUsage
from bot.testing.fake_bot_api import FakeBotApi
from nlu.runtime import ModelUsage

BENCH_TOKEN = "123456:BENCH-e2e"
LIMITER_CALLS_PER_SECOND = FloodLimit.MESSAGES_PER_SECOND
"""PTB's AIORateLimiter lets this many messages through per second (all chats together)."""
COUNTED_CALLS = frozenset({"sendMessage"})
"""The calls the rate limiter counts: replies. Typing actions go around it (MessageRateLimiter)."""
SATURATED = 0.9
"""A resource used at this fraction of its capacity or more is called the ceiling."""
DISTURBING_CORES = 0.2
"""Other processes' CPU use, in cores, from which a level's figures are flagged as disturbed."""
TABLE_HEADER = ("chats  messages  answered  quiet  err/t-o   p50 ms   p95 ms   max ms   msg/s  API calls/s"
                "  model busy  worker CPU  peak RSS")


@dataclass(frozen=True)
class E2eOptions:
    levels: tuple[tuple[int, int], ...]
    """(concurrent chats, measured messages) per level, in the order they run."""
    warmup: int = 10
    database_url: str | None = None
    """None: a fresh SQLite file per level."""
    timeout: float = 120.0
    shop: bool = False
    """Workers look orders up in the demo shop over HTTP, and the customers ask about demo orders."""
    open_rate: float = 0.0
    """Messages a second offered by the open-loop level after the closed-loop ones; 0: no such level."""
    open_seconds: float = 60.0


@dataclass(frozen=True)
class LevelRun:
    """What was measured at one level, before any arithmetic."""

    chats: int
    outcomes: tuple[TurnOutcome, ...]
    wall_seconds: float
    warmup_seconds: float
    api_call_times: tuple[float, ...]
    """When the fake Bot API received each sendMessage call of the measured part (the calls the limiter counts)."""
    worker_cpu_seconds: float
    bench_cpu_seconds: float
    machine_cpu_seconds: float
    """Every process on the machine: what is left after the worker and this process is someone else's load."""
    usage: ModelUsage | None
    peak_rss_mb: float
    worker_errors: int
    lookups: LookupFigures | None = None
    offered_rate: float | None = None
    """The open-loop level's messages a second; None for a closed-loop level."""
    per_message: PerMessage | None = None
    precision: str | None = None
    """The precision the worker's model ran in, from its log."""
    max_lag: float = 0.0
    """Open loop: how late the benchmark posted a message at worst."""


@dataclass(frozen=True)
class LevelFigures:
    chats: int
    messages: int
    answered: int
    quiet: int
    errors: int
    timeouts: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    handled_p50_ms: float
    """The worker's 200: webhook mode answers the post once the whole turn is done."""
    per_second: float
    api_per_second: float
    calls_per_message: float
    model_share: float | None
    """Model-thread busy seconds over the level's wall time, warm-up included; None without the log line."""
    model_texts_per_second: float | None
    worker_cores: float
    bench_cores: float
    other_cores: float
    peak_rss_mb: float
    worker_errors: int
    failures: str = ""
    """The httpx errors behind the posts that got no answer, with counts."""
    lookups: LookupFigures | None = None
    """With ``--shop``: the order lookups the worker made."""
    offered_rate: float | None = None
    per_message: PerMessage | None = None
    precision: str | None = None
    max_lag: float = 0.0


def steady_window(completions: Sequence[float], last_start: float) -> tuple[float, float] | None:
    """The steady part of a level: from its middle completion, when the rate limiter's initial
    burst allowance (a full bucket of 30 calls) is spent, to the last completion before the
    last message was sent, after which fewer customers are left writing. None when too short."""
    done = sorted(completions)
    middle = len(done) // 2
    end = max((t for t in done[middle:] if t <= last_start), default=done[middle])
    if len(done) < 4 or sum(1 for t in done[middle:] if t <= end) < 3:
        return None
    return done[middle], end


def rate_within(times: Sequence[float], window: tuple[float, float]) -> float:
    start, end = window
    return sum(1 for t in times if start < t <= end) / (end - start)


def summarise(run: LevelRun) -> LevelFigures:
    latencies = [o.reply_latency * 1000 for o in run.outcomes if o.reply_latency is not None]
    handled = [o.handled_latency * 1000 for o in run.outcomes if o.status is not None]
    timeouts = sum(1 for o in run.outcomes if o.status is None)
    errors = sum(1 for o in run.outcomes if o.status is not None and o.status != 200)
    wall = max(run.wall_seconds, 1e-9)
    completions = [o.answered_at for o in run.outcomes]
    window = steady_window(completions, max((o.started_at for o in run.outcomes), default=0.0))
    if window is None:
        per_second, api_per_second = len(completions) / wall, len(run.api_call_times) / wall
    else:
        per_second, api_per_second = rate_within(completions, window), rate_within(run.api_call_times, window)
    usage = run.usage
    share = texts_per_second = None
    if usage is not None and usage.scored_texts:
        share = usage.scoring_seconds / max(run.wall_seconds + run.warmup_seconds, 1e-9)
        texts_per_second = usage.scored_texts / max(usage.scoring_seconds, 1e-9)
    return LevelFigures(
        run.chats, len(run.outcomes), len(latencies), len(run.outcomes) - len(latencies) - errors - timeouts,
        errors, timeouts, percentile(latencies, 50), percentile(latencies, 95), max(latencies, default=math.nan),
        percentile(handled, 50), per_second, api_per_second, len(run.api_call_times) / max(len(run.outcomes), 1),
        share, texts_per_second,
        run.worker_cpu_seconds / wall, run.bench_cpu_seconds / wall,
        max(0.0, run.machine_cpu_seconds - run.worker_cpu_seconds - run.bench_cpu_seconds) / wall,
        run.peak_rss_mb, run.worker_errors,
        ", ".join(f"{name} {count}" for name, count in Counter(o.failure for o in run.outcomes if o.failure).items()),
        run.lookups, run.offered_rate, run.per_message, run.precision, run.max_lag,
    )


def level_label(chats: int, offered_rate: float | None) -> str:
    """A closed-loop level by its chats, the open-loop one by its offered rate (``25/s``)."""
    return str(chats) if offered_rate is None else f"{offered_rate:g}/s"


def format_row(f: LevelFigures) -> str:
    share = "n/a" if f.model_share is None else f"{f.model_share * 100:.1f} %"
    return (f"{level_label(f.chats, f.offered_rate):>5}  {f.messages:8d}  {f.answered:8d}  {f.quiet:5d}  {f'{f.errors}/{f.timeouts}':>7}"
            f"  {f.p50_ms:7.1f}  {f.p95_ms:7.1f}  {f.max_ms:7.1f}  {f.per_second:6.1f}  {f.api_per_second:11.1f}"
            f"  {share:>10}  {f'{f.worker_cores:.2f} cores':>10}  {f.peak_rss_mb:5.0f} MB")


def ceiling(f: LevelFigures) -> str:
    """Which resource set this level's messages/s, in words an operator can act on."""
    limiter_use = f.api_per_second / LIMITER_CALLS_PER_SECOND
    cores = os.cpu_count() or 1
    if limiter_use > 2 - SATURATED:
        return (f"not reached yet: {f.api_per_second:.1f} Bot API calls/s is above the rate limiter's sustained "
                f"{LIMITER_CALLS_PER_SECOND}/s because the level was too short to spend its initial burst; "
                "give it more --messages")
    if limiter_use >= SATURATED:
        per_message = max(f.calls_per_message, 1.0)
        return (f"PTB's AIORateLimiter: {f.api_per_second:.1f} Bot API calls/s against its "
                f"{LIMITER_CALLS_PER_SECOND}/s; each message costs {f.calls_per_message:.1f} sends (typing actions "
                f"go around the limiter), so about {LIMITER_CALLS_PER_SECOND / per_message:.0f} messages/s at most")
    if f.model_share is not None and f.model_share >= SATURATED:
        return f"the model: its thread was busy {f.model_share * 100:.0f} % of the time"
    busy = f.worker_cores + f.bench_cores + f.other_cores
    if busy >= SATURATED * cores:
        others = f" + other processes {f.other_cores:.2f}" if f.other_cores >= DISTURBING_CORES else ""
        return (f"the CPU: worker {f.worker_cores:.2f} + customers and fake Bot API {f.bench_cores:.2f}{others} "
                f"of {cores} cores; the rate limiter was at {limiter_use * 100:.0f} %")
    if f.offered_rate is not None:
        return (f"none reached: the worker kept up with the offered {f.offered_rate:g} messages/s (rate limiter at "
                f"{limiter_use * 100:.0f} %, CPU {busy:.2f} of {cores} cores)")
    if f.chats == 1:
        return "none reached: one customer at a time, so msg/s is about 1 / latency"
    return (f"none reached: rate limiter at {limiter_use * 100:.0f} %, model thread at "
            f"{'n/a' if f.model_share is None else f'{f.model_share * 100:.0f} %'}, "
            f"CPU {busy:.2f} of {cores} cores (the rest is waiting: database, event loop)")


def format_model_note(f: LevelFigures) -> str:
    if f.model_share is None or f.model_texts_per_second is None:
        return "model time not reported (the worker did not stop cleanly, or ran without the model)"
    return (f"model thread busy {f.model_share * 100:.1f} % of the wall time; alone it scored "
            f"{f.model_texts_per_second:.0f} texts/s at this level's batch sizes (the model-only rate) against "
            f"{f.per_second:.1f} messages/s end to end; the worker's 200 came after p50 {f.handled_p50_ms:.1f} ms")


def header_lines(options: E2eOptions) -> list[str]:
    """What was measured and how, printed before the figures."""
    database = ("a fresh SQLite file per level" if options.database_url is None
                else make_url(options.database_url).render_as_string(hide_password=True))
    shop = ("; with --shop each worker looks orders up in the demo shop (candor shop serve-demo) over HTTP on "
            "127.0.0.1 (its CPU counts with the customers'), and the customers name demo orders, give the order's email, "
            "ask a follow-up and thank"
            if options.shop else "")
    open_loop = (f"; then an open-loop level: {options.open_rate:g} new messages a second for "
                 f"{options.open_seconds:g} s, whatever the bot is doing, each from a customer not waiting for a reply"
                 if options.open_rate > 0 else "")
    return [
        machine_line(),
        (f"candor bench e2e — one worker (candor run --webhook) per level against the fake Bot API on 127.0.0.1; "
         f"database: {database}; {os.cpu_count()} CPU cores shared by the worker, the customers and the fake Bot API{shop}"),
        (f"each level: a fresh worker, {options.warmup} warm-up messages, then closed-loop customers in en/ru/pl/zh "
         "(send, wait for the reply, send the next); no agents are set up, so a handoff is recorded and the bot "
         f"goes on answering{open_loop}"),
        ("latency: from just before the update is posted to the moment the fake Bot API receives the reply; "
         "msg/s: customer messages the one worker handled per second in the steady part of the level (from its "
         "middle to the last message sent); API calls/s: sendMessage calls received meanwhile (the ones PTB's rate limiter counts; typing actions go around it); "
         "quiet: handled without a bot reply (that customer stops and a new one takes the chat's place); "
         "peak RSS: the worker's VmHWM"),
    ]


def footer_lines(shop: bool = False) -> list[str]:
    return ([lookup_footer()] if shop else []) + [per_message_footer(),
        ("model busy: wall time the model thread spent scoring customers' messages (from the worker's shutdown log) "
         "over the level's wall time, warm-up included; with 1 chat it is the model's share of each reply's latency"),
        (f"the rate limiter is PTB's AIORateLimiter as the bot runs it: {LIMITER_CALLS_PER_SECOND} calls/s with a "
         "chat_id over all chats, after an initial burst of as many"),
    ]


def format_notes(f: LevelFigures) -> list[str]:
    label = (f"{f.chats} chat{'' if f.chats == 1 else 's'}:" if f.offered_rate is None
             else f"{level_label(f.chats, f.offered_rate)}:")
    lines = [f"{label:>10} {format_model_note(f)}", f"{'':>10} ceiling: {ceiling(f)}"]
    if f.offered_rate is not None:
        lines.append(f"{'':>10} open loop: {f.chats} customers wrote; the benchmark posted at worst "
                     f"{f.max_lag * 1000:.0f} ms after schedule")
    if f.other_cores >= DISTURBING_CORES:
        lines.append(f"{'':>10} disturbed: other processes on this machine used {f.other_cores:.2f} cores meanwhile")
    if f.worker_errors or f.errors or f.timeouts:
        lines.append(f"{'':>10} problems: {f.errors} error answers, {f.timeouts} posts without an answer "
                     f"({f.failures or '-'}), {f.worker_errors} ERROR lines in the worker's log")
    return lines


async def run_e2e_benchmark(options: E2eOptions, model_dir: Path, precision: str,
                            report: Callable[[str], None], cache_dir: Path | None = None) -> list[LevelFigures]:
    """Run every level against its own worker; report each row as it finishes, then the notes."""
    api = FakeBotApi(BENCH_TOKEN).start()
    setup = WorkerSetup(api.base_url, BENCH_TOKEN, secrets.token_urlsafe(24), model_dir, precision, cache_dir)
    first_id = time.time_ns() // 1_000_000  # unique across runs, should a PostgreSQL database be reused
    ids = itertools.count(first_id)
    figures: list[LevelFigures] = []
    shop: DemoShopServer | None = None
    scripts = order_conversations(dt.datetime.now(dt.UTC)) if options.shop else CONVERSATIONS
    try:
        with tempfile.TemporaryDirectory(prefix="candor-bench-e2e-") as folder:
            if options.shop:
                shop = DemoShopServer.start(Path(folder))
                await shop.wait_until_ready()
            report(TABLE_HEADER)
            levels: list[tuple[int, float | None]] = [(chats, None) for chats, _ in options.levels]
            if options.open_rate > 0:
                levels.append((0, options.open_rate))
            messages_of = [messages for _, messages in options.levels] + [0]
            for index, ((chats, rate), messages) in enumerate(zip(levels, messages_of, strict=False), 1):
                url = options.database_url or f"sqlite:///{Path(folder) / f'level-{index}.sqlite3'}"
                run = await _run_level(setup, api, ids, url, Path(folder), chats, messages, options, shop, scripts,
                                       rate)
                figures.append(summarise(run))
                report(format_row(figures[-1]))
    finally:
        if shop is not None:
            shop.stop()
        api.stop()
    lookups = [f.lookups for f in figures if f.lookups is not None]
    if lookups:
        for line in [*LOOKUP_HEADER, *(format_lookup_row(f) for f in lookups)]:
            report(line)
    precisions = sorted({f.precision for f in figures if f.precision})
    report(f"model precision used by the workers: {', '.join(precisions) or 'unknown (no model start-up line)'}")
    report(PER_MESSAGE_HEADER)
    for f in figures:
        if f.per_message is not None:
            report(format_per_message(f.per_message))
    for f in figures:
        for line in format_notes(f):
            report(line)
    return figures


async def _run_level(setup: WorkerSetup, api: FakeBotApi, ids: Iterator[int], database_url: str, folder: Path,
                     chats: int, messages: int, options: E2eOptions, shop: DemoShopServer | None,
                     scripts: Sequence[Script], open_rate: float | None = None) -> LevelRun:
    worker = BenchWorker.start(setup, database_url, folder, shop.worker_env() if shop is not None else None)
    try:
        await worker.wait_until_ready(setup.secret)
        customers = Customers(worker.url, setup.secret, api, ids, ids, options.timeout)
        started = time.monotonic()
        if options.warmup > 0:
            await run_customers(customers, min(max(chats, 1), options.warmup), options.warmup, scripts)
        warmed = time.monotonic()
        warmup_lookups = count_lookups(worker.log_text())
        calls_before = len(api.timeline)
        worker_cpu, bench_cpu, machine_cpu = worker.cpu_seconds(), _bench_cpu_seconds(shop), _machine_cpu_seconds()
        lag = 0.0
        if open_rate is None:
            outcomes = await run_customers(customers, chats, messages, scripts)
        else:
            opened = await run_open_loop(customers, open_rate, options.open_seconds, scripts)
            outcomes, chats, lag = list(opened.outcomes), opened.chats, opened.max_lag
        wall = time.monotonic() - warmed
        worker_cpu, bench_cpu = worker.cpu_seconds() - worker_cpu, _bench_cpu_seconds(shop) - bench_cpu
        machine_cpu = _machine_cpu_seconds() - machine_cpu
        calls = tuple(c.received_at for c in api.timeline[calls_before:] if c.method in COUNTED_CALLS)
        methods = tuple(c.method for c in api.timeline[calls_before:])
    except BaseException:
        worker.kill()
        raise
    ended = await worker.stop()
    errors = sum(1 for line in ended.log.splitlines() if " ERROR " in line or " CRITICAL " in line)
    replies = sum(1 for o in outcomes if o.reply_latency is not None)
    lookups = LookupFigures.from_log(chats, ended.log, warmup_lookups, replies) if shop is not None else None
    usage = ModelUsage.parse(ended.log)
    ready, stopped = DatabaseUsage.parse(ended.log, "ready"), DatabaseUsage.parse(ended.log, "stopped")
    database = stopped - ready if ready is not None and stopped is not None else None
    costs = per_message(level_label(chats, open_rate), worker_cpu, len(outcomes), replies, usage, database,
                        len(outcomes) + options.warmup, methods)
    return LevelRun(chats, tuple(outcomes), wall, warmed - started, calls, worker_cpu, bench_cpu, machine_cpu,
                    usage, ended.peak_rss_mb, errors, lookups, open_rate, costs, precision_used(ended.log), lag)


def _bench_cpu_seconds(shop: DemoShopServer | None) -> float:
    """This process (the customers and the fake Bot API) and the demo shop, which share the machine with the worker."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + (shop.cpu_seconds() if shop is not None else 0.0)


def _machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine (/proc/stat: everything but idle and iowait); 0 where unreadable."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return 0.0
    ticks = [int(value) for value in first[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
