"""``candor customers ...``: an admin exports or erases one customer's data, or purges old transcripts.

Erasing also removes the customer's topics in the agents' group when this command has the bot's
token and the group's id (TELEGRAM_BOT_TOKEN, CANDOR_AGENTS_CHAT_ID); otherwise it lists them.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.service.agent_workspace import TopicFate
from bot.service.customer import CustomerRef
from bot.storage.database import run_in_session
from bot.storage.models import utc_now
from bot.storage.privacy import PrivacyRepository, Purged, forget_the_old
from nlu.errors import UsageError


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
    data = run_in_session(settings.database_url,
                          lambda session: PrivacyRepository(session).data_of(args.channel, args.id, recent=100_000))
    if data is None:
        raise UsageError(f"No customer with id {args.id[:32]} on {args.channel[:16]}.")
    messages = [{"at": when.isoformat(), "from": sender, "text": text} for when, sender, text in data.recent]
    text = json.dumps({
        "channel": args.channel, "id": args.id, "name": data.name, "language": data.language,
        "since": data.since.isoformat(), "conversations": data.conversations, "ratings": list(data.ratings),
        "handoffs": list(data.handoffs), "messages": messages,
    }, ensure_ascii=False, indent=2)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
        print(f"Wrote {len(messages)} messages to {args.output}.", file=sys.stderr)
    return 0


def _erase(args: argparse.Namespace, settings: Settings) -> int:
    customer = CustomerRef(args.channel, args.id)
    erased = run_in_session(settings.database_url, lambda session: PrivacyRepository(session).erase(
        customer.channel, customer.external_id, customer.key))
    print(f"Erased customer {args.id[:32]} on {args.channel[:16]} and {erased.messages} messages.")
    if erased.topics:
        print(_topics_report(settings, erased.topics))
    return 0


def _topics_report(settings: Settings, thread_ids: tuple[int, ...]) -> str:
    """Remove the erased customer's agents' topics if this command can reach the group; say what remains."""
    if settings.telegram_bot_token is None or settings.agents_chat_id is None:
        return (f"The agents' topics could not be removed from here (set TELEGRAM_BOT_TOKEN and CANDOR_AGENTS_CHAT_ID "
                f"to let this command do it): delete topics {_ids(thread_ids)} in the agents' group by hand.")
    fates = asyncio.run(_remove_topics(settings.telegram_bot_token.get_secret_value(), settings.bot_api_base_url,
                                       settings.agents_chat_id, thread_ids))
    deleted = [thread for thread, fate in fates.items() if fate is TopicFate.DELETED]
    kept = {thread: fate for thread, fate in fates.items() if fate is not TopicFate.DELETED}
    lines = [f"Also deleted {len(deleted)} agents' topic(s) in the agents' group: {_ids(deleted)}."] if deleted else []
    if kept:
        lines.append(f"Could not delete agents' topic(s) {_ids(kept)} ("
                     + ", ".join(f"{thread}: {'renamed and noted' if fate is TopicFate.SCRUBBED else 'untouched'}"
                                 for thread, fate in kept.items())
                     + "): delete them by hand in the agents' group.")
    return "\n".join(lines)


async def _remove_topics(token: str, base_url: str, chat_id: int, thread_ids: tuple[int, ...]) -> dict[int, TopicFate]:
    from telegram import Bot
    from telegram.error import TelegramError

    from bot.channels.agents import TelegramWorkspace
    from bot.channels.group_pacer import GroupPacer

    try:
        async with Bot(token, base_url=base_url) as bot:
            workspace = TelegramWorkspace(bot, chat_id, GroupPacer(per_minute=20))
            return {thread: await workspace.remove_topic(thread) for thread in thread_ids}
    except TelegramError as error:
        print(f"The Bot API could not be reached ({type(error).__name__}).", file=sys.stderr)
        return dict.fromkeys(thread_ids, TopicFate.LEFT)


def _ids(thread_ids: Iterable[int]) -> str:
    return ", ".join(str(thread) for thread in thread_ids)


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    days = args.older_than_days if args.older_than_days is not None else settings.retention_days
    if days is None or days < 1:
        raise UsageError("say how old: --older-than-days N, or set CANDOR_RETENTION_DAYS")
    purged = purge_older_than(settings.database_url, days, utc_now())
    print(f"Purged {purged.messages} messages older than {days} days, {purged.customers} customers left without "
          f"conversations, and {purged.updates} handled-update ids past Telegram's redelivery window.")
    return 0


def purge_older_than(database_url: str, days: int, now: dt.datetime) -> Purged:
    return run_in_session(database_url, lambda session: forget_the_old(session, now, days))
