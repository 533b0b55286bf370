"""The teams' side in Telegram: task cards with buttons in each team's chat or forum topic.

A tap on a card's button reaches the task desk, which checks the person is a member of the
task's team (the button says only which task and what to do). Done, Decline and Need info ask
for the member's next message; that message is consumed here, before the agents' handlers see
it. Posts wait for the group's message rate (shared with the agents' group when a team works
in one of its topics).
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update, User
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.delivery import utf16_length
from bot.channels.group_pacer import NORMAL, GroupPacer
from bot.channels.output import TelegramOutput
from bot.channels.refusals import refusals_translated
from bot.policy.task_card import Button
from bot.service.support import SupportService

logger = logging.getLogger(__name__)
TEAM_HANDLERS = -2
"""Before the customers' and agents' handlers: a member's note must not be relayed or answered as a chat."""
TAP_ANSWER_LIMIT = 200
GROUP_CHATS = ("group", "supergroup")
WATCH_SECONDS = 60.0
FIRST_WATCH_SECONDS = 2.0
"""Soon after a start: a card a stopped worker left behind goes out now, not a minute later."""


class TelegramTeamBoard:
    """Posts in teams' chats, each paced by Telegram's limit for messages into one group."""

    def __init__(self, bot: Bot, messages_per_minute: int, shared: dict[int, GroupPacer] | None = None) -> None:
        self._bot = bot
        self._per_minute = messages_per_minute
        self._pacers: dict[int, GroupPacer] = dict(shared or {})

    @property
    def reaches_teams(self) -> bool:
        return True

    def _pacer(self, chat_id: int) -> GroupPacer:
        if chat_id not in self._pacers:
            self._pacers[chat_id] = GroupPacer(self._per_minute)
        return self._pacers[chat_id]

    async def post_card(self, chat_id: int, thread_id: int | None, text: str, buttons: list[list[Button]]) -> int:
        await self._pacer(chat_id).wait(NORMAL)
        async with refusals_translated(to_customer=False):
            sent = await self._bot.send_message(chat_id, text[:4096], message_thread_id=thread_id,
                                                reply_markup=_keyboard(buttons))
        return sent.message_id

    async def edit_card(self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]]) -> None:
        await self._pacer(chat_id).wait(NORMAL)
        try:
            async with refusals_translated(to_customer=False):
                await self._bot.edit_message_text(text[:4096], chat_id=chat_id, message_id=message_id,
                                                  reply_markup=_keyboard(buttons) if buttons else None)
        except BadRequest as error:
            if "not modified" not in error.message:
                raise

    async def post(self, chat_id: int, thread_id: int | None, text: str,
                   mention: tuple[int, str] | None = None) -> None:
        await self._pacer(chat_id).wait(NORMAL)
        entities = None
        if mention is not None and text.startswith(mention[1]):
            user_id, name = mention
            entities = [MessageEntity(MessageEntity.TEXT_MENTION, 0, utf16_length(name),
                                      user=User(user_id, name, is_bot=False))]
        async with refusals_translated(to_customer=False):
            await self._bot.send_message(chat_id, text[:4096], message_thread_id=thread_id, entities=entities)

    async def quote(self, chat_id: int, thread_id: int | None, header: str, text: str) -> None:
        await self._pacer(chat_id).wait(NORMAL)
        body = f"{header}\n{text}"[:4096]
        start = utf16_length(header) + 1
        quoted = [MessageEntity(MessageEntity.BLOCKQUOTE, start, utf16_length(body) - start)]
        async with refusals_translated(to_customer=False):
            await self._bot.send_message(chat_id, body, message_thread_id=thread_id, entities=quoted)

    def stop_waiting(self) -> None:
        for pacer in self._pacers.values():
            pacer.close()


def _keyboard(buttons: list[list[Button]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in buttons])


class TeamsChannel:
    """Handlers for taps on task cards and members' notes, in any group the bot is in."""

    def __init__(self, service: SupportService) -> None:
        self._service = service

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(CallbackQueryHandler(self.on_tap, pattern=r"^task:"), group=TEAM_HANDLERS)
        # The chat's type is checked in the handler: a filter on it would fail on an update without a chat.
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self.on_words),
                                group=TEAM_HANDLERS)

    def watch_every(self, application: Application, seconds: float = WATCH_SECONDS) -> None:  # type: ignore[type-arg]
        if application.job_queue is None:
            raise RuntimeError("python-telegram-bot was installed without the job-queue extra; reinstall the project")
        application.job_queue.run_repeating(self.on_watch, interval=seconds, first=FIRST_WATCH_SECONDS,
                                            name="task-watch")

    async def on_watch(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._service.watch_tasks(TelegramOutput(context.bot).to_external_id)

    async def on_tap(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, user = update.callback_query, update.effective_user
        if query is None or user is None or not isinstance(query.data, str) or not query.data.startswith("task:"):
            return  # PTB lets a tap without data past the pattern: it is the customers' handler's to answer
        outcome = await self._service.tasks.tap(user.id, query.data or "", TelegramOutput(context.bot).to_external_id)
        try:
            await query.answer(outcome.answer[:TAP_ANSWER_LIMIT], show_alert=outcome.refused is not None)
        except TelegramError:
            logger.warning("a tap on a task card could not be answered", exc_info=True)
        message = query.message
        if outcome.prompt and message is not None:
            thread_id = getattr(message, "message_thread_id", None)
            await self._service.tasks.cards.board.post(message.chat.id, thread_id, outcome.prompt)
        raise ApplicationHandlerStop

    async def on_words(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A member's note, reason or question after their tap; anything else passes on to the other handlers."""
        message, user = update.effective_message, update.effective_user
        chat = getattr(message, "chat", None)
        if (message is None or user is None or not isinstance(message.text, str) or message.text.startswith("/")
                or getattr(chat, "type", None) not in GROUP_CHATS):
            return
        if await self._service.tasks.words(user.id, message.chat_id, message.text,
                                           TelegramOutput(context.bot).to_external_id):
            raise ApplicationHandlerStop
