"""The desk board in the agents' group's General topic: posted once, pinned, then edited in place.

A new post only when there is none yet or the old one is gone (an admin deleted it): a board
re-posted every minute would bury the General topic and ring everyone's phone.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.channels.delivery import TEXT_LIMIT, ChannelClosing
from bot.channels.group_pacer import NORMAL, GroupPacer
from bot.service.desk_queue import DeskQueue

logger = logging.getLogger(__name__)
GONE = ("message to edit not found", "message_id_invalid", "message can't be edited")


class DeskBoardPost:
    def __init__(self, chat_id: int, pacer: GroupPacer, queue: DeskQueue) -> None:
        self._chat_id = chat_id
        self._pacer = pacer
        self._queue = queue

    async def refresh(self, bot: Bot) -> bool:
        """Show the desk as it stands; True when the board was posted or edited (False: nothing changed)."""
        async with self._queue.holding_board():  # two refreshes at once must not post two boards
            text = (await self._queue.board_text())[:TEXT_LIMIT]
            message_id, shown = await self._queue.board_shown(self._chat_id)
            if message_id is not None and shown == text:
                return False
            try:
                if message_id is not None and await self._edited(bot, message_id, text):
                    await self._queue.board_posted(self._chat_id, message_id, text)
                    return True
                await self._pacer.wait(NORMAL)
                sent = await bot.send_message(self._chat_id, text, disable_notification=True)
            except ChannelClosing:
                return False
            except TelegramError as error:
                logger.warning("the desk board could not be shown (%s: %s)", type(error).__name__, error.message)
                return False
            await self._queue.board_posted(self._chat_id, sent.message_id, text)
            await self._pin(bot, sent.message_id)
            return True

    async def _pin(self, bot: Bot, message_id: int) -> None:
        """Pinned so anyone finds it; a group that forbids the bot to pin still gets the board, edited in place."""
        try:
            await bot.pin_chat_message(self._chat_id, message_id, disable_notification=True)
        except TelegramError as error:
            logger.warning("the desk board could not be pinned (is the bot allowed to pin messages?): %s",
                           error.message)
            return
        logger.info("desk board posted and pinned")

    async def _edited(self, bot: Bot, message_id: int, text: str) -> bool:
        """Edit the board in place; False when its post is gone and a new one is needed."""
        await self._pacer.wait(NORMAL)
        try:
            await bot.edit_message_text(text, self._chat_id, message_id)
        except BadRequest as error:
            reason = error.message.lower()
            if "not modified" in reason:
                return True
            if any(gone in reason for gone in GONE):
                logger.info("the desk board's post is gone; posting a new one")
                return False
            raise
        return True
