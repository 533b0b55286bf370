"""Console sessions that can be ended: the cookie names the trainer and their session version.

The cookie is signed (Starlette's ``SessionMiddleware``) but cannot be recalled once sent, so
every request checks it against the database (Starlette's ``AuthenticationMiddleware`` with the
backend below): a removed trainer, or one whose session version was raised by signing out, is
treated as signed out, on every device at once. Pages read the result as ``request.user``.
"""

from __future__ import annotations

import secrets

from starlette.authentication import AuthCredentials, AuthenticationBackend, BaseUser, SimpleUser
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response

from bot.storage.database import Database
from bot.storage.trainers import TrainerAccount, TrainerRepository


class Trainer(SimpleUser):
    """A trainer whose session was checked against the database for this request."""


class TrainerSessions(AuthenticationBackend):
    """Resolves the cookie's trainer once per request (the session middleware must run first)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        username = conn.session.get("trainer")
        if not username:
            return None
        async with self._database.session() as db:
            account = await TrainerRepository(db).account(str(username))
        if account is None or account.session_version != conn.session.get("version"):
            conn.session.clear()
            return None
        return AuthCredentials(["trainer"]), Trainer(account.username)


def trainer_of(conn: HTTPConnection) -> str | None:
    """The signed-in trainer's username for this request, or None when signed out."""
    user = conn.user
    return user.username if isinstance(user, Trainer) else None


def start_session(request: Request, account: TrainerAccount) -> Response:
    """A fresh session (and CSRF token) at sign-in, so a token seen before it is worthless after."""
    request.session.clear()
    request.session.update({"trainer": account.username, "version": account.session_version,
                            "csrf": secrets.token_urlsafe(24)})
    return RedirectResponse("/", status_code=303)
