"""``candor console`` and ``candor trainers ...``: serve the console, manage who may sign in."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import secrets
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.storage.database import Database, run_in_session, upgrade_schema
from bot.storage.models import utc_now
from bot.storage.trainers import TrainerRepository

DEFAULT_PORT = 8710
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def add_console_commands(commands: Any) -> None:
    console = commands.add_parser("console", help="serve the trainers' web console")
    console.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    console.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    console.add_argument("--insecure-cookie", action="store_true",
                         help="send the session cookie over plain http too (local use only; not behind https)")
    console.set_defaults(handler=_serve)
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


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from bot.console.app import build_console

    upgrade_schema(settings.database_url)
    secret = settings.console_secret.get_secret_value() if settings.console_secret else secrets.token_urlsafe(32)
    database = Database(settings.database_url)
    print(f"Candor console on http://{args.host}:{args.port}/ — sign in as a trainer (candor trainers add).",
          file=sys.stderr)
    if not args.insecure_cookie and args.host in LOOPBACK_HOSTS:
        print("The session cookie is Secure: a browser sends it back only over https. Opening the console over "
              "plain http here? Start it with --insecure-cookie.", file=sys.stderr)
    app = build_console(database, secret, models_dir=settings.models_dir, secure_cookie=not args.insecure_cookie)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                access_log=False, server_header=False)
    return 0


def _add(args: argparse.Namespace, settings: Settings) -> int:
    password = "" if args.no_password else _read_password()
    _run(settings, lambda repo: repo.add(args.username, password))
    print(f"Added trainer {args.username.strip().lower()}.")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    names: list[str] = []

    async def collect(repo: TrainerRepository) -> None:
        names.extend(await repo.usernames())

    _run(settings, collect)
    print("\n".join(names) if names else "No trainers yet. Add one with: candor trainers add --username NAME")
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    _run(settings, lambda repo: repo.remove(args.username))
    print(f"Removed trainer {args.username.strip().lower()}; their console sessions have ended.")
    return 0


def _link(args: argparse.Namespace, settings: Settings) -> int:
    tokens: list[str] = []

    async def make(repo: TrainerRepository) -> None:
        tokens.append(await repo.login_link_token(args.username, utc_now()))

    _run(settings, make)
    print(f"{args.base_url.rstrip('/')}/login/link/{tokens[0]}")
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
            raise ValueError("the two passwords differ; nothing was saved")
        return first
    return sys.stdin.readline().rstrip("\n")


def _run(settings: Settings, action: Any) -> None:
    run_in_session(settings.database_url, lambda session: action(TrainerRepository(session)))
