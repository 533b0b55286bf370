"""``candor bench ...``: benchmarks that print figures for this machine."""

from __future__ import annotations

import argparse
from typing import Any

from nlu.dataset import DatasetError, default_data_dir, read_goemotions
from nlu.precision import PRECISION_CHOICES


def add_bench_commands(commands: Any) -> None:
    bench = commands.add_parser("bench", help="measure speed and memory").add_subparsers(dest="bench_command", required=True)
    nlu = bench.add_parser("nlu", help="emotion model: latency p50/p95, throughput, load time, peak RSS, size")
    nlu.add_argument("--messages", type=int, default=300, help="single messages timed per thread setting")
    nlu.add_argument("--precision", choices=PRECISION_CHOICES, default=None,
                     help="override CANDOR_MODEL_PRECISION to compare float32 with bfloat16")
    nlu.add_argument("--bot-messages", type=int, default=200,
                     help="messages the bot process answers while its peak memory is measured (0 skips it)")
    nlu.set_defaults(handler=_bench_nlu)


def _bench_nlu(args: argparse.Namespace, settings: Any) -> int:
    from nlu.benchmark import SAMPLE_TEXTS, run_nlu_benchmark

    data = default_data_dir() / "goemotions"
    try:
        texts = read_goemotions(data / "dev.tsv", data / "labels.txt").texts
        source = f"GoEmotions dev texts ({data})"
    except DatasetError:
        texts, source = list(SAMPLE_TEXTS), "built-in sample texts"
    print(f"candor bench nlu — {source}")
    precision = args.precision or settings.model_precision
    run_nlu_benchmark(settings.model_dir, texts, max(args.messages, 20), print, precision)
    if args.bot_messages > 0:
        from bot.bench_process import bot_process_peak_rss_mb

        peak = bot_process_peak_rss_mb(settings.model_dir, precision, args.bot_messages)
        print(f"bot process peak RSS      {peak:8.0f} MB (the local chat answering {args.bot_messages} messages in en/ru/pl/zh)")
    return 0
