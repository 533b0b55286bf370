"""Repository for the agents' registry."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.assignment import AgentLoad, AgentProfile, ScheduleError, profile_problem
from bot.policy.handoff_status import HandoffStatus
from bot.storage.models import Agent, Handoff, as_utc
from nlu.errors import CandorError

logger = logging.getLogger(__name__)


class AgentRegistryError(CandorError):
    """An agent cannot be added or removed as asked; the message says why."""


class AgentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, profile: AgentProfile) -> AgentProfile:
        existing = await self._session.scalar(select(Agent).where(Agent.telegram_user_id == profile.telegram_user_id))
        if existing is not None:
            raise AgentRegistryError(
                f"An agent with Telegram user id {profile.telegram_user_id} is already registered "
                f"({existing.name}). Remove them first to change their details."
            )
        problem = profile_problem(profile)
        if problem is not None:
            raise AgentRegistryError(f"{problem}.")
        self._session.add(
            Agent(
                telegram_user_id=profile.telegram_user_id, name=profile.name, role=profile.role,
                languages=",".join(profile.languages), active=profile.active, timezone=profile.timezone,
                work_hours=profile.work_hours, work_days=profile.work_days, skills=",".join(profile.skills),
                max_chats=profile.max_chats, away=profile.away, is_lead=profile.is_lead,
            )
        )
        await self._session.flush()
        return profile

    async def get(self, telegram_user_id: int) -> AgentProfile | None:
        row = await self._session.scalar(select(Agent).where(Agent.telegram_user_id == telegram_user_id))
        return _profile(row) if row is not None else None

    async def loads(self, now: dt.datetime) -> list[AgentLoad]:
        """Every active agent with how many handed-off conversations they hold now."""
        counts = dict((await self._session.execute(
            select(Handoff.agent_user_id, func.count()).where(Handoff.status == HandoffStatus.ACTIVE).group_by(Handoff.agent_user_id)
        )).all())
        rows = await self._session.scalars(select(Agent).where(Agent.active.is_(True)).order_by(Agent.id))
        loads = []
        for row in rows:
            profile = _profile(row)
            try:
                shift = profile.shift()
            except ScheduleError:
                logger.warning("agent %d has unreadable working hours; skipped for handoffs", row.telegram_user_id)
                continue
            loads.append(AgentLoad(profile.telegram_user_id, profile.name, profile.role, profile.languages,
                                   profile.skills, shift, profile.max_chats, int(counts.get(row.telegram_user_id, 0)),
                                   as_utc(row.last_assigned_at) if row.last_assigned_at else None, profile.away))
        return loads

    async def mark_assigned(self, telegram_user_id: int, when: dt.datetime) -> None:
        row = await self._session.scalar(select(Agent).where(Agent.telegram_user_id == telegram_user_id))
        if row is not None:
            row.last_assigned_at = when

    async def list(self) -> list[AgentProfile]:
        rows = await self._session.scalars(select(Agent).order_by(Agent.name, Agent.telegram_user_id))
        return [_profile(row) for row in rows]

    async def remove(self, telegram_user_id: int) -> AgentProfile:
        row = await self._session.scalar(select(Agent).where(Agent.telegram_user_id == telegram_user_id))
        if row is None:
            raise AgentRegistryError(f"No agent with Telegram user id {telegram_user_id} is registered.")
        profile = _profile(row)
        await self._session.delete(row)
        return profile


def _profile(row: Agent) -> AgentProfile:
    languages = tuple(code for code in row.languages.split(",") if code)
    skills = tuple(skill for skill in (row.skills or "").split(",") if skill)
    return AgentProfile(row.telegram_user_id, row.name, row.role, languages, row.active, row.timezone,
                        row.work_hours, row.work_days, skills, row.max_chats, bool(row.away), bool(row.is_lead))
