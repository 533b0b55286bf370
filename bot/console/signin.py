"""Signing in and out of the console: passwords (throttled, checked off the event loop),
one-time links (confirmed by a POST, used once), and signing out everywhere at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.console.access import GuardedRoute, open_page
from bot.console.sessions import start_session, trainer_of
from bot.console.throttle import SignInRefused, SignInThrottle
from bot.console.web import render
from bot.policy.passwords import DECOY_HASH, verify_password
from bot.storage.database import Database
from bot.storage.trainers import TrainerAccount, TrainerRepository

logger = logging.getLogger(__name__)
PasswordCheck = Callable[[str, str], bool]
"""``(password, stored hash) -> right?``; blocking CPU work, run on a worker thread."""
FORM_EXPIRED = "The form expired; please try again."
LINK_SPENT = "That sign-in link was used already or has expired. Ask for a new one: candor trainers login-link."


class SignInPages:
    def __init__(self, database: Database, now: Callable[[], dt.datetime],
                 verify: PasswordCheck = verify_password) -> None:
        self._database = database
        self._now = now
        self._verify = verify
        self._throttle = SignInThrottle(now)

    def routes(self) -> list[GuardedRoute]:
        return [
            open_page("/login", self.login, methods=["POST"], refused=_login_again),
            open_page("/login/link/{token}", self.link),
            open_page("/login/link/{token}", self.use_link, methods=["POST"], refused=_confirm_again),
            open_page("/logout", self.logout, methods=["POST"], refused=_home),
        ]

    async def login(self, request: Request) -> Response:
        form = await request.form()
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        try:
            with self._throttle.attempt(username, request.client.host if request.client else "") as attempt:
                account = await self._checked(username, password)
                attempt.succeeded = account is not None
        except SignInRefused as refused:
            logger.info("console sign-in refused: too many attempts")
            response = render(request, "login.html", {"error": str(refused)}, status=429)
            response.headers["Retry-After"] = str(refused.seconds)
            return response
        if account is None:
            logger.info("console sign-in refused")
            return render(request, "login.html", {"error": "That username and password do not match."}, status=401)
        logger.info("console sign-in")
        return start_session(request, account)

    async def link(self, request: Request) -> Response:
        """Only ask: link previews and scanners open links too, and must not use them up."""
        return render(request, "login_link.html", {"error": ""})

    async def use_link(self, request: Request) -> Response:
        async with self._database.session() as session:
            account = await TrainerRepository(session).use_login_token(str(request.path_params["token"]), self._now())
        if account is None:
            return render(request, "login.html", {"error": LINK_SPENT}, status=401)
        logger.info("console sign-in by link")
        return start_session(request, account)

    async def logout(self, request: Request) -> Response:
        """Signing out ends this trainer's sessions everywhere, not just in this browser."""
        trainer = trainer_of(request)
        if trainer is not None:
            async with self._database.session() as session:
                await TrainerRepository(session).end_sessions(trainer)
        request.session.clear()
        return _home(request)

    async def _checked(self, username: str, password: str) -> TrainerAccount | None:
        """The trainer when the password is right; None otherwise (no hint which part was wrong).

        The database session ends before the check (on SQLite it holds the process's one writer
        slot), and the check runs on a worker thread: scrypt is tens of milliseconds of CPU, and
        on the event loop each guess would hold up every other trainer's page.
        """
        async with self._database.session() as session:
            account = await TrainerRepository(session).account(username)
        has_password = account is not None and bool(account.password_hash)
        stored = account.password_hash if account is not None and has_password else DECOY_HASH
        right = await asyncio.to_thread(self._verify, password, stored)
        return account if right and has_password else None


def _login_again(request: Request) -> Response:
    return render(request, "login.html", {"error": FORM_EXPIRED}, status=400)


def _confirm_again(request: Request) -> Response:
    """The link's own page again, so the trainer can confirm it with a fresh form."""
    return render(request, "login_link.html", {"error": FORM_EXPIRED}, status=400)


def _home(request: Request) -> Response:
    """Where signing out ends; a sign-out without the session's token goes there too, changing nothing."""
    return RedirectResponse("/", status_code=303)
