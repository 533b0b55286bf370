"""The trainers' console: a small ASGI app with server-rendered pages.

Signed out, every page is the sign-in page. Signed in, trainers see the review queue, open a
conversation with its emotion timeline, and correct a message's labels. Every form carries a
CSRF token bound to the session; sessions live in a signed, HTTP-only, SameSite=Strict cookie.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from bot.console.charts import timeline_svg
from bot.storage.database import Database
from bot.storage.models import utc_now
from bot.storage.trainers import TrainerError, TrainerRepository
from nlu.types import SUPPORT_CLASSES

logger = logging.getLogger(__name__)
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
SESSION_HOURS = 12
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Console:
    def __init__(self, database: Database, now: Callable[[], dt.datetime] = utc_now) -> None:
        self._database = database
        self._now = now

    async def index(self, request: Request) -> Response:
        trainer = _trainer(request)
        if trainer is None:
            return self._page(request, "login.html", {"error": ""})
        async with self._database.session() as session:
            queue = await TrainerRepository(session).review_queue()
        return self._page(request, "queue.html", {"trainer": trainer, "queue": queue})

    async def login(self, request: Request) -> Response:
        form = await request.form()
        if not _csrf_ok(request, str(form.get("csrf", ""))):
            return self._page(request, "login.html", {"error": "The form expired; please try again."}, status=400)
        async with self._database.session() as session:
            username = await TrainerRepository(session).check_password(str(form.get("username", "")),
                                                                       str(form.get("password", "")))
        if username is None:
            logger.info("console sign-in refused")
            return self._page(request, "login.html", {"error": "That username and password do not match."}, status=401)
        return _signed_in(request, username)

    async def login_link(self, request: Request) -> Response:
        async with self._database.session() as session:
            username = await TrainerRepository(session).use_login_token(str(request.path_params["token"]), self._now())
        if username is None:
            return self._page(request, "login.html", {"error": "That sign-in link was used already or has expired. "
                                                               "Ask for a new one: candor trainers login-link."}, status=401)
        return _signed_in(request, username)

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        if _csrf_ok(request, str(form.get("csrf", ""))):
            request.session.clear()
        return RedirectResponse("/", status_code=303)

    async def conversation(self, request: Request) -> Response:
        trainer = _trainer(request)
        if trainer is None:
            return RedirectResponse("/", status_code=303)
        conversation_id = int(request.path_params["conversation_id"])
        async with self._database.session() as session:
            messages = await TrainerRepository(session).transcript(conversation_id)
        if not messages:
            return self._page(request, "missing.html", {"trainer": trainer}, status=404)
        scored = [m.scores for m in messages if m.scores is not None]
        return self._page(request, "conversation.html", {
            "trainer": trainer, "conversation_id": conversation_id, "messages": messages,
            "classes": SUPPORT_CLASSES, "chart": timeline_svg(scored),
            "notice": request.query_params.get("saved", ""),
        })

    async def correct(self, request: Request) -> Response:
        trainer = _trainer(request)
        form = await request.form()
        if trainer is None or not _csrf_ok(request, str(form.get("csrf", ""))):
            return PlainTextResponse("Sign in again: the form expired or was not sent from the console.", status_code=403)
        message_id = int(request.path_params["message_id"])
        labels = tuple(str(value) for value in form.getlist("labels"))
        conversation_id = str(form.get("conversation", ""))
        try:
            async with self._database.session() as session:
                await TrainerRepository(session).correct(message_id, trainer, labels)
        except TrainerError as error:
            return PlainTextResponse(f"Not saved: {error}.", status_code=400)
        logger.info("labels corrected message=%d", message_id)
        target = f"/conversations/{int(conversation_id)}?saved={message_id}" if conversation_id.isdigit() else "/"
        return RedirectResponse(target, status_code=303)

    def _page(self, request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
        response = TEMPLATES.TemplateResponse(request, template, {"csrf": _csrf_token(request), **context},
                                              status_code=status)
        response.headers.update(SECURITY_HEADERS)
        return response


def build_console(database: Database, secret: str, now: Callable[[], dt.datetime] = utc_now) -> Starlette:
    console = Console(database, now)
    routes = [
        Route("/", console.index, methods=["GET"]),
        Route("/login", console.login, methods=["POST"]),
        Route("/login/link/{token}", console.login_link, methods=["GET"]),
        Route("/logout", console.logout, methods=["POST"]),
        Route("/conversations/{conversation_id:int}", console.conversation, methods=["GET"]),
        Route("/messages/{message_id:int}/labels", console.correct, methods=["POST"]),
    ]
    middleware = [Middleware(SessionMiddleware, secret_key=secret, session_cookie="candor_console",
                             max_age=SESSION_HOURS * 3600, same_site="strict", https_only=False)]
    return Starlette(routes=routes, middleware=middleware)


def _trainer(request: Request) -> str | None:
    trainer = request.session.get("trainer")
    return str(trainer) if trainer else None


def _csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def _csrf_ok(request: Request, sent: str) -> bool:
    expected = request.session.get("csrf")
    return bool(expected) and hmac.compare_digest(str(expected), sent)


def _signed_in(request: Request, username: str) -> Response:
    """A fresh session (and CSRF token) at sign-in, so a token seen before it is worthless after."""
    request.session.clear()
    request.session["trainer"] = username
    request.session["csrf"] = secrets.token_urlsafe(24)
    logger.info("console sign-in")
    return RedirectResponse("/", status_code=303)
