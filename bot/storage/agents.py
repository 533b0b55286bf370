"""Repository for the agents' registry."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Agent


class AgentRegistryError(RuntimeError):
    """An agent cannot be added or removed as asked; the message says why."""


@dataclass(frozen=True)
class AgentProfile:
    telegram_user_id: int
    name: str
    role: str
    languages: tuple[str, ...]
    active: bool


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
        self._session.add(
            Agent(
                telegram_user_id=profile.telegram_user_id, name=profile.name, role=profile.role,
                languages=",".join(profile.languages), active=profile.active,
            )
        )
        await self._session.flush()
        return profile

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
    return AgentProfile(row.telegram_user_id, row.name, row.role, languages, row.active)
