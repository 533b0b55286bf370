"""Repository for teams and their members: who receives the bot's commitments, and who may act on them."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.policy.tasks import Member
from bot.policy.teams import TeamProfile, team_problem
from bot.storage.models import Team, TeamMember
from bot.storage.tasks import TaskRepository
from nlu.errors import CandorError


class TeamRegistryError(CandorError):
    """A team or member cannot be added or removed as asked; the message says why and what to do."""


class TeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, team: TeamProfile) -> TeamProfile:
        problem = team_problem(team)
        if problem is not None:
            raise TeamRegistryError(f"{problem}.")
        if await self._row(team.name) is not None:
            raise TeamRegistryError(f"A team named {team.name} already exists. Remove it first to change it "
                                    f"(candor teams remove --name {team.name}).")
        self._session.add(Team(
            name=team.name, chat_id=team.chat_id, thread_id=team.thread_id, timezone=team.timezone,
            work_hours=team.work_hours, work_days=team.work_days, target_hours=team.target_hours,
            lead_user_id=team.lead_user_id, language=team.language, webhook_url=team.webhook_url,
        ))
        await self._session.flush()
        return team

    async def add_member(self, team_name: str, member: Member) -> Member:
        row = await self._row(team_name)
        if row is None:
            raise TeamRegistryError(f"There is no team named {team_name[:40]}; add it first with candor teams add.")
        if not member.name.strip():
            raise TeamRegistryError("--name must not be empty: customers are told who did the work by name.")
        if any(existing.telegram_user_id == member.user_id for existing in row.members):
            raise TeamRegistryError(f"User {member.user_id} is already a member of {team_name}.")
        row.members.append(TeamMember(telegram_user_id=member.user_id, name=member.name.strip(),
                                      role=member.role.strip()))
        await self._session.flush()
        return member

    async def remove_member(self, team_name: str, user_id: int) -> Member:
        row = await self._row(team_name)
        found = next((m for m in row.members if m.telegram_user_id == user_id), None) if row else None
        if row is None or found is None:
            raise TeamRegistryError(f"User {user_id} is not a member of a team named {team_name[:40]}.")
        row.members.remove(found)
        await self._session.flush()
        return Member(found.telegram_user_id, found.name, found.role)

    async def remove(self, name: str) -> tuple[TeamProfile, int]:
        """Remove a team and its members; returns it and how many of its tasks are still open (they stay listed)."""
        row = await self._row(name)
        if row is None:
            raise TeamRegistryError(f"There is no team named {name[:40]}; see candor teams list.")
        profile = _profile(row)
        open_tasks = await TaskRepository(self._session).count_open(name)
        await self._session.execute(delete(Team).where(Team.id == row.id))
        return profile, open_tasks

    async def get(self, name: str) -> TeamProfile | None:
        row = await self._row(name)
        return _profile(row) if row is not None else None

    async def all(self) -> list[TeamProfile]:
        rows = await self._session.scalars(select(Team).options(selectinload(Team.members)).order_by(Team.name))
        return [_profile(row) for row in rows]

    async def in_chat(self, chat_id: int) -> list[TeamProfile]:
        """The teams that work in this Telegram chat (several may share one forum, each in its topic)."""
        rows = await self._session.scalars(
            select(Team).options(selectinload(Team.members)).where(Team.chat_id == chat_id).order_by(Team.name))
        return [_profile(row) for row in rows]

    async def set_helpdesk(self, name: str, url: str | None, secret: str | None, token_hash: str | None) -> None:
        row = await self._row(name)
        if row is None:
            raise TeamRegistryError(f"There is no team named {name[:40]}; see candor teams list.")
        row.webhook_url, row.webhook_secret, row.inbound_token_hash = url, secret, token_hash

    async def signing_secret(self, name: str) -> str | None:
        return await self._session.scalar(select(Team.webhook_secret).where(Team.name == name))

    async def by_inbound_token(self, token_hash: str) -> TeamProfile | None:
        row = await self._session.scalar(select(Team).options(selectinload(Team.members))
                                         .where(Team.inbound_token_hash == token_hash))
        return _profile(row) if row is not None else None

    async def _row(self, name: str) -> Team | None:
        return await self._session.scalar(select(Team).options(selectinload(Team.members)).where(Team.name == name))


def _profile(row: Team) -> TeamProfile:
    members = tuple(Member(m.telegram_user_id, m.name, m.role) for m in sorted(row.members, key=lambda m: m.id))
    return TeamProfile(row.name, row.chat_id, row.thread_id, row.timezone, row.work_hours, row.work_days,
                       row.target_hours, row.lead_user_id, row.language, row.webhook_url, members)
