"""The one way a ``Reply`` reaches a customer on Telegram: words, buttons and copied media.

Customers' replies, promise follow-ups, the webhook's "please wait" and the agents' relay all send
through here, so a long text is split at Telegram's limit, buttons ride on the last part, and a
refusal becomes the delivery error the service understands, the same way everywhere.
"""

from __future__ import annotations

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.error import BadRequest

from bot.channels.delivery import TEXT_LIMIT, split_text, utf16_length
from bot.channels.refusals import refusals_translated
from bot.policy.model import Reply
from bot.service.customer import CustomerRef, Deliver

CAPTION_LIMIT = 1024
"""Telegram's limit on a photo's, voice note's or file's caption (UTF-16 code units)."""


class TelegramOutput:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, chat_id: int, reply: Reply) -> int | None:
        """Returns the id of the message the customer sees first for this reply (None for an edit).

        Raises ``CustomerUnreachable`` when the customer blocked the bot, ``DeliveryRefused`` for other
        refusals that trying again will not change (an edit of a message too old to edit among them)."""
        markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None
        if reply.buttons:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)
                                            for b in reply.buttons]])
        elif reply.contact_button:
            # Telegram shares only the customer's own number through this button, and hides it once used.
            markup = ReplyKeyboardMarkup([[KeyboardButton(reply.contact_button, request_contact=True)]],
                                         resize_keyboard=True, one_time_keyboard=True)
        elif reply.clear_keyboard:
            markup = ReplyKeyboardRemove()
        answering = (ReplyParameters(reply.reply_to, allow_sending_without_reply=True)
                     if reply.reply_to is not None else None)
        async with refusals_translated(to_customer=True):
            if reply.edit_of is not None:
                await self._edit(chat_id, reply.edit_of, reply.text, caption=reply.copy_from is not None)
                return None
            if reply.copy_from is not None and utf16_length(reply.text) <= CAPTION_LIMIT:
                copied = await self._bot.copy_message(chat_id, reply.copy_from[0], reply.copy_from[1],
                                                      caption=reply.text or None, reply_parameters=answering)
                return copied.message_id
            first: int | None = None
            parts = split_text(reply.text) if reply.text else []
            for number, part in enumerate(parts, start=1):
                sent = await self._bot.send_message(chat_id, part, reply_markup=markup if number == len(parts) else None,
                                                    reply_parameters=answering if number == 1 else None)
                first = sent.message_id if first is None else first
            if reply.copy_from is not None:
                copied = await self._bot.copy_message(chat_id, reply.copy_from[0], reply.copy_from[1])
                first = copied.message_id if first is None else first
            return first

    async def _edit(self, chat_id: int, message_id: int, text: str, caption: bool) -> None:
        """An unchanged text is no error: the customer already sees it."""
        try:
            if caption:
                await self._bot.edit_message_caption(chat_id, message_id, caption=text[:CAPTION_LIMIT])
            else:
                await self._bot.edit_message_text(text[:TEXT_LIMIT], chat_id, message_id)
        except BadRequest as error:
            if "not modified" not in error.message.lower():
                raise

    def to(self, chat_id: int) -> Deliver:
        """A sender bound to one chat, for a use case serving one customer."""
        async def deliver(reply: Reply) -> None:
            await self.send(chat_id, reply)
        return deliver

    async def to_customer(self, customer: CustomerRef, reply: Reply) -> None:
        """On Telegram a private chat's id is the customer's user id."""
        await self.send(int(customer.external_id), reply)

    async def to_external_id(self, channel: str, external_id: str, reply: Reply) -> int | None:
        return await self.send(int(external_id), reply)
