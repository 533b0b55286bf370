"""The trainers' console: a small ASGI app with server-rendered pages.

Signed out, every page is the sign-in page. Signed in, trainers see the review queue (messages
the bot failed to handle first), open a conversation with its emotion timeline, and correct a
message's labels. Every form carries a CSRF token bound to the session; sessions live in a signed,
HTTP-only, SameSite=Strict cookie, Secure unless started for plain-http local use, and checked
against the database on every request (``sessions.py``); which page needs a signed-in trainer, and
that every form carries the token, is decided for all routes in ``access.py``; signing in and out
is ``signin.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.middleware.sessions import SessionMiddleware

from bot.console.access import guarded_only
from bot.console.assets import asset_routes
from bot.console.conversation_pages import ConversationPages
from bot.console.conversation_tests import ConversationTestPages
from bot.console.draft_pages import DraftPages
from bot.console.knowledge_pages import KnowledgePages
from bot.console.model_pages import ModelPages
from bot.console.queue_pages import QueuePages
from bot.console.sessions import TrainerSessions
from bot.console.signin import PasswordCheck, SignInPages
from bot.console.topic_pages import TopicPages
from bot.console.unmatched_pages import UnmatchedPages
from bot.console.week_pages import WeekPages
from bot.policy.passwords import verify_password
from bot.service.scripted import DEFAULT_SCRIPTS_DIR
from bot.storage.database import Database
from bot.storage.models import utc_now
from knowledge.pack import CONTENT_DIR
from nlu.training.dataset import default_data_dir

SESSION_HOURS = 12


def build_console(database: Database, secret: str, now: Callable[[], dt.datetime] = utc_now,
                  content_dir: Path = CONTENT_DIR, models_dir: Path = Path("var/models"),
                  data_dir: Path | None = None, dev_limit: int | None = None, secure_cookie: bool = True,
                  verify: PasswordCheck = verify_password, scripts_dir: Path = DEFAULT_SCRIPTS_DIR) -> Starlette:
    """The console app. ``secure_cookie=False`` only for plain-http local use (``--insecure-cookie``)."""
    queue = QueuePages(database, now)
    week = WeekPages(database, now)
    sign_in = SignInPages(database, now, verify)
    knowledge = KnowledgePages(database, content_dir, now)
    drafts = DraftPages(database, content_dir, now)
    models = ModelPages(database, models_dir, data_dir or default_data_dir(), dev_limit)
    conversation_tests = ConversationTestPages(scripts_dir, content_dir)
    routes = [
        *queue.routes(),
        *sign_in.routes(),
        *ConversationPages(database, now).routes(),
        *asset_routes(),
        *week.routes(),
        *drafts.routes(),
        *UnmatchedPages(database, content_dir).routes(),
        *TopicPages(database, content_dir).routes(),
        *knowledge.routes(),
        *models.routes(),
        *conversation_tests.routes(),
    ]
    middleware = [Middleware(SessionMiddleware, secret_key=secret, session_cookie="candor_console",
                             max_age=SESSION_HOURS * 3600, same_site="strict", https_only=secure_cookie),
                  Middleware(AuthenticationMiddleware, backend=TrainerSessions(database))]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        """Work the console runs in the background ends with it, recorded as ended (a comparison: interrupted)."""
        await models.opened()
        try:
            yield
        finally:
            await models.closing()

    return Starlette(routes=guarded_only(routes), middleware=middleware, lifespan=lifespan)
