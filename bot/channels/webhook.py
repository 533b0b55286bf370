"""Webhook mode: Telegram posts each update to ``/``; the 200 goes back only once it is handled.

The ``X-Telegram-Bot-Api-Secret-Token`` header must match CANDOR_WEBHOOK_SECRET, or the request
is refused (401) and nothing is processed. Any number of workers may share one PostgreSQL
database: each update is handled under its chat's lock (an advisory lock, held across
processes), and the ledger of handled update_ids is checked and written under that lock. A
retry of a handled update gets 200 without being handled again; an update whose handling hit a
transient fault (the database down) gets 503, and Telegram sends it again; one that hit an
unexpected fault gets 500 a few times, then is kept as failed for the team and acknowledged
(see ``bot.channels.updates``). If a worker dies mid-update, nothing was acknowledged: Telegram
sends it again, and the service recognises a message it already stored and answered (see
``SupportService._replay``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from contextlib import nullcontext
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.channels.delivery import DeliveryRefused
from bot.channels.helpdesk_inbound import helpdesk_routes
from bot.channels.output import TelegramOutput
from bot.channels.telegram import arrival_of, is_transient
from bot.channels.updates import CHANNEL, FailedUpdateDesk, UpdateFailures, chat_key
from bot.channels.webhook_server import MAX_UPDATE_BYTES, WebhookLimits, guarded_server
from bot.config import ConfigError, Settings
from bot.policy.fairness import is_crisis
from bot.policy.tasks import TaskAction
from bot.policy.teams import TeamProfile
from bot.runtime import CandorRuntime
from bot.service.customer import CustomerRef
from bot.service.handoff_contact import SendToCustomer
from bot.service.helpdesk import TaskActions
from bot.service.outage import StorageUnavailable, with_storage_retries
from bot.service.support import SupportService
from bot.service.task_desk import TaskDesk
from bot.storage.chat_locks import ChatLocks
from bot.storage.database import Database, urgent_work
from bot.storage.updates import UpdateLedger

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def tell_to_wait(application: Application, service: SupportService, update: Update) -> None:  # type: ignore[type-arg]
    """A customer whose message cannot even be looked at yet still hears from us (once per outage)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or chat.type != "private":
        return

    text = (message.text or message.caption or "") if message is not None else ""
    try:
        await service.ask_to_wait(CustomerRef(CHANNEL, str(user.id), user.first_name or ""), text,
                                  TelegramOutput(application.bot).to(chat.id))
    except (TelegramError, DeliveryRefused):
        logger.warning("could not tell the customer to wait either", exc_info=True)


MAX_UPDATE_ID = 2**63 - 1


def parse_update(body: bytes, application: Application) -> tuple[dict[str, Any], int, Update]:  # type: ignore[type-arg]
    """The update in a request body; raises on anything Telegram would never send.

    Strict UTF-8 first: ``json.loads`` on bytes lets an encoded surrogate through, which no
    database can store. Numbers too big, nesting too deep, dates past any calendar all raise
    here (OverflowError, RecursionError, OSError), before anything is stored.
    """
    data = json.loads(body.decode("utf-8"))
    if not isinstance(data, dict):
        raise TypeError("an update is a JSON object")
    update_id = data["update_id"]
    if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id <= MAX_UPDATE_ID:
        raise ValueError("update_id must be a whole number that fits in 64 bits")
    update = Update.de_json(data, application.bot)
    if update is None:
        raise ValueError("empty update")
    return data, update_id, update


def build_webhook_app(application: Application, secret: str, database: Database,  # type: ignore[type-arg]
                      locks: ChatLocks, failures: UpdateFailures, service: SupportService,
                      desk: FailedUpdateDesk, helpdesk: TaskActions | None = None) -> Starlette:
    """The worker's app: Telegram's updates at ``/``, and with ``helpdesk`` the helpdesks' task events too."""
    async def receive(request: Request) -> Response:
        sent = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(sent.encode(), secret.encode()):
            logger.warning("webhook request refused: missing or wrong secret token")
            return PlainTextResponse("unauthorized", status_code=401)
        body = await request.body()  # read within the limits already (see BodyGuard)
        try:
            data, update_id, update = parse_update(body, application)
        except Exception as error:  # noqa: BLE001  (whatever the body is, it can never be handled: refuse, never retry)
            logger.info("webhook body refused (%s): not a Telegram update", type(error).__name__)
            return PlainTextResponse("not a Telegram update", status_code=400)
        key = chat_key(data) or f"update:{update_id}"
        message = update.effective_message
        crisis = message is not None and is_crisis(message.text or message.caption or "")
        try:
            with urgent_work() if crisis else nullcontext(), arrival_of(update, service.arrivals):
                return await with_storage_retries(lambda: handle_once(update_id, update, key))
        except StorageUnavailable:
            logger.warning("update %d: the database stays unreachable; Telegram will send it again", update_id)
            await tell_to_wait(application, service, update)
            return PlainTextResponse("retry", status_code=503)

    async def handle_once(update_id: int, update: Update, key: str) -> Response:
        """Check the ledger, handle, mark handled: all under the chat's lock. Safe to run again."""
        async with locks.hold(key):
            async with database.session() as session:
                if await UpdateLedger(session).handled(update_id):
                    logger.info("update %d seen before; not handled again", update_id)
                    return PlainTextResponse("ok")
            await application.process_update(update)
            error = failures.take(update_id)
            if error is None:
                async with database.session() as session:
                    await UpdateLedger(session).mark_handled(update_id, key)
            elif is_transient(error):
                logger.warning("update %d not done (a transient fault); Telegram will send it again", update_id)
                return PlainTextResponse("retry", status_code=503)
            elif not await desk.failed(update, error, application.bot):
                logger.warning("update %d failed (%s); Telegram will send it again", update_id, type(error).__name__)
                return PlainTextResponse("failed; retry", status_code=500)
        return PlainTextResponse("ok")

    async def refuse_failures(request: Request, error: Exception) -> Response:
        """Anything that escaped (the ledger unreachable, say): not acknowledged, so Telegram retries."""
        logger.error("webhook request failed: %s", type(error).__name__, exc_info=error)
        return PlainTextResponse("retry", status_code=503)

    routes = [Route("/", receive, methods=["POST"])]
    if helpdesk is not None:
        routes += helpdesk_routes(database, helpdesk)
    return Starlette(routes=routes, exception_handlers={Exception: refuse_failures})


class HelpdeskActions:
    """The task desk as a helpdesk reaches it: the same actions as the card's buttons, told to the customer
    through this worker's Bot API client."""

    def __init__(self, desk: TaskDesk, send: SendToCustomer) -> None:
        self._desk = desk
        self._send = send

    async def act_for_helpdesk(self, team: TeamProfile, member_user_id: int, task_id: int, action: TaskAction,
                               words: str) -> str | None:
        return await self._desk.act_for_helpdesk(team, member_user_id, task_id, action, words, self._send)


async def serve_webhook(settings: Settings, listen: str, port: int, stop: asyncio.Event,
                        webhook_url: str | None = None) -> None:
    """Handle updates posted to http://LISTEN:PORT/ until ``stop`` is set."""
    from bot.channels.telegram import build_application, open_telegram, running

    if settings.webhook_secret is None:
        raise ConfigError("webhook mode needs CANDOR_WEBHOOK_SECRET (the secret_token given to setWebhook)")
    secret = settings.webhook_secret.get_secret_value()
    side = open_telegram(settings, polling=False)
    runtime = await CandorRuntime.start(settings, side.workspace, side.board)
    try:
        failures = UpdateFailures()
        application = build_application(settings, runtime, side, failures=failures)
        async with running(application, runtime, settings):
            if webhook_url:
                await application.bot.set_webhook(webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
            helpdesk = HelpdeskActions(runtime.service.tasks, TelegramOutput(application.bot).to_external_id)
            app = build_webhook_app(application, secret, runtime.database, runtime.chat_locks, failures,
                                    runtime.service, FailedUpdateDesk(runtime.database, runtime.pack), helpdesk)
            limits = WebhookLimits(settings.webhook_header_timeout, settings.webhook_body_timeout,
                                   settings.webhook_max_connections, MAX_UPDATE_BYTES)
            server = guarded_server(app, listen, port, limits)
            task = asyncio.create_task(server.serve())
            logger.info("webhook listening on %s:%d", listen, port)
            await stop.wait()
            server.should_exit = True
            await task
    finally:
        await runtime.close()
