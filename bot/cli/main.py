"""``candor``: the parser of every command group, and the one place a user's error becomes a message.

Each group lives in its own module here (``candor agents`` in agents.py, ...). Errors a user can act
on derive from ``CandorError`` and are printed as one line with exit code 2; anything else, a
``ValueError`` from a library bug included, keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli.agents import add_agents_commands
from bot.cli.bench import add_bench_commands
from bot.cli.console import add_console_commands
from bot.cli.customers import add_customers_commands
from bot.cli.db import add_db_commands
from bot.cli.init import add_init_commands
from bot.cli.knowledge import add_knowledge_commands
from bot.cli.nlu import add_nlu_commands
from bot.cli.promises import add_promises_commands
from bot.cli.run import add_run_commands
from bot.cli.shop import add_shop_commands
from bot.cli.tasks import add_tasks_commands
from bot.cli.teams import add_teams_commands
from bot.cli.test import add_test_commands
from bot.cli.trainers import add_trainers_commands
from bot.config import load_settings
from bot.logs import configure_logging
from nlu.errors import CandorError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="candor", description="Candor: a support bot that is candid, clear and human.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_init_commands(commands)
    add_run_commands(commands)
    add_db_commands(commands)
    add_agents_commands(commands)
    add_teams_commands(commands)
    add_tasks_commands(commands)
    add_nlu_commands(commands)
    add_knowledge_commands(commands)
    add_console_commands(commands)
    add_trainers_commands(commands)
    add_promises_commands(commands)
    add_customers_commands(commands)
    add_shop_commands(commands)
    add_bench_commands(commands)
    add_test_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level_number)
        return int(args.handler(args, settings) or 0)
    except CandorError as error:
        print(f"candor: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
