"""``candor nlu ...`` (also ``python -m nlu``): predict, and train the emotion head."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from nlu.dataset import default_data_dir
from nlu.model import default_model_dir

PREDICT_CHUNK = 256


def add_nlu_commands(commands: Any) -> None:
    nlu = commands.add_parser("nlu", help="the emotion model").add_subparsers(dest="nlu_command", required=True)
    predict = nlu.add_parser("predict", help="score texts from stdin (one per line) as JSON lines")
    predict.set_defaults(handler=_predict)
    train = nlu.add_parser("train", help="train the emotion head on shared/data (minutes on a CPU)")
    train.add_argument("--data-dir", type=Path, default=default_data_dir())
    train.add_argument("--output", type=Path, default=default_model_dir())
    train.add_argument("--seed", type=int, default=13)
    train.set_defaults(handler=_train)


def _predict(args: argparse.Namespace, settings: Any) -> int:
    return asyncio.run(predict_lines(settings.model_dir, sys.stdin, sys.stdout))


async def predict_lines(model_dir: Path, reader: TextIO, writer: TextIO) -> int:
    """Score each input line, writing one JSON object per line in input order."""
    from nlu.runtime import EmotionAnalyzer

    analyzer = await EmotionAnalyzer.load(model_dir)
    if analyzer.degraded:
        print("warning: the emotion model could not load; scores come from keyword rules", file=sys.stderr)
    try:
        interactive = reader.isatty()
        chunk: list[str] = []
        for line in reader:
            chunk.append(line.rstrip("\r\n"))
            if interactive or len(chunk) >= PREDICT_CHUNK:
                await _write(analyzer, chunk, writer)
                chunk = []
        await _write(analyzer, chunk, writer)
    finally:
        await analyzer.close()
    return 0


async def _write(analyzer: Any, texts: list[str], writer: TextIO) -> None:
    writer.writelines(json.dumps(analysis.as_json(), ensure_ascii=False) + "\n" for analysis in await analyzer.analyse_many(texts))
    writer.flush()


def _train(args: argparse.Namespace, settings: Any) -> int:
    from nlu.train import train_head

    result = train_head(args.data_dir, args.output, seed=args.seed)
    print(f"{'class':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
    for report in result.reports:
        print(f"{report.name:<10} {report.precision:9.3f} {report.recall:7.3f} {report.f1:6.3f} {report.support:8d}")
    print(f"macro-F1 {result.macro_f1:.3f}; trained in {result.seconds:.0f} s; written to {args.output}")
    return 0


def main() -> int:
    from bot.cli import main as candor_main

    return candor_main(["nlu", *sys.argv[1:]])
