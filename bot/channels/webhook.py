"""Webhook mode: Telegram posts each update to ``/``; it is processed before the reply is sent.

The ``X-Telegram-Bot-Api-Secret-Token`` header must match CANDOR_WEBHOOK_SECRET, or the request
is refused (401) and nothing is processed. Each update_id is claimed once in the database, so a
retry from Telegram is answered 200 without handling the update a second time. The update is
handled before the 200 goes back: if the process dies first, Telegram sends it again.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.runtime import CandorRuntime
from bot.storage.database import Database
from bot.storage.updates import UpdateLedger

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000


def build_webhook_app(application: Application, secret: str, database: Database) -> Starlette:  # type: ignore[type-arg]
    async def receive(request: Request) -> Response:
        sent = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(sent.encode(), secret.encode()):
            logger.warning("webhook request refused: missing or wrong secret token")
            return PlainTextResponse("unauthorized", status_code=401)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return PlainTextResponse("update too large", status_code=413)
        try:
            data = json.loads(body)
            update_id = int(data["update_id"])
        except (ValueError, TypeError, KeyError):
            return PlainTextResponse("not a Telegram update", status_code=400)
        async with database.session() as session:
            first_time = await UpdateLedger(session).claim(update_id)
        if not first_time:
            logger.info("update %d seen before; not handled again", update_id)
            return PlainTextResponse("ok")
        try:
            await application.process_update(Update.de_json(data, application.bot))
        except Exception:  # let Telegram retry this update: release the claim, answer 500
            logger.exception("update %d could not be handled; Telegram will send it again", update_id)
            async with database.session() as session:
                await UpdateLedger(session).release(update_id)
            return PlainTextResponse("retry", status_code=500)
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/", receive, methods=["POST"])])


async def serve_webhook(settings: Settings, listen: str, port: int, stop: asyncio.Event,
                        webhook_url: str | None = None) -> None:
    """Handle updates posted to http://LISTEN:PORT/ until ``stop`` is set."""
    from bot.channels.telegram import _initialise, build_application

    if settings.webhook_secret is None:
        raise ValueError("webhook mode needs CANDOR_WEBHOOK_SECRET (the secret_token given to setWebhook)")
    secret = settings.webhook_secret.get_secret_value()
    runtime = await CandorRuntime.start(settings)
    try:
        application = build_application(settings, runtime, polling=False)
        await _initialise(application, settings)
        async with application:
            await application.start()
            await runtime.service.schedule_open_promises()
            if webhook_url:
                await application.bot.set_webhook(webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
            server = uvicorn.Server(uvicorn.Config(build_webhook_app(application, secret, runtime.database),
                                                   host=listen, port=port, log_level="warning", access_log=False,
                                                   lifespan="off", server_header=False))
            task = asyncio.create_task(server.serve())
            logger.info("webhook listening on %s:%d", listen, port)
            await stop.wait()
            server.should_exit = True
            await task
            await application.stop()
    finally:
        await runtime.close()
