"""``candor promises ...``: see the times the bot committed to, and mark one kept.

Until agents and trainers have their own tools, this is how the team that did the work tells
the bot, so the customer does not get a "running late" message for something already done.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.config import Settings
from bot.storage.database import run_in_session
from bot.storage.models import as_utc
from bot.storage.promises import PromiseRepository
from nlu.errors import UsageError


def add_promises_commands(commands: Any) -> None:
    promises = commands.add_parser("promises", help="promises the bot made to customers").add_subparsers(
        dest="promises_command", required=True)
    listing = promises.add_parser("list", help="list promises (open ones by default)")
    listing.add_argument("--all", action="store_true", help="include kept and resolved promises")
    listing.set_defaults(handler=_list)
    keep = promises.add_parser("keep", help="mark a promise kept, so its check stays silent")
    keep.add_argument("promise_id", type=int)
    keep.set_defaults(handler=_keep)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    rows = run_in_session(settings.database_url, lambda session: PromiseRepository(session).listing(args.all))
    if not rows:
        print("No open promises." if not args.all else "No promises yet.")
    zone = settings.zone
    for promise in rows:
        due = as_utc(promise.due_at).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        late = f", {promise.updates} update(s)" if promise.updates else ""
        print(f"#{promise.id}\tconversation {promise.conversation_id}\t{promise.topic_id}\t{promise.status}\t"
              f"due {due}{late}\t{promise.promised}")
    return 0


def _keep(args: argparse.Namespace, settings: Settings) -> int:
    kept = run_in_session(settings.database_url, lambda session: PromiseRepository(session).keep(args.promise_id))
    if not kept:
        raise UsageError(f"There is no open promise #{args.promise_id}; see 'candor promises list'.")
    print(f"Promise #{args.promise_id} is marked kept; the bot will not follow it up.")
    return 0
