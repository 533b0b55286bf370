"""``candor teams ...``: the teams that receive the bot's commitments as tasks, their members, and their helpdesks."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.policy.tasks import Member
from bot.policy.teams import TeamProfile, team_problem
from bot.service.helpdesk_keys import new_inbound_token, new_signing_secret, token_hash
from bot.storage.database import run_in_session
from bot.storage.tasks import TaskRepository
from bot.storage.teams import TeamRepository
from knowledge.content_folder import seed_content
from knowledge.pack import read_pack
from nlu.errors import UsageError


def add_teams_commands(commands: Any) -> None:
    teams = commands.add_parser("teams", help="teams that receive the bot's commitments as tasks").add_subparsers(
        dest="teams_command", required=True)
    add = teams.add_parser("add", help="add a team: where its task cards go, when it works, how fast")
    add.add_argument("--name", required=True, help="short lower-case name the knowledge pack uses, e.g. payments")
    add.add_argument("--chat-id", type=int, required=True, help="the Telegram group its task cards go to")
    add.add_argument("--thread-id", type=int, default=None, help="the forum topic in that group (default: none)")
    add.add_argument("--timezone", default="UTC", help="the team's time zone, e.g. Europe/Warsaw (default UTC)")
    add.add_argument("--hours", default="09:00-17:00", help="working hours in that time zone (default 09:00-17:00)")
    add.add_argument("--days", default="mon-fri", help="working days, e.g. mon-fri or mon,wed,sat (default mon-fri)")
    add.add_argument("--target-hours", type=float, required=True,
                     help="working hours the team takes for a task: its due time is this much working time later")
    add.add_argument("--lead-user-id", type=int, default=None,
                     help="Telegram user id of the lead, alerted when nobody touched a task halfway to its due time")
    add.add_argument("--language", default="en", help="language of the team's cards and buttons (default en)")
    add.set_defaults(handler=_add)
    member = teams.add_parser("add-member", help="let a person act on a team's tasks")
    member.add_argument("--team", required=True)
    member.add_argument("--user-id", type=int, required=True, help="the person's numeric Telegram user id")
    member.add_argument("--name", required=True, help="first name customers will hear, e.g. Anna")
    member.add_argument("--role", default="Team member", help="role customers will hear (default Team member)")
    member.set_defaults(handler=_add_member)
    gone = teams.add_parser("remove-member", help="stop a person acting on a team's tasks")
    gone.add_argument("--team", required=True)
    gone.add_argument("--user-id", type=int, required=True)
    gone.set_defaults(handler=_remove_member)
    teams.add_parser("list", help="list teams, their members and open tasks").set_defaults(handler=_list)
    remove = teams.add_parser("remove", help="remove a team and its members (its tasks stay listed)")
    remove.add_argument("--name", required=True)
    remove.set_defaults(handler=_remove)
    helpdesk = teams.add_parser("helpdesk", help="post a team's tasks to its helpdesk's webhook, or stop")
    helpdesk.add_argument("--name", required=True)
    switch = helpdesk.add_mutually_exclusive_group(required=True)
    switch.add_argument("--url", help="the helpdesk's webhook URL (http or https)")
    switch.add_argument("--off", action="store_true", help="stop posting to the helpdesk; its keys stop working")
    helpdesk.set_defaults(handler=_helpdesk)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    languages = read_pack(seed_content(settings.content_dir)).languages
    language = args.language.strip().lower()
    if language not in languages:
        raise UsageError(f"--language must be one of the knowledge pack's languages ({', '.join(languages)}), "
                         f"got {args.language[:16]!r}")
    team = TeamProfile(args.name.strip(), args.chat_id, args.thread_id, args.timezone.strip(), args.hours.strip(),
                       args.days.strip(), args.target_hours, args.lead_user_id, language)
    run_in_session(settings.database_url, lambda session: TeamRepository(session).add(team))
    lead = f", lead user {team.lead_user_id}" if team.lead_user_id is not None else ", no lead"
    print(f"Added team {team.name}: task cards go to {_where(team)}; works {_hours(team)}; "
          f"target {team.target_hours:g} working hours{lead}; cards in {team.language}. "
          f"Add its members with: candor teams add-member --team {team.name} --user-id ID --name NAME")
    return 0


def _add_member(args: argparse.Namespace, settings: Settings) -> int:
    member = Member(args.user_id, args.name.strip(), args.role.strip())
    run_in_session(settings.database_url, lambda session: TeamRepository(session).add_member(args.team, member))
    print(f"Added {member.name} ({member.role}), Telegram user id {member.user_id}, to team {args.team}: "
          "they can act on its tasks, and customers hear their name.")
    return 0


def _remove_member(args: argparse.Namespace, settings: Settings) -> int:
    removed = run_in_session(settings.database_url,
                             lambda session: TeamRepository(session).remove_member(args.team, args.user_id))
    print(f"Removed {removed.name} (Telegram user id {removed.user_id}) from team {args.team}.")
    return 0


@dataclass(frozen=True)
class _TeamRow:
    team: TeamProfile
    open_tasks: int


async def _teams_with_counts(session: AsyncSession) -> list[_TeamRow]:
    tasks = TaskRepository(session)
    return [_TeamRow(team, await tasks.count_open(team.name)) for team in await TeamRepository(session).all()]


def _list(args: argparse.Namespace, settings: Settings) -> int:
    rows = run_in_session(settings.database_url, _teams_with_counts)
    if not rows:
        print("No teams yet. Add one with: candor teams add --name payments --chat-id ID --target-hours 4")
    for row in rows:
        team = row.team
        helpdesk = f"helpdesk on ({urlsplit(team.webhook_url).hostname})" if team.webhook_url else "helpdesk off"
        print(f"{team.name}\t{_where(team)}\t{_hours(team)}\ttarget {team.target_hours:g} h\tlead {_lead(team)}\t"
              f"language {team.language}\t{helpdesk}\t{row.open_tasks} open task(s)")
        if not team.members:
            print(f"  no members yet: candor teams add-member --team {team.name} --user-id ID --name NAME")
        for member in team.members:
            print(f"  {member.name}\t{member.role}\tuser {member.user_id}")
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    team, open_tasks = run_in_session(settings.database_url, lambda session: TeamRepository(session).remove(args.name))
    left = (f" Its {open_tasks} open task(s) stay listed in 'candor tasks list --team {team.name}'."
            if open_tasks else " It had no open tasks.")
    print(f"Removed team {team.name} and its {len(team.members)} member(s).{left}")
    return 0


async def _turn_on_helpdesk(session: AsyncSession, name: str, url: str, secret: str, hashed: str) -> None:
    teams = TeamRepository(session)
    team = await teams.get(name)
    if team is None:
        raise UsageError(f"There is no team named {name[:40]}; see candor teams list.")
    problem = team_problem(replace(team, webhook_url=url))
    if problem is not None:
        raise UsageError(f"{problem}.")
    await teams.set_helpdesk(name, url, secret, hashed)


def _helpdesk(args: argparse.Namespace, settings: Settings) -> int:
    if args.off:
        run_in_session(settings.database_url,
                       lambda session: TeamRepository(session).set_helpdesk(args.name, None, None, None))
        print(f"Helpdesk off for team {args.name}: nothing more is posted to its webhook, "
              "and its signing secret and inbound token no longer work.")
        return 0
    url, secret, token = args.url.strip(), new_signing_secret(), new_inbound_token()
    run_in_session(settings.database_url,
                   lambda session: _turn_on_helpdesk(session, args.name, url, secret, token_hash(token)))
    print(f"Helpdesk on for team {args.name}: its tasks are posted, signed, to {url}.\n"
          f"Signing secret: {secret}\n"
          f"Inbound token: {token}\n"
          "Neither is shown again: copy them now. The signing secret goes into the helpdesk to verify the bot's "
          "signed posts (Standard Webhooks); the inbound token is the helpdesk's Bearer token for "
          "POST /helpdesk/tasks/{id}/events on the bot's webhook worker. Run this command again for new ones.")
    return 0


def _where(team: TeamProfile) -> str:
    topic = f"topic {team.thread_id}" if team.thread_id is not None else "no topic"
    return f"chat {team.chat_id}, {topic}"


def _hours(team: TeamProfile) -> str:
    return f"{team.work_days} {team.work_hours} {team.timezone}"


def _lead(team: TeamProfile) -> str:
    if team.lead_user_id is None:
        return "none"
    return team.lead.name if team.lead is not None else f"user {team.lead_user_id}"
