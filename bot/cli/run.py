"""``candor run`` and ``candor chat``: serve customers on Telegram, or chat in this terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.config import Settings


def add_run_commands(commands: Any) -> None:
    run = commands.add_parser("run", help="run on Telegram if TELEGRAM_BOT_TOKEN is set, else the local chat")
    run.add_argument("--poll-timeout", type=int, default=10, help="long-polling timeout in seconds (default 10)")
    run.add_argument("--webhook", action="store_true", help="receive updates posted to / instead of long polling")
    run.add_argument("--listen", default="127.0.0.1", help="webhook: address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8443, help="webhook: port (default 8443)")
    run.add_argument("--webhook-url", default=None, help="webhook: public URL to register with setWebhook")
    run.set_defaults(handler=_run)
    commands.add_parser("chat", help="chat with the bot in this terminal").set_defaults(handler=_chat)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        print("TELEGRAM_BOT_TOKEN is not set, so Candor starts the local chat instead of Telegram.", file=sys.stderr)
        return _chat(args, settings)
    from bot.channels.telegram import serve_telegram, stop_on_signals
    from bot.channels.webhook import serve_webhook

    async def webhook() -> None:
        await serve_webhook(settings, args.listen, args.port, stop_on_signals(), args.webhook_url)

    asyncio.run(webhook() if args.webhook else serve_telegram(settings, poll_timeout=args.poll_timeout))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.terminal import run_local_chat

    asyncio.run(run_local_chat(settings))
    return 0
