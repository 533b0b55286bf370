"""``candor nlu ...`` (also ``python -m nlu``): predict, train and evaluate the emotion model."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from nlu.errors import UsageError
from nlu.training.dataset import default_data_dir, default_support_messages_file
from nlu.model import default_model_dir

PREDICT_CHUNK = 256


def add_nlu_commands(commands: Any) -> None:
    nlu = commands.add_parser("nlu", help="the emotion model").add_subparsers(dest="nlu_command", required=True)
    predict = nlu.add_parser("predict", help="score texts from stdin (one per line) as JSON lines")
    predict.set_defaults(handler=_predict)
    train = nlu.add_parser("train", help="fine-tune the emotion model on shared/data (about 30 min on 2 CPU cores)")
    train.add_argument("--data-dir", type=Path, default=default_data_dir())
    train.add_argument("--output", type=Path, default=default_model_dir())
    train.add_argument("--seed", type=int, default=13)
    train.add_argument("--epochs", type=int, default=3)
    train.add_argument("--limit", type=int, default=None, help="train on the first N examples only (a quick check)")
    train.add_argument("--dev-limit", type=int, default=None, help="evaluate on the first N dev examples only")
    train.add_argument("--no-corrections", action="store_true",
                       help="train on the public data only, ignoring trainers' corrections in the database")
    train.set_defaults(handler=_train)
    multilingual = nlu.add_parser("train-multilingual", help="train the ru/pl/zh head on USE vectors (a few minutes)")
    multilingual.add_argument("--data-dir", type=Path, default=default_data_dir())
    multilingual.add_argument("--output", type=Path, default=default_model_dir(), help="model directory to add it to")
    multilingual.add_argument("--seed", type=int, default=13)
    multilingual.add_argument("--curated", type=Path, default=default_support_messages_file(),
                              help="curated support messages (language, classes, text)")
    multilingual.set_defaults(handler=_train_multilingual)
    evaluate = nlu.add_parser("eval", help="print the model's figures on dev data (all groupings, all languages)")
    evaluate.add_argument("--data-dir", type=Path, default=default_data_dir())
    evaluate.add_argument("--curated", type=Path, default=default_support_messages_file(),
                          help="curated support messages; their held-out fifth is evaluated")
    evaluate.set_defaults(handler=_eval)


def _predict(args: argparse.Namespace, settings: Any) -> int:
    return asyncio.run(predict_lines(settings.model_dir, sys.stdin, sys.stdout, settings.model_precision))


async def predict_lines(model_dir: Path, reader: TextIO, writer: TextIO, precision: str = "auto") -> int:
    """Score each input line, writing one JSON object per line in input order."""
    from nlu.runtime import EmotionAnalyzer

    analyzer = await EmotionAnalyzer.load(model_dir, precision)
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
    from nlu.training.finetune import FinetuneConfig, finetune

    if (args.limit or args.dev_limit) and args.output.resolve() == default_model_dir().resolve():
        raise UsageError("--limit/--dev-limit make a quick, weaker model; pass --output DIR so the shipped one stays")
    corrections = None if args.no_corrections else _export_corrections(settings, args.data_dir, args.output)
    config = FinetuneConfig(seed=args.seed, epochs=args.epochs, limit=args.limit, dev_limit=args.dev_limit,
                            corrections=corrections)
    result = finetune(args.data_dir, args.output, config, log=lambda line: print(line, flush=True))
    report = result.report
    print(f"kept epoch {result.epoch}: support macro-F1 {report['support_macro_f1']:.3f}, "
          f"Ekman macro-F1 {report['ekman_macro_f1']:.3f}, anxiety ROC-AUC {report['anxiety_auc']:.3f}")
    print(f"trained in {result.seconds / 60:.1f} min; artifact {result.artifact_bytes / 1e6:.1f} MB in {args.output}")
    return 0


def _export_corrections(settings: Any, data_dir: Path, output: Path) -> Path | None:
    """Trainers' corrections from the database, as the TSV the trainer reads; None when there are none."""
    import tempfile

    from bot.service.corrections import write_corrections_tsv
    from bot.storage.database import upgrade_schema

    upgrade_schema(settings.database_url)
    path = Path(tempfile.mkdtemp(prefix="candor-corrections-")) / "corrections.tsv"
    count = asyncio.run(write_corrections_tsv(settings.database_url, path, data_dir / "goemotions" / "labels.txt"))
    print(f"trainers' corrections in the database: {count}", flush=True)
    return path if count else None


def _train_multilingual(args: argparse.Namespace, settings: Any) -> int:
    from nlu.training.multilingual import train_multilingual

    result = train_multilingual(args.data_dir, args.output, args.curated, seed=args.seed)
    xed, curated = result.xed_macro_f1, result.curated_macro_f1
    print(f"GoEmotions dev macro-F1 {result.goemotions_dev_macro_f1:.3f}")
    print(f"XED macro-F1 on rows never seen in training (anger, anxiety, sadness, positive): Russian {xed['ru']:.3f}, "
          f"Polish {xed['pl']:.3f}, Chinese {xed['zh']:.3f}")
    print("held-out curated support messages, macro-F1 (six classes): "
          + ", ".join(f"{language} {figure:.3f}" for language, figure in curated.items()))
    return 0


def _eval(args: argparse.Namespace, settings: Any) -> int:
    from nlu.training.report import evaluate_model

    for line in evaluate_model(settings.model_dir, args.data_dir, args.curated, precision=settings.model_precision):
        print(line)
    return 0


def main() -> int:
    from bot.cli.main import main as candor_main

    return candor_main(["nlu", *sys.argv[1:]])
