"""``candor agents ...``: the registry of people who take over conversations."""

from __future__ import annotations

import argparse
from typing import Any

from bot.config import Settings
from bot.policy.assignment import AgentProfile
from bot.storage.agents import AgentRepository
from bot.storage.database import run_in_session
from nlu.errors import UsageError


def add_agents_commands(commands: Any) -> None:
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
    add.add_argument("--lead", action="store_true", help="a team lead: nudged after the agent when a reply is late")
    add.set_defaults(handler=_add)
    agents.add_parser("list", help="list registered agents").set_defaults(handler=_list)
    remove = agents.add_parser("remove", help="remove an agent")
    remove.add_argument("--user-id", type=int, required=True)
    remove.set_defaults(handler=_remove)


def _parse_languages(text: str) -> tuple[str, ...]:
    codes = tuple(code.strip().lower() for code in text.split(",") if code.strip())
    if not codes or any(not code.isalpha() or len(code) > 8 for code in codes):
        raise UsageError(f"--languages expects codes like 'en,ru', got {text!r}")
    return codes


def _add(args: argparse.Namespace, settings: Settings) -> int:
    name = args.name.strip()
    if not name:
        raise UsageError("--name must not be empty: customers are told the agent's first name")
    skills = tuple(skill.strip() for skill in args.skills.split(",") if skill.strip())
    profile = AgentProfile(args.user_id, name, args.role.strip(), _parse_languages(args.languages), True,
                           args.timezone.strip(), args.hours.strip(), args.days.strip(), skills, args.max_chats,
                           is_lead=args.lead)
    run_in_session(settings.database_url, lambda session: AgentRepository(session).add(profile))
    print(f"Added {profile.name} ({profile.role}), Telegram user id {profile.telegram_user_id}, "
          f"languages {','.join(profile.languages)}, {profile.work_days} {profile.work_hours} {profile.timezone}, "
          f"up to {profile.max_chats} conversations at once{', team lead' if profile.is_lead else ''}.")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    found = run_in_session(settings.database_url, lambda session: AgentRepository(session).list())
    if not found:
        print("No agents registered yet. Add one with: candor agents add --user-id ID --name NAME")
    for agent in found:
        print(f"{agent.telegram_user_id}\t{agent.name}\t{agent.role}\t{','.join(agent.languages)}\t"
              f"{agent.work_days} {agent.work_hours} {agent.timezone}\tmax {agent.max_chats}\t"
              f"{','.join(agent.skills) or '-'}\t{_standing(agent)}")
    return 0


def _standing(agent: AgentProfile) -> str:
    """"lead, away": what the desk treats specially about this agent ("-" for nothing)."""
    return ", ".join(word for word, yes in (("lead", agent.is_lead), ("away", agent.away)) if yes) or "-"


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    removed = run_in_session(settings.database_url, lambda session: AgentRepository(session).remove(args.user_id))
    print(f"Removed {removed.name} (Telegram user id {removed.telegram_user_id}).")
    return 0
