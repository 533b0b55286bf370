"""``candor``: run the bot, the local chat, migrations, the agents' registry and the model."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence

from bot.cli.bench import add_bench_commands
from bot.cli.promises import add_promises_commands
from bot.config import ConfigError, Settings, load_settings
from bot.cli.customers import add_customers_commands
from bot.cli.console import add_console_commands
from bot.logs import configure_logging
from bot.policy.assignment import AgentProfile
from bot.storage.agents import AgentRegistryError, AgentRepository
from bot.storage.database import DatabaseError, run_in_session, upgrade_schema
from bot.storage.trainers import TrainerError
from bot.cli.knowledge import add_knowledge_commands
from knowledge.pack import KnowledgeError
from nlu.training.cli import add_nlu_commands
from nlu.training.dataset import DatasetError

AgentAction = Callable[[AgentRepository], Awaitable[None]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="candor", description="Candor: a support bot that is candid, clear and human.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run on Telegram if TELEGRAM_BOT_TOKEN is set, else the local chat")
    run.add_argument("--poll-timeout", type=int, default=10, help="long-polling timeout in seconds (default 10)")
    run.add_argument("--webhook", action="store_true", help="receive updates posted to / instead of long polling")
    run.add_argument("--listen", default="127.0.0.1", help="webhook: address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8443, help="webhook: port (default 8443)")
    run.add_argument("--webhook-url", default=None, help="webhook: public URL to register with setWebhook")
    run.set_defaults(handler=_run)
    commands.add_parser("chat", help="chat with the bot in this terminal").set_defaults(handler=_chat)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_db_upgrade)

    agents = commands.add_parser("agents", help="the agents' registry").add_subparsers(dest="agents_command", required=True)
    add = agents.add_parser("add", help="register an agent")
    add.add_argument("--user-id", type=int, required=True, help="the agent's numeric Telegram user id")
    add.add_argument("--name", required=True, help="first name customers will see, e.g. Marta")
    add.add_argument("--role", default="Customer care specialist", help="role customers will see")
    add.add_argument("--languages", default="en", help="comma-separated language codes, e.g. en,ru")
    add.add_argument("--timezone", default="UTC", help="the agent's time zone, e.g. Europe/Warsaw (default UTC)")
    add.add_argument("--hours", default="09:00-18:00", help="working hours in that time zone (default 09:00-18:00)")
    add.add_argument("--days", default="mon-fri", help="working days, e.g. mon-fri or mon,wed,sat (default mon-fri)")
    add.add_argument("--skills", default="", help="comma-separated topics they handle best, e.g. double_charge,refund")
    add.add_argument("--max-chats", type=int, default=3, help="most handed-off conversations at once (default 3)")
    add.set_defaults(handler=_agents_add)
    agents.add_parser("list", help="list registered agents").set_defaults(handler=_agents_list)
    remove = agents.add_parser("remove", help="remove an agent")
    remove.add_argument("--user-id", type=int, required=True)
    remove.set_defaults(handler=_agents_remove)

    add_nlu_commands(commands)
    add_knowledge_commands(commands)
    add_console_commands(commands)
    add_promises_commands(commands)
    add_customers_commands(commands)
    add_bench_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level_number)
        return int(args.handler(args, settings) or 0)
    except (ConfigError, DatabaseError, AgentRegistryError, TrainerError, KnowledgeError, DatasetError, ValueError) as error:
        print(f"candor: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        print("TELEGRAM_BOT_TOKEN is not set, so Candor starts the local chat instead of Telegram.", file=sys.stderr)
        return _chat(args, settings)
    from bot.channels.telegram import TelegramStartError, stop_on_signals, serve_telegram
    from bot.channels.webhook import serve_webhook

    async def webhook() -> None:
        await serve_webhook(settings, args.listen, args.port, stop_on_signals(), args.webhook_url)

    try:
        asyncio.run(webhook() if args.webhook else serve_telegram(settings, poll_timeout=args.poll_timeout))
    except TelegramStartError as error:
        print(f"candor: {error}", file=sys.stderr)
        return 2
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.terminal import run_local_chat

    asyncio.run(run_local_chat(settings))
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    upgrade_schema(settings.database_url)
    print("Database is at the newest schema.")
    return 0


def _parse_languages(text: str) -> tuple[str, ...]:
    codes = tuple(code.strip().lower() for code in text.split(",") if code.strip())
    if not codes or any(not code.isalpha() or len(code) > 8 for code in codes):
        raise ValueError(f"--languages expects codes like 'en,ru', got {text!r}")
    return codes


def _agents_add(args: argparse.Namespace, settings: Settings) -> int:
    name = args.name.strip()
    if not name:
        raise ValueError("--name must not be empty: customers are told the agent's first name")
    skills = tuple(skill.strip() for skill in args.skills.split(",") if skill.strip())
    profile = AgentProfile(args.user_id, name, args.role.strip(), _parse_languages(args.languages), True,
                           args.timezone.strip(), args.hours.strip(), args.days.strip(), skills, args.max_chats)

    async def add(repository: AgentRepository) -> None:
        await repository.add(profile)

    _with_agents(settings, add)
    print(f"Added {profile.name} ({profile.role}), Telegram user id {profile.telegram_user_id}, "
          f"languages {','.join(profile.languages)}, {profile.work_days} {profile.work_hours} {profile.timezone}, "
          f"up to {profile.max_chats} conversations at once.")
    return 0


def _agents_list(args: argparse.Namespace, settings: Settings) -> int:
    found: list[AgentProfile] = []

    async def collect(repository: AgentRepository) -> None:
        found.extend(await repository.list())

    _with_agents(settings, collect)
    if not found:
        print("No agents registered yet. Add one with: candor agents add --user-id ID --name NAME")
    for agent in found:
        print(f"{agent.telegram_user_id}\t{agent.name}\t{agent.role}\t{','.join(agent.languages)}\t"
              f"{agent.work_days} {agent.work_hours} {agent.timezone}\tmax {agent.max_chats}\t"
              f"{','.join(agent.skills) or '-'}")
    return 0


def _agents_remove(args: argparse.Namespace, settings: Settings) -> int:
    removed: list[AgentProfile] = []

    async def remove(repository: AgentRepository) -> None:
        removed.append(await repository.remove(args.user_id))

    _with_agents(settings, remove)
    print(f"Removed {removed[0].name} (Telegram user id {removed[0].telegram_user_id}).")
    return 0


def _with_agents(settings: Settings, action: AgentAction) -> None:
    run_in_session(settings.database_url, lambda session: action(AgentRepository(session)))


if __name__ == "__main__":
    raise SystemExit(main())
