"""Model comparisons and model changes, kept in the database.

A comparison's progress and result live in ``model_comparisons`` so a trainer can leave the page,
come back after a restart and reopen it; every promotion and rollback is a row of ``model_changes``
(who, when, from which model to which), so rolling back knows the previous model.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, Message, utc_now

RUNNING, DONE, FAILED, INTERRUPTED = "running", "done", "failed", "interrupted"
"""A comparison is *interrupted* when the console stopped while it ran: nothing was wrong with the models, and
the trainer can run it again."""


class ModelComparison(Base):
    __tablename__ = "model_comparisons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate: Mapped[str] = mapped_column(String(128))
    live: Mapped[str] = mapped_column(String(128))
    trainer: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=RUNNING, index=True)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)
    """``bot.policy.model_comparison.to_json`` of the result once done."""
    error: Mapped[str] = mapped_column(String(256), default="")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ModelChange(Base):
    """A promotion or rollback of the live model ("shipped" is the package's own model)."""

    __tablename__ = "model_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(16))  # promote | rollback
    previous: Mapped[str] = mapped_column(String(128))
    live: Mapped[str] = mapped_column(String(128))
    trainer: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class ComparisonRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def start(self, candidate: str, live: str, trainer: str) -> ModelComparison:
        comparison = ModelComparison(candidate=candidate, live=live, trainer=trainer, state=RUNNING)
        self._session.add(comparison)
        await self._session.flush()
        return comparison

    async def running(self) -> ModelComparison | None:
        return await self._session.scalar(select(ModelComparison).where(ModelComparison.state == RUNNING)
                                          .order_by(ModelComparison.id.desc()).limit(1))

    async def get(self, comparison_id: int) -> ModelComparison | None:
        return await self._session.get(ModelComparison, comparison_id)

    async def recent(self, limit: int = 10) -> list[ModelComparison]:
        return list(await self._session.scalars(select(ModelComparison).order_by(ModelComparison.id.desc())
                                                .limit(limit)))

    async def progress(self, comparison_id: int, done: int, total: int) -> None:
        await self._session.execute(update(ModelComparison).where(ModelComparison.id == comparison_id)
                                    .values(rows_done=done, rows_total=total))

    async def finish(self, comparison_id: int, result: str, now: dt.datetime) -> None:
        await self._session.execute(update(ModelComparison).where(ModelComparison.id == comparison_id)
                                    .values(state=DONE, result=result, finished_at=now))

    async def fail(self, comparison_id: int, error: str, now: dt.datetime) -> None:
        await self._session.execute(update(ModelComparison).where(ModelComparison.id == comparison_id)
                                    .values(state=FAILED, error=error[:256], finished_at=now))

    async def interrupt(self, comparison_id: int, reason: str, now: dt.datetime) -> None:
        await self._session.execute(update(ModelComparison).where(ModelComparison.id == comparison_id,
                                                                  ModelComparison.state == RUNNING)
                                    .values(state=INTERRUPTED, error=reason[:256], finished_at=now))

    async def record_change(self, action: str, previous: str, live: str, trainer: str) -> None:
        self._session.add(ModelChange(action=action, previous=previous, live=live, trainer=trainer))

    async def changes(self, limit: int = 10) -> list[ModelChange]:
        return list(await self._session.scalars(select(ModelChange).order_by(ModelChange.id.desc()).limit(limit)))

    async def past_customer_messages(self, limit: int) -> list[tuple[int, int, str, str]]:
        """The latest customer texts (id, conversation, language, text), newest first: the flips are looked for here."""
        rows = await self._session.execute(
            select(Message.id, Message.conversation_id, Message.language, Message.text)
            .where(Message.sender == "customer", Message.kind == "text", Message.text != "",
                   Message.language.is_not(None))
            .order_by(Message.id.desc()).limit(limit))
        return [(row.id, row.conversation_id, str(row.language), row.text) for row in rows]

    async def message_texts(self, ids: list[int]) -> dict[int, str]:
        """Texts are read when the page is shown, never copied into a result, so erasing a customer erases them."""
        if not ids:
            return {}
        rows = await self._session.execute(select(Message.id, Message.text).where(Message.id.in_(ids)))
        return {row.id: row.text for row in rows}
