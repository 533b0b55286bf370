"""``candor trainers ...``: who may sign in to the console, and their corrections as a file."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path
from typing import Any

from bot.cli.console import DEFAULT_PORT
from bot.config import Settings
from bot.storage.database import run_in_session
from bot.storage.models import utc_now
from bot.storage.trainers import TrainerRepository
from nlu.errors import UsageError


def add_trainers_commands(commands: Any) -> None:
    trainers = commands.add_parser("trainers", help="who may sign in to the console").add_subparsers(
        dest="trainers_command", required=True)
    add = trainers.add_parser("add", help="add a trainer (the password is read from the terminal or stdin)")
    add.add_argument("--username", required=True)
    add.add_argument("--no-password", action="store_true", help="sign in with one-time links only")
    add.set_defaults(handler=_add)
    trainers.add_parser("list", help="list trainers").set_defaults(handler=_list)
    remove = trainers.add_parser("remove", help="remove a trainer and end their console sessions")
    remove.add_argument("--username", required=True)
    remove.set_defaults(handler=_remove)
    link = trainers.add_parser("login-link", help="print a one-time sign-in link (valid 30 minutes)")
    link.add_argument("--username", required=True)
    link.add_argument("--base-url", default=f"http://127.0.0.1:{DEFAULT_PORT}", help="where the console is served")
    link.set_defaults(handler=_link)
    export = trainers.add_parser("export-corrections", help="write trainers' corrected labels as a GoEmotions-style TSV")
    export.add_argument("--output", type=Path, required=True)
    export.set_defaults(handler=_export)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    password = "" if args.no_password else _read_password()
    run_in_session(settings.database_url, lambda session: TrainerRepository(session).add(args.username, password))
    print(f"Added trainer {args.username.strip().lower()}.")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    names = run_in_session(settings.database_url, lambda session: TrainerRepository(session).usernames())
    print("\n".join(names) if names else "No trainers yet. Add one with: candor trainers add --username NAME")
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    run_in_session(settings.database_url, lambda session: TrainerRepository(session).remove(args.username))
    print(f"Removed trainer {args.username.strip().lower()}; their console sessions have ended.")
    return 0


def _link(args: argparse.Namespace, settings: Settings) -> int:
    token = run_in_session(settings.database_url,
                           lambda session: TrainerRepository(session).login_link_token(args.username, utc_now()))
    print(f"{args.base_url.rstrip('/')}/login/link/{token}")
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.corrections import write_corrections_tsv

    count = asyncio.run(write_corrections_tsv(settings.database_url, args.output))
    print(f"Wrote {count} corrected messages to {args.output}.")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password (10+ characters): ")
        if first != getpass.getpass("Again: "):
            raise UsageError("the two passwords differ; nothing was saved")
        return first
    return sys.stdin.readline().rstrip("\n")
