"""Telegram channel: translates updates into customer turns and replies into Bot API calls."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, replace
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.agents import AgentsChannel, TelegramWorkspace
from bot.channels.delivery import ChannelClosing, DeliveryRefused
from bot.channels.group_pacer import GroupPacer
from bot.channels.output import TelegramOutput
from bot.channels.teams import TeamsChannel, TelegramTeamBoard
from bot.channels.updates import CHANNEL, FailedUpdateDesk, UpdateFailures
from bot.config import Settings
from bot.policy.fairness import TYPING_AFTER_SECONDS, Arrivals, TypingBudget, may_fold
from bot.policy.model import CustomerTurn, TurnKind
from bot.runtime import CandorRuntime, keep_house
from bot.service.agent_workspace import AgentWorkspace, NullWorkspace
from bot.service.customer import CustomerRef
from bot.service.outage import StorageUnavailable, is_storage_outage
from bot.service.support import SupportService
from bot.service.team_board import TeamBoard
from nlu.errors import CandorError

logger = logging.getLogger(__name__)

NON_TEXT_CONTENT = (
    "sticker", "photo", "animation", "video", "video_note", "voice", "audio", "document",
    "location", "venue", "contact", "poll", "dice", "game", "story",
)
RATE_LIMIT_RETRIES = 3
RETRY_LATER_SECONDS = 30.0
RETRY_LATER_TIMES = 20
"""Long polling has already taken the update from Telegram: it is retried here, for ten minutes."""
HOUSEKEEPING_SECONDS = 6 * 3600.0


class MessageRateLimiter(AIORateLimiter):
    """PTB's rate limiter for everything the bot sends, except the typing indicator.

    Telegram's limits (about 30 messages a second overall, 20 a minute in a group) are about
    messages. Counted in the same budget, the "typing…" shown before each reply halved what a
    worker could answer (``candor bench e2e``: 15 messages a second instead of 30) and doubled
    the wait at 50 chats. So it goes out at once; it is only a courtesy, and a refused one is skipped.
    Its own budget is per chat instead (``TypingBudget``): a burst of messages shows "typing…" once
    every few seconds, not once per message.
    """

    async def process_request(
        self, callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]], args: Any,
        kwargs: dict[str, Any], endpoint: str, data: dict[str, Any], rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)


def is_transient(error: BaseException | None) -> bool:
    """Faults that pass on their own: handling the same update again later will work.

    ``BadRequest`` subclasses PTB's ``NetworkError`` but is Telegram's final word on a request:
    handling the update again would be refused the same way, forever.
    """
    if error is None or isinstance(error, (BadRequest, DeliveryRefused)):
        return False
    return isinstance(error, (StorageUnavailable, NetworkError, ChannelClosing)) or is_storage_outage(error)


class TelegramStartError(CandorError):
    """The bot could not start talking to the Bot API; the message says what to check."""


class TelegramChannel:
    """Handlers for customers' private chats; every update gets a polite answer."""

    def __init__(self, service: SupportService, desk: FailedUpdateDesk, failures: UpdateFailures | None = None) -> None:
        self._service = service
        self._failures = failures
        self._desk = desk
        self._retries: dict[int, int] = {}
        """Long polling: update_id → tries so far, for updates waiting to be handled again."""
        self._typing = TypingBudget()

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(TypeHandler(Update, self.refuse_someone_elses_chat), group=-1)
        private = filters.ChatType.PRIVATE
        application.add_handler(CommandHandler(["start", "help"], self.on_command, filters=private & filters.UpdateType.MESSAGE))
        application.add_handler(MessageHandler(private & filters.UpdateType.EDITED, self.on_edited))
        application.add_handler(MessageHandler(private & filters.COMMAND & filters.UpdateType.MESSAGE, self.on_command))
        application.add_handler(MessageHandler(private & filters.TEXT & filters.UpdateType.MESSAGE, self.on_text))
        application.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE, self.on_non_text))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_error_handler(self.on_error)

    async def refuse_someone_elses_chat(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A private chat is one person's: an update in it from anyone else is nobody's turn (forged or misrouted)."""
        chat, user = update.effective_chat, update.effective_user
        if chat is not None and user is not None and chat.type == "private" and chat.id != user.id:
            logger.warning("update %d refused: a private chat's update sent by someone other than its owner",
                           update.update_id)
            raise ApplicationHandlerStop

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a customer's text message."""
        message = _message(update)
        await self._turn(update, context, CustomerTurn(TurnKind.TEXT, text=message.text or ""), typing=True)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer /start, /help, and any command the bot does not know."""
        text = _message(update).text or ""
        command = text.split()[0].lstrip("/").split("@")[0].lower() if text.strip() else ""
        await self._turn(update, context, CustomerTurn(TurnKind.COMMAND, text=text, command=command))

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep the new version of an edited message and say so."""
        message = _message(update)
        text = message.text or message.caption or ""
        await self._turn(update, context, CustomerTurn(TurnKind.EDITED, text=text))

    async def on_non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep stickers, photos and the like, and ask for words."""
        message = _message(update)
        shared = message.contact
        if shared is not None and message.from_user is not None and shared.user_id == message.from_user.id:
            # The customer's own number, shared with the button: proof of an order with that phone.
            digits = "".join(ch for ch in shared.phone_number if ch.isdigit())
            await self._turn(update, context, CustomerTurn(TurnKind.SHARED_CONTACT, text=f"+{digits}"[:16]))
            return
        content = next((name for name in NON_TEXT_CONTENT if getattr(message, name, None)), "other")
        text = message.caption or (message.sticker.emoji or "" if message.sticker else "")
        await self._turn(update, context, CustomerTurn(TurnKind.NON_TEXT, text=text, content_type=content))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Take a 1–5 rating tap; any other or forged button data changes nothing and gets a polite note."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        if query.message is not None and query.message.chat.type == "private":
            await self._turn(update, context, CustomerTurn(TurnKind.BUTTON), button_data=(query.data or "")[:64])

    async def on_promise_check(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A promise is about to fall due: the service tells the customer if it is still open."""
        job = context.job
        if job is None or not isinstance(job.data, int):
            return

        await self._service.follow_up(job.data, TelegramOutput(context.bot).to_customer)

    def schedule_checks(self, application: Application) -> Callable[[int, dt.datetime], None]:  # type: ignore[type-arg]
        """A scheduler for the service: PTB's JobQueue runs each check; the database keeps them across restarts."""
        queue = application.job_queue
        if queue is None:
            raise RuntimeError("python-telegram-bot was installed without the job-queue extra; reinstall the project")

        def schedule(promise_id: int, at: dt.datetime) -> None:
            name = f"promise-{promise_id}"
            for job in queue.get_jobs_by_name(name):
                job.schedule_removal()
            delay = max(0.0, (at - dt.datetime.now(dt.UTC)).total_seconds())
            queue.run_once(self.on_promise_check, delay, data=promise_id, name=name)

        return schedule

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the fault; the update is handled again later, and the customer told the truth about it.

        In webhook mode the webhook answers Telegram by what failed (see ``bot.channels.webhook``).
        In long polling a retry job handles it again: for as long as a transient fault (the
        database down) lasts, a few times for an unexpected one before it is kept for the team.
        """
        error = context.error
        if not isinstance(update, Update) or error is None:
            logger.error("a job failed: %s", type(error).__name__, exc_info=error)
            return
        if is_transient(error):
            logger.warning("update %d hit a transient fault (%s); it will be handled again",
                           update.update_id, type(error).__name__)
        else:
            logger.error("update %d handling failed: %s", update.update_id, type(error).__name__, exc_info=error)
        if self._failures is not None:
            self._failures.record(update.update_id, error)
        elif is_transient(error) or not await self._given_up(update, error, context):
            self._retry_later(context, update)

    async def _given_up(self, update: Update, error: BaseException, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """Long polling: whether this was the update's last try; with the database down, it was not."""
        try:
            return await self._desk.failed(update, error, context.bot)
        except Exception as outage:
            if not is_storage_outage(outage):
                raise
            logger.warning("update %d: its failed try could not be counted (%s)", update.update_id,
                           type(outage).__name__)
            return False

    def _retry_later(self, context: ContextTypes.DEFAULT_TYPE, update: Update) -> None:
        attempt = self._retries.get(update.update_id, 0) + 1
        queue = context.application.job_queue
        if queue is None or attempt > RETRY_LATER_TIMES:
            self._retries.pop(update.update_id, None)
            logger.error("update %d given up after %d tries", update.update_id, attempt - 1)
            return
        self._retries[update.update_id] = attempt
        queue.run_once(self._on_retry, RETRY_LATER_SECONDS, data=update, name=f"retry-{update.update_id}")

    async def _on_retry(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle the update again through the same handlers; the service recognises what was already stored.

        A transient fault on this try comes back through ``on_error``, which schedules the next one.
        """
        job = context.job
        if job is None or not isinstance(job.data, Update):
            return
        update = job.data
        tries = self._retries.get(update.update_id)
        logger.info("update %d: try %d", update.update_id, (tries or 0) + 1)
        await context.application.process_update(update)
        if self._retries.get(update.update_id) == tries:  # no new fault: done
            self._retries.pop(update.update_id, None)

    async def _turn(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, turn: CustomerTurn, typing: bool = False,
        button_data: str = "",
    ) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        shown = asyncio.create_task(self._typing_if_slow(context, chat.id)) if typing else None
        customer = CustomerRef(CHANNEL, str(user.id), user.first_name or "")
        message_id = update.effective_message.message_id if update.effective_message else None
        replied = update.effective_message.reply_to_message if update.effective_message else None
        if replied is not None:
            turn = replace(turn, reply_to=replied.message_id)
        try:
            with arrival_of(update, self._service.arrivals):
                await self._service.handle(customer, turn, message_id,
                                           deliver=TelegramOutput(context.bot).to(chat.id), button_data=button_data)
        finally:
            if shown is not None:
                shown.cancel()

    async def _typing_if_slow(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        """Show "typing…" once the turn has taken TYPING_AFTER_SECONDS; a quicker reply cancels this first."""
        await asyncio.sleep(TYPING_AFTER_SECONDS)
        if self._typing.allow(chat_id):
            await _show_typing(context, chat_id)


def arrival_of(update: Update, arrivals: Arrivals) -> AbstractContextManager[object]:
    """Register a customer's plain text as arrived until it is handled, so a burst is answered once.

    The webhook registers it before the update waits for its chat's lock, long polling when the
    handler starts; whichever comes first counts (see bot/policy/fairness.py).
    """
    message, user, chat = update.message, update.effective_user, update.effective_chat
    text = message.text if message is not None and isinstance(message.text, str) else ""
    if message is None or user is None or chat is None or chat.type != "private" or not may_fold(text):
        return nullcontext()
    key = CustomerRef(CHANNEL, str(user.id)).key
    return nullcontext() if arrivals.current(key) is not None else arrivals.arriving(key, message.message_id)


def _message(update: Update) -> Message:
    message = update.effective_message
    if message is None:
        raise ValueError("handler registered for messages received an update without one")
    return message


async def _show_typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError:
        logger.debug("typing indicator failed", exc_info=True)


@dataclass(frozen=True)
class TelegramSide:
    """The PTB application before its handlers, and the agents' workspace the service is built with."""

    application: Application  # type: ignore[type-arg]  # PTB's generics
    workspace: AgentWorkspace
    pacer: GroupPacer
    board: TeamBoard


def open_telegram(settings: Settings, polling: bool = True) -> TelegramSide:
    """The Bot API client, the agents' group and the teams' chats, ready before the service exists, so the
    service gets its workspace and board at construction (a NullWorkspace when no agents' group is configured)."""
    application = _new_application(settings, polling)
    pacer = GroupPacer(settings.group_messages_per_minute)
    workspace: AgentWorkspace = (TelegramWorkspace(application.bot, settings.agents_chat_id, pacer)
                                 if settings.agents_chat_id is not None else NullWorkspace())
    shared = {settings.agents_chat_id: pacer} if settings.agents_chat_id is not None else {}
    board = TelegramTeamBoard(application.bot, settings.group_messages_per_minute, shared)
    return TelegramSide(application, workspace, pacer, board)


def _new_application(settings: Settings, polling: bool) -> Application:  # type: ignore[type-arg]  # PTB's generics
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set; the local chat runs without it")
    builder = Application.builder()
    if not polling:
        builder = builder.updater(None)
    application = (
        builder
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        # The agents' group is paced by the bot itself (GroupPacer: urgent posts first, waits outside locks).
        .rate_limiter(MessageRateLimiter(group_max_rate=0, max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(True)
        .build()
    )
    return application


def build_application(settings: Settings, runtime: CandorRuntime, side: TelegramSide,
                      failures: UpdateFailures | None = None) -> Application:  # type: ignore[type-arg]  # PTB's generics
    """The PTB application's handlers and jobs, wired to the runtime's service; polling and the webhook share it.

    The promise scheduler is attached here rather than at construction: its job calls back into the
    service that schedules it, so one of the two has to come second.
    """
    application = side.application
    channel = TelegramChannel(runtime.service, FailedUpdateDesk(runtime.database, runtime.pack), failures)
    channel.register(application)
    if settings.agents_chat_id is not None:
        agents = AgentsChannel(runtime.service.handoffs, settings.agents_chat_id, side.pacer)
        agents.register(application)
        agents.check_queue_every(application, settings.desk_check_seconds)
    teams = TeamsChannel(runtime.service)
    teams.register(application)
    teams.watch_every(application, settings.task_watch_seconds)
    runtime.service.attach_scheduler(channel.schedule_checks(application))
    _keep_house_every(application, runtime, settings.retention_days, HOUSEKEEPING_SECONDS)
    return application


def _keep_house_every(application: Application, runtime: CandorRuntime,  # type: ignore[type-arg]
                      retention_days: int | None, seconds: float) -> None:
    """A worker may run for weeks: handled-update ids and old conversations are pruned while it runs too."""
    async def keep(context: ContextTypes.DEFAULT_TYPE) -> None:
        await keep_house(runtime.database, retention_days)

    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra; reinstall the project")
    application.job_queue.run_repeating(keep, interval=seconds, first=seconds, name="housekeeping")


async def serve_telegram(settings: Settings, stop: asyncio.Event | None = None, poll_timeout: int = 10) -> None:
    """Run long polling until ``stop`` is set (or SIGINT/SIGTERM), then shut down cleanly."""
    stop = stop or stop_on_signals()
    side = open_telegram(settings)
    runtime = await CandorRuntime.start(settings, side.workspace, side.board)
    try:
        application = build_application(settings, runtime, side)
        async with running(application, runtime, settings):
            logger.info("telegram bot @%s polling %s", application.bot.username, settings.telegram_api_base_url)
            assert application.updater is not None
            await application.updater.start_polling(timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
            await stop.wait()
            await application.updater.stop()
    finally:
        await runtime.close()


@asynccontextmanager
async def running(application: Application, runtime: CandorRuntime,  # type: ignore[type-arg]  # PTB's generics
                  settings: Settings) -> AsyncIterator[None]:
    """Start-up and shutdown shared by long polling and the webhook, in the order both need.

    Up: check the token, start the application and its job queue, then schedule every open promise
    from the database. Down (after the caller stopped taking updates): let the handoff desk finish or
    give up its background posts, then stop the application.
    """
    await _initialise(application, settings)
    async with application:
        await application.start()
        restored = await runtime.service.schedule_open_promises()
        logger.info("promise checks scheduled from the database: %d", restored)
        try:
            yield
        finally:
            await runtime.service.handoffs.close()
            await runtime.service.tasks.close()
            await application.stop()


async def _initialise(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Check the token and the server once (getMe), turning failures into advice."""
    try:
        await application.initialize()
    except InvalidToken:
        # PTB's own message repeats the token, so it is not passed on.
        raise TelegramStartError(
            f"The Bot API at {settings.telegram_api_base_url} rejected TELEGRAM_BOT_TOKEN (401 Unauthorized). "
            "Check the token with @BotFather; if you use a self-hosted Bot API server, check TELEGRAM_API_BASE_URL."
        ) from None
    except NetworkError as error:
        raise TelegramStartError(
            f"Could not reach the Bot API at {settings.telegram_api_base_url} ({error.message}). "
            "Check the network and TELEGRAM_API_BASE_URL."
        ) from None


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop
