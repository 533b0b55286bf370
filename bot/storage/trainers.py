"""Repository for trainers, their sign-in links, transcripts for review and label corrections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.feelings_in_context import FeelingsInContext
from bot.policy.model import Case
from bot.policy.passwords import hash_password, new_token, token_hash
from bot.storage.conversations import case_from_text, in_context
from bot.storage.models import (
    ContentVersion,
    Correction,
    LoginToken,
    Message,
    Trainer,
)
from nlu.errors import CandorError
from nlu.types import SUPPORT_CLASSES

LINK_LIFETIME = dt.timedelta(minutes=30)


class TrainerError(CandorError):
    """A trainer cannot be added or signed in as asked; the message says why."""


@dataclass(frozen=True)
class TrainerAccount:
    """What signing in needs: the stored hash ("" for link-only trainers) and the current session version."""

    username: str
    password_hash: str
    session_version: int


@dataclass(frozen=True)
class ReviewMessage:
    id: int
    sender: str
    text: str
    move: str
    why: str
    scores: dict[str, float] | None
    labels: tuple[str, ...]
    corrected: tuple[str, ...] | None
    case: Case | None = None
    """For a bot reply: the case after that turn (topic, details, what the bot waits for)."""
    in_context: FeelingsInContext | None = None
    """For a customer message: its feelings read with the conversation so far, which the reply was decided on."""


@dataclass(frozen=True)
class CorrectedExample:
    message_id: int
    text: str
    labels: tuple[str, ...]


class TrainerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, username: str, password: str) -> None:
        name = username.strip().lower()
        if not name or len(name) > 64 or not name.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise TrainerError("a username is 1–64 letters, digits, dots, dashes or underscores")
        if await self._trainer(name) is not None:
            raise TrainerError(f"a trainer called {name} already exists")
        self._session.add(Trainer(username=name, password_hash=hash_password(password) if password else ""))

    async def usernames(self) -> list[str]:
        return list(await self._session.scalars(select(Trainer.username).order_by(Trainer.username)))

    async def account(self, username: str) -> TrainerAccount | None:
        trainer = await self._trainer(username)
        return None if trainer is None else _account_of(trainer)

    async def end_sessions(self, username: str) -> None:
        """Every console session of this trainer stops working at its next request."""
        await self._session.execute(
            update(Trainer).where(Trainer.username == username.strip().lower())
            .values(session_version=Trainer.session_version + 1).execution_options(synchronize_session=False)
        )

    async def remove(self, username: str) -> None:
        """The trainer can no longer sign in, and their open sessions end; their corrections stay, unattributed."""
        trainer = await self._trainer(username)
        if trainer is None:
            raise TrainerError(f"No trainer called {username.strip()[:64]}; see 'candor trainers list'")
        await self._session.execute(update(Correction).where(Correction.trainer_id == trainer.id)
                                    .values(trainer_id=None).execution_options(synchronize_session=False))
        await self._session.execute(delete(LoginToken).where(LoginToken.trainer_id == trainer.id))
        await self._session.delete(trainer)

    async def login_link_token(self, username: str, now: dt.datetime) -> str:
        trainer = await self._trainer(username)
        if trainer is None:
            raise TrainerError(f"no trainer called {username.strip()[:64]}; add one with 'candor trainers add'")
        token = new_token()
        self._session.add(LoginToken(trainer_id=trainer.id, token_hash=token_hash(token), expires_at=now + LINK_LIFETIME))
        return token

    async def use_login_token(self, token: str, now: dt.datetime) -> TrainerAccount | None:
        """Sign in once with a link's token: the trainer, or None if unknown, used or expired.

        One conditional UPDATE marks the link used, so of many simultaneous uses exactly one wins.
        """
        hashed = token_hash(token)
        used = cast("CursorResult[Any]", await self._session.execute(
            update(LoginToken)
            .where(LoginToken.token_hash == hashed, LoginToken.used_at.is_(None), LoginToken.expires_at > now)
            .values(used_at=now).execution_options(synchronize_session=False)
        ))
        if used.rowcount != 1:
            return None
        trainer = await self._session.scalar(
            select(Trainer).join(LoginToken, LoginToken.trainer_id == Trainer.id).where(LoginToken.token_hash == hashed)
        )
        return None if trainer is None else _account_of(trainer)

    async def transcript(self, conversation_id: int) -> list[ReviewMessage]:
        messages = (await self._session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
        )).all()
        corrected = await self._latest_corrections([m.id for m in messages])
        return [
            ReviewMessage(
                m.id, m.sender, m.text, m.move, m.why,
                {name: float(getattr(m, name)) for name in SUPPORT_CLASSES} if m.anger is not None else None,
                tuple(label for label in m.labels.split(",") if label), corrected.get(m.id),
                case_from_text(m.case_after), in_context(m),
            )
            for m in messages
        ]

    async def correct(self, message_id: int, username: str, labels: tuple[str, ...]) -> None:
        unknown = set(labels) - set(SUPPORT_CLASSES)
        if not labels or unknown:
            raise TrainerError(f"pick one or more of {', '.join(SUPPORT_CLASSES)}")
        message = await self._session.get(Message, message_id)
        if message is None or message.sender != "customer" or not message.text:
            raise TrainerError("only customers' text messages carry emotion labels")
        trainer = await self._trainer(username)
        if trainer is None:
            raise TrainerError("sign in again: your trainer account is gone")
        self._session.add(Correction(message_id=message_id, trainer_id=trainer.id,
                                     labels=",".join(name for name in SUPPORT_CLASSES if name in labels)))

    async def corrected_examples(self) -> list[CorrectedExample]:
        """Each corrected message once, with its latest correction: training data for the model."""
        rows = (await self._session.execute(
            select(Correction, Message.text).join(Message, Message.id == Correction.message_id).order_by(Correction.id)
        )).all()
        latest: dict[int, CorrectedExample] = {}
        for correction, text in rows:
            latest[correction.message_id] = CorrectedExample(correction.message_id, text,
                                                             tuple(correction.labels.split(",")))
        return list(latest.values())

    async def record_edit(self, language: str, file: str, path: str, old: str, new: str, trainer: str) -> None:
        self._session.add(ContentVersion(language=language, file=file, path=path, old_text=old, new_text=new,
                                         trainer=trainer))

    async def history(self, language: str, file: str, path: str) -> list[ContentVersion]:
        return list(await self._session.scalars(
            select(ContentVersion).where(ContentVersion.language == language, ContentVersion.file == file,
                                         ContentVersion.path == path).order_by(ContentVersion.id.desc())
        ))

    async def version(self, version_id: int) -> ContentVersion | None:
        return await self._session.get(ContentVersion, version_id)

    async def _trainer(self, username: str) -> Trainer | None:
        return await self._session.scalar(select(Trainer).where(Trainer.username == username.strip().lower()))

    async def _latest_corrections(self, message_ids: list[int]) -> dict[int, tuple[str, ...]]:
        if not message_ids:
            return {}
        rows = await self._session.scalars(
            select(Correction).where(Correction.message_id.in_(message_ids)).order_by(Correction.id)
        )
        return {row.message_id: tuple(row.labels.split(",")) for row in rows}


def _account_of(trainer: Trainer) -> TrainerAccount:
    return TrainerAccount(trainer.username, trainer.password_hash, trainer.session_version)

