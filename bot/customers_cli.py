"""``candor customers ...``: an admin exports or erases one customer's data, or purges old transcripts."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.storage.database import run_in_session
from bot.storage.models import utc_now
from bot.storage.privacy import PrivacyRepository


def add_customers_commands(commands: Any) -> None:
    customers = commands.add_parser("customers", help="one customer's data; retention").add_subparsers(
        dest="customers_command", required=True)
    for name, text in (("export", "write everything kept about one customer as JSON"),
                       ("erase", "delete one customer and everything about them")):
        command = customers.add_parser(name, help=text)
        command.add_argument("--channel", default="telegram", help="telegram (default) or local")
        command.add_argument("--id", required=True, help="the customer's id on that channel (Telegram user id)")
        if name == "export":
            command.add_argument("--output", type=Path, default=None, help="file to write (default: standard output)")
        command.set_defaults(handler=_export if name == "export" else _erase)
    purge = customers.add_parser("purge", help="delete conversations older than the retention period")
    purge.add_argument("--older-than-days", type=int, default=None, help="default: CANDOR_RETENTION_DAYS")
    purge.set_defaults(handler=_purge)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    found: list[dict[str, Any]] = []

    async def collect(session: AsyncSession) -> None:
        data = await PrivacyRepository(session).data_of(args.channel, args.id, recent=100_000)
        if data is not None:
            found.append({
                "channel": args.channel, "id": args.id, "name": data.name, "language": data.language,
                "since": data.since.isoformat(), "conversations": data.conversations, "ratings": list(data.ratings),
                "handoffs": list(data.handoffs),
                "messages": [{"at": when.isoformat(), "from": sender, "text": text} for when, sender, text in data.recent],
            })

    run_in_session(settings.database_url, collect)
    if not found:
        raise ValueError(f"No customer with id {args.id[:32]} on {args.channel[:16]}.")
    text = json.dumps(found[0], ensure_ascii=False, indent=2)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"Wrote {len(found[0]['messages'])} messages to {args.output}.", file=sys.stderr)
    return 0


def _erase(args: argparse.Namespace, settings: Settings) -> int:
    erased: list[int] = []

    async def go(session: AsyncSession) -> None:
        erased.append(await PrivacyRepository(session).erase(args.channel, args.id))

    run_in_session(settings.database_url, go)
    print(f"Erased customer {args.id[:32]} on {args.channel[:16]} and {erased[0]} messages.")
    return 0


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    days = args.older_than_days if args.older_than_days is not None else settings.retention_days
    if days is None or days < 1:
        raise ValueError("say how old: --older-than-days N, or set CANDOR_RETENTION_DAYS")
    print(f"Purged {purge_older_than(settings.database_url, days, utc_now())} messages older than {days} days.")
    return 0


def purge_older_than(database_url: str, days: int, now: dt.datetime) -> int:
    purged: list[int] = []

    async def go(session: AsyncSession) -> None:
        purged.append(await PrivacyRepository(session).purge_before(now - dt.timedelta(days=days)))

    run_in_session(database_url, go)
    return purged[0]
