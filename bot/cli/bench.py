"""``candor bench ...``: benchmarks that print figures for this machine."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from nlu.errors import UsageError
from nlu.precision import PRECISION_CHOICES
from nlu.training.dataset import DatasetError, default_data_dir, read_goemotions

DEFAULT_LEVELS = ((1, 200), (50, 500), (200, 1000))
"""(concurrent chats, messages) of ``candor bench e2e`` when no --chats are given. One chat gets
200 messages so that the steady part, where msg/s is measured, runs well past the rate limiter's burst."""
DEFAULT_OPEN_RATE = 25.0
"""Messages a second of the open-loop level that follows the default levels: most of Telegram's 30 a second."""


def add_bench_commands(commands: Any) -> None:
    parser = commands.add_parser("bench", help="measure speed and memory (no subcommand: the end-to-end benchmark)")
    bench = parser.add_subparsers(dest="bench_command", metavar="{e2e,nlu,handoffs}")
    e2e = bench.add_parser("e2e", help="a real webhook worker and the fake Bot API: latency p50/p95 at 1, 50 and 200 "
                                       "concurrent chats, messages/s, peak RSS, the model's share of the time")
    e2e.add_argument("--chats", type=_counts, default=None,
                     help="concurrent chats per level, comma-separated (default 1,50,200)")
    e2e.add_argument("--messages", type=_counts, default=None,
                     help="measured messages per level, comma-separated, or one number for every level "
                          "(default 200,500,1000; 10 per chat, at least 20, for other --chats)")
    e2e.add_argument("--warmup", type=int, default=10, help="messages each level's worker answers before timing starts")
    e2e.add_argument("--database-url", default=None,
                     help="the workers' database, e.g. postgresql://user:password@host/db (default: a fresh SQLite "
                          "file per level)")
    e2e.add_argument("--timeout", type=float, default=120.0, help="seconds a customer waits for one answer")
    e2e.add_argument("--shop", action="store_true",
                     help="the workers look orders up in the demo shop over HTTP (candor shop serve-demo) and the "
                          "customers ask about demo orders; adds lookups and their latency per level")
    e2e.add_argument("--rate", type=float, default=None,
                     help="the open-loop level after the closed-loop ones: new messages a second, whatever the bot "
                          f"is doing (default {DEFAULT_OPEN_RATE:g} with the default levels, none with --chats; "
                          "0 leaves it out)")
    e2e.add_argument("--duration", type=float, default=60.0, help="seconds the open-loop level lasts (default 60)")
    e2e.set_defaults(handler=_bench_e2e)
    parser.set_defaults(handler=lambda args, settings: _bench_e2e(e2e.parse_args([]), settings))
    handoffs = bench.add_parser("handoffs", help="many customers ask for a person at once, one in crisis: reply "
                                                 "latency of the crisis and of the others, when the crisis card is posted")
    handoffs.add_argument("--handoffs", type=int, default=50, help="customers asking at the same moment (default 50)")
    handoffs.set_defaults(handler=_bench_handoffs)
    nlu = bench.add_parser("nlu", help="emotion model: latency p50/p95, throughput, load time, peak RSS, size")
    nlu.add_argument("--messages", type=int, default=300, help="single messages timed per thread setting")
    nlu.add_argument("--precision", choices=PRECISION_CHOICES, default=None,
                     help="override CANDOR_MODEL_PRECISION to compare precisions and runtimes")
    nlu.add_argument("--batch-messages", type=int, default=1024,
                     help="messages in each throughput run, batched and concurrent (at least 64)")
    nlu.add_argument("--bot-messages", type=int, default=200,
                     help="messages the bot process answers while its peak memory is measured (0 skips it)")
    nlu.set_defaults(handler=_bench_nlu)


def _bench_e2e(args: argparse.Namespace, settings: Any) -> int:
    from bot.bench.e2e import E2eOptions, footer_lines, header_lines, run_e2e_benchmark

    rate = _open_rate(args.rate, args.chats)
    if rate < 0 or args.duration <= 0:
        raise UsageError(f"--rate must be 0 or more and --duration more than 0; got {rate:g} and {args.duration:g}")
    options = E2eOptions(_levels(args.chats, args.messages), max(args.warmup, 0), args.database_url, args.timeout,
                         args.shop, rate, args.duration)
    for line in header_lines(options):
        print(line)
    asyncio.run(run_e2e_benchmark(options, settings.model_dir, settings.model_precision, print,
                                  settings.model_cache_dir))
    for line in footer_lines(options.shop):
        print(line)
    return 0


def _bench_handoffs(args: argparse.Namespace, settings: Any) -> int:
    from bot.bench.handoffs import run_handoff_benchmark

    print(f"candor bench handoffs — a real webhook worker, the fake Bot API, {args.handoffs} customers at once")
    asyncio.run(run_handoff_benchmark(max(args.handoffs, 2), settings.model_dir, settings.model_precision, print,
                                      settings.model_cache_dir))
    return 0


def _open_rate(rate: float | None, chats: tuple[int, ...] | None) -> float:
    """The open-loop level comes with the default levels; with chosen ones, only when a rate is given."""
    if rate is not None:
        return rate
    return DEFAULT_OPEN_RATE if chats is None else 0.0


def _counts(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers separated by commas, e.g. 1,50,200; got {text!r}") \
            from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive whole numbers, e.g. 1,50,200; got {text!r}")
    return values


def _levels(chats: tuple[int, ...] | None, messages: tuple[int, ...] | None) -> tuple[tuple[int, int], ...]:
    """Pair each level's chats with its messages; the defaults are the issue's 1, 50 and 200 chats."""
    if chats is None:
        chats = tuple(c for c, _ in DEFAULT_LEVELS)
        if messages is None:
            return DEFAULT_LEVELS
    if messages is None:
        messages = tuple(max(20, 10 * c) for c in chats)
    if len(messages) == 1:
        messages = messages * len(chats)
    if len(messages) != len(chats):
        raise UsageError(f"--messages gives {len(messages)} numbers for {len(chats)} levels of --chats; "
                         "give one per level, or one for all")
    return tuple(zip(chats, messages, strict=True))


def _bench_nlu(args: argparse.Namespace, settings: Any) -> int:
    from nlu.training.benchmark import SAMPLE_TEXTS, run_nlu_benchmark

    data = default_data_dir() / "goemotions"
    try:
        texts = read_goemotions(data / "dev.tsv", data / "labels.txt").texts
        source = f"GoEmotions dev texts ({data})"
    except DatasetError:
        texts, source = list(SAMPLE_TEXTS), "built-in sample texts"
    print(f"candor bench nlu — {source}")
    precision = args.precision or settings.model_precision
    run_nlu_benchmark(settings.model_dir, texts, max(args.messages, 20), print, precision,
                      batch_messages=args.batch_messages, cache_dir=settings.model_cache_dir)
    if args.bot_messages > 0:
        from bot.bench.process import bot_process_peak_rss_mb

        peak = bot_process_peak_rss_mb(settings.model_dir, precision, args.bot_messages,
                                       settings.model_cache_dir)
        print(f"bot process peak RSS      {peak:8.0f} MB (the local chat answering {args.bot_messages} messages in en/ru/pl/zh)")
    return 0
