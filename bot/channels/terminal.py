"""The local chat: the same engine as Telegram, in a terminal, for trying Candor in a minute."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import sys
from typing import TextIO

from bot.config import Settings
from bot.policy.model import Button, CustomerTurn, Reply, TurnKind
from bot.runtime import CandorRuntime
from bot.service.customer import CustomerRef
from bot.service.support import SupportService

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
    checks = LocalChecks(runtime.service, writer)
    runtime.service.attach_scheduler(checks.schedule)
    await runtime.service.schedule_open_promises()
    pending_buttons: tuple[Button, ...] = ()
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
            turn, data = turn_from_line(line), ""
            choice = next((b for b in pending_buttons if b.label == line.strip()), None)
            if choice is not None:
                turn, data = CustomerTurn(TurnKind.BUTTON), choice.data
            reply = await runtime.service.handle(customer, turn, button_data=data)
            if reply is None:
                writer.write("(passed to the person who has this conversation)\n\n")
                pending_buttons = ()
                continue
            writer.write(f"candor> {reply.text}\n")
            if reply.buttons:
                writer.write("        [" + "] [".join(b.label for b in reply.buttons) + "]  (type one, or just carry on)\n")
            writer.write("\n")
            writer.flush()
            pending_buttons = reply.buttons
    finally:
        checks.cancel()
        writer.flush()
        await runtime.close()


class LocalChecks:
    """Promise checks for the local chat: timers on the event loop; a proactive update is printed."""

    def __init__(self, service: SupportService, writer: TextIO) -> None:
        self._service = service
        self._writer = writer
        self._timers: dict[int, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, promise_id: int, at: dt.datetime) -> None:
        loop = asyncio.get_running_loop()
        if promise_id in self._timers:
            self._timers.pop(promise_id).cancel()
        delay = max(0.0, (at - dt.datetime.now(dt.UTC)).total_seconds())
        self._timers[promise_id] = loop.call_later(delay, self._start, promise_id)

    def _start(self, promise_id: int) -> None:
        self._timers.pop(promise_id, None)
        task = asyncio.get_running_loop().create_task(self._service.follow_up(promise_id, self._print))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _print(self, customer: CustomerRef, reply: Reply) -> None:
        self._writer.write(f"\ncandor> {reply.text}\n\nyou> ")
        self._writer.flush()

    def cancel(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        for task in self._tasks:
            task.cancel()


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
