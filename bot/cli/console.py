"""``candor console``: serve the trainers' web console."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.service.scripted import DEFAULT_SCRIPTS_DIR
from bot.storage.database import Database, upgrade_schema
from knowledge.content_folder import seed_content

DEFAULT_PORT = 8710
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def add_console_commands(commands: Any) -> None:
    console = commands.add_parser("console", help="serve the trainers' web console")
    console.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    console.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    console.add_argument("--insecure-cookie", action="store_true",
                         help="send the session cookie over plain http too (local use only; not behind https)")
    console.add_argument("--conversations", type=Path, default=DEFAULT_SCRIPTS_DIR,
                         help=f"folder of conversation scripts the console runs (default: {DEFAULT_SCRIPTS_DIR})")
    console.set_defaults(handler=_serve)


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
    app = build_console(database, secret, models_dir=settings.models_dir, secure_cookie=not args.insecure_cookie,
                        scripts_dir=args.conversations, content_dir=seed_content(settings.content_dir))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                access_log=False, server_header=False)
    return 0
