"""``candor db ...``: database maintenance."""

from __future__ import annotations

import argparse
from typing import Any

from bot.config import Settings
from bot.storage.database import upgrade_schema


def add_db_commands(commands: Any) -> None:
    db = commands.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace, settings: Settings) -> int:
    upgrade_schema(settings.database_url)
    print("Database is at the newest schema.")
    return 0
