"""``python -m nlu`` (and, inside the bot, ``candor nlu``): predict, train and evaluate the emotion model.

This package imports nothing from ``bot``: it runs without the bot's settings or database. A host
that knows more passes it in as plain data through ``ModelSetup``: the bot's CLI gives its
configured model and the trainers' corrections from its database (``bot/cli/nlu.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from nlu.english_encoder import standalone_cache_dir
from nlu.errors import CandorError, UsageError
from nlu.model import default_model_dir
from nlu.precision import PRECISION_CHOICES
from nlu.training.dataset import LabelledTexts, default_data_dir, default_support_messages_file

PREDICT_CHUNK = 256


@dataclass(frozen=True)
class ModelSetup:
    """Which model the commands use, and where trainers' corrections come from."""

    model_dir: Path
    precision: str = "auto"
    cache_dir: Path | None = None
    """Where an ONNX precision's exported encoder is kept (None: var/cache)."""
    corrections: Callable[[], LabelledTexts] | None = None
    """Read only when ``train`` runs, after its arguments were checked; None trains on the public data only."""


def add_model_commands(nlu: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register predict, train, train-multilingual and eval on ``nlu``; return ``train`` for the host to extend."""
    predict = nlu.add_parser("predict", help="score texts from stdin (one per line) as JSON lines")
    predict.set_defaults(nlu_handler=_predict)
    train = nlu.add_parser("train", help="fine-tune the emotion model on shared/data (about 30 min on 2 CPU cores)")
    train.add_argument("--data-dir", type=Path, default=default_data_dir())
    train.add_argument("--output", type=Path, default=default_model_dir())
    train.add_argument("--seed", type=int, default=13)
    train.add_argument("--epochs", type=int, default=3)
    train.add_argument("--limit", type=int, default=None, help="train on the first N examples only (a quick check)")
    train.add_argument("--dev-limit", type=int, default=None, help="evaluate on the first N dev examples only")
    train.set_defaults(nlu_handler=_train)
    multilingual = nlu.add_parser("train-multilingual",
                                  help="fine-tune the ru/pl/zh head and its LoRA adapter on USE (about 30 min on 2 CPU cores)")
    multilingual.add_argument("--data-dir", type=Path, default=default_data_dir())
    multilingual.add_argument("--output", type=Path, default=default_model_dir(), help="model directory to add it to")
    multilingual.add_argument("--seed", type=int, default=13)
    multilingual.add_argument("--epochs", type=int, default=2)
    multilingual.add_argument("--curated", type=Path, default=default_support_messages_file(),
                              help="curated support messages (language, classes, text)")
    multilingual.set_defaults(nlu_handler=_train_multilingual)
    evaluate = nlu.add_parser("eval", help="print the model's figures on dev data (all groupings, all languages)")
    evaluate.add_argument("--data-dir", type=Path, default=default_data_dir())
    evaluate.add_argument("--curated", type=Path, default=default_support_messages_file(),
                          help="curated support messages; their held-out fifth is evaluated")
    evaluate.set_defaults(nlu_handler=_eval)
    return train


def run_model_command(args: argparse.Namespace, setup: ModelSetup) -> int:
    """Run the command ``add_model_commands`` parsed into ``args``."""
    handler: Callable[[argparse.Namespace, ModelSetup], int] = args.nlu_handler
    return handler(args, setup)


def _predict(args: argparse.Namespace, setup: ModelSetup) -> int:
    return asyncio.run(predict_lines(setup.model_dir, sys.stdin, sys.stdout, setup.precision, setup.cache_dir))


async def predict_lines(model_dir: Path, reader: TextIO, writer: TextIO, precision: str = "auto",
                        cache_dir: Path | None = None) -> int:
    """Score each input line, writing one JSON object per line in input order."""
    from nlu.runtime import EmotionAnalyzer

    analyzer = await EmotionAnalyzer.load(model_dir, precision, cache_dir)
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


def _train(args: argparse.Namespace, setup: ModelSetup) -> int:
    from nlu.training.finetune import FinetuneConfig, finetune

    if (args.limit or args.dev_limit) and args.output.resolve() == default_model_dir().resolve():
        raise UsageError("--limit/--dev-limit make a quick, weaker model; pass --output DIR so the shipped one stays")
    corrections = setup.corrections() if setup.corrections is not None else None
    config = FinetuneConfig(seed=args.seed, epochs=args.epochs, limit=args.limit, dev_limit=args.dev_limit,
                            corrections=corrections)
    result = finetune(args.data_dir, args.output, config, log=lambda line: print(line, flush=True))
    report = result.report
    print(f"kept epoch {result.epoch}: support macro-F1 {report['support_macro_f1']:.3f}, "
          f"Ekman macro-F1 {report['ekman_macro_f1']:.3f}, anxiety ROC-AUC {report['anxiety_auc']:.3f}")
    print(f"trained in {result.seconds / 60:.1f} min; artifact {result.artifact_bytes / 1e6:.1f} MB in {args.output}")
    return 0


def _train_multilingual(args: argparse.Namespace, setup: ModelSetup) -> int:
    from nlu.model import EmotionModel
    from nlu.multilingual import SUBDIRECTORY
    from nlu.training.multilingual import train_multilingual
    from nlu.training.multilingual_card import write_multilingual_card
    from nlu.training.report import evaluation_sets, score_sets, summary_lines

    result = train_multilingual(args.data_dir, args.output, args.curated, seed=args.seed, epochs=args.epochs,
                                log=lambda line: print(line, flush=True))
    figures = score_sets(EmotionModel(args.output, setup.precision), evaluation_sets(args.data_dir, args.curated))
    write_multilingual_card(args.output / SUBDIRECTORY, result.head, figures, args.seed, result.seconds / 60)
    print(f"trained {result.head.version} on {result.rows} rows in {result.seconds / 60:.1f} min; "
          "figures on text it never trained on:")
    for line in summary_lines(figures):
        print(line)
    return 0


def _eval(args: argparse.Namespace, setup: ModelSetup) -> int:
    from nlu.training.report import evaluate_model

    for line in evaluate_model(setup.model_dir, args.data_dir, args.curated, precision=setup.precision,
                               cache_dir=setup.cache_dir):
        print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlu", description="The emotion model on its own: no bot settings, "
                                     "no database (trainers' corrections are trained on through 'candor nlu train').")
    parser.add_argument("--model-dir", type=Path, default=default_model_dir(),
                        help="the model predict and eval use (default: the shipped one)")
    parser.add_argument("--precision", choices=PRECISION_CHOICES, default="auto",
                        help="the model's number format and runtime (default auto: onnx-fp32, or bfloat16 on AMX CPUs)")
    add_model_commands(parser.add_subparsers(dest="nlu_command", required=True, metavar="COMMAND"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_model_command(args, ModelSetup(args.model_dir, args.precision, standalone_cache_dir()))
    except CandorError as error:
        print(f"python -m nlu: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
