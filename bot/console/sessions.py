"""Console sessions that can be ended: the cookie names the trainer and their session version.

The cookie is signed (Starlette's ``SessionMiddleware``) but cannot be recalled once sent, so
every request checks it against the database: a removed trainer, or one whose session version
was raised by signing out, is treated as signed out, on every device at once.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.storage.database import Database
from bot.storage.trainers import TrainerAccount, TrainerRepository

SIGNED_IN = "candor.trainer"
"""The ASGI scope key holding the signed-in trainer's username (or None) for the pages."""


class TrainerSessions:
    """Middleware (inside the session middleware): resolves the cookie's trainer once per request."""

    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self._database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[SIGNED_IN] = await self._current_trainer(scope["session"])
        await self.app(scope, receive, send)

    async def _current_trainer(self, session: dict[str, Any]) -> str | None:
        username = session.get("trainer")
        if not username:
            return None
        async with self._database.session() as db:
            account = await TrainerRepository(db).account(str(username))
        if account is None or account.session_version != session.get("version"):
            session.clear()
            return None
        return account.username


def start_session(request: Request, account: TrainerAccount) -> Response:
    """A fresh session (and CSRF token) at sign-in, so a token seen before it is worthless after."""
    request.session.clear()
    request.session.update({"trainer": account.username, "version": account.session_version,
                            "csrf": secrets.token_urlsafe(24)})
    return RedirectResponse("/", status_code=303)
