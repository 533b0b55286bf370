"""``candor nlu ...``: the emotion model's commands, with the bot's model settings and trainers' corrections.

The commands themselves live in ``nlu/training/cli.py`` (also ``python -m nlu``); this group adds
what only the bot knows: its configured model, and the corrections trainers saved in its database.
"""

from __future__ import annotations

import argparse
import asyncio
from functools import partial
from typing import Any

from bot.config import Settings
from bot.service.corrections import corrections_for_training
from bot.storage.database import upgrade_schema
from nlu.training.cli import ModelSetup, add_model_commands, run_model_command
from nlu.training.dataset import LabelledTexts


def add_nlu_commands(commands: Any) -> None:
    group = commands.add_parser("nlu", help="the emotion model")
    train = add_model_commands(group.add_subparsers(dest="nlu_command", required=True))
    train.add_argument("--no-corrections", action="store_true",
                       help="train on the public data only, ignoring trainers' corrections in the database")
    group.set_defaults(handler=_run)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    wanted = args.nlu_command == "train" and not args.no_corrections
    corrections = partial(_corrections_in_database, settings.database_url) if wanted else None
    return run_model_command(args, ModelSetup(settings.model_dir, settings.model_precision, settings.model_cache_dir, corrections))


def _corrections_in_database(database_url: str) -> LabelledTexts:
    upgrade_schema(database_url)
    corrections = asyncio.run(corrections_for_training(database_url))
    print(f"trainers' corrections in the database: {len(corrections.texts)}", flush=True)
    return corrections
