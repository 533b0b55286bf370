"""The local chat: the same engine as Telegram, in a terminal, for trying Candor in a minute."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from bot.config import Settings
from bot.engine import CustomerTurn, TurnKind
from bot.runtime import CandorRuntime
from bot.service import CustomerRef

CHANNEL = "local"
QUIT_COMMANDS = frozenset({"/quit", "/exit"})

BANNER = """\
Candor local chat — the same engine that serves Telegram, running on this machine.
Messages are stored in {database}.
Type as a customer would; /help shows the commands, /quit (or Ctrl-D) leaves.
"""


def turn_from_line(line: str) -> CustomerTurn:
    """A typed line as a customer turn: '/word' is a command, anything else is text."""
    stripped = line.strip()
    if stripped.startswith("/") and len(stripped) > 1 and not stripped[1].isspace():
        return CustomerTurn(TurnKind.COMMAND, text=stripped, command=stripped[1:].split()[0].lower())
    return CustomerTurn(TurnKind.TEXT, text=line.rstrip("\n"))


async def run_local_chat(settings: Settings, reader: TextIO = sys.stdin, writer: TextIO = sys.stdout) -> None:
    runtime = await CandorRuntime.start(settings)
    customer = CustomerRef(CHANNEL, _local_user(), _local_user())
    writer.write(BANNER.format(database=_safe_database(settings.database_url)))
    if runtime.analyzer.degraded:
        writer.write("(The emotion model could not load; using keyword scores. See the log for why.)\n")
    try:
        while True:
            writer.write("you> ")
            writer.flush()
            line = await asyncio.to_thread(reader.readline)
            if not line or line.strip().lower() in QUIT_COMMANDS:
                writer.write("\nBye — your conversation is saved.\n")
                break
            reply = await runtime.service.handle(customer, turn_from_line(line))
            writer.write(f"candor> {reply.text}\n\n")
            writer.flush()
    finally:
        writer.flush()
        await runtime.close()


def _local_user() -> str:
    try:
        return getpass.getuser()[:60]
    except (KeyError, OSError):
        return "you"


def _safe_database(url: str) -> str:
    """The SQLite file's path, or the server URL without its password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)
