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
)

from bot.channels.delivery import split_text
from bot.channels.refusals import refusals_translated
from bot.policy.model import Reply
from bot.service.customer import CustomerRef, Deliver


class TelegramOutput:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, chat_id: int, reply: Reply) -> None:
        """Raises ``CustomerUnreachable`` when the customer blocked the bot, ``DeliveryRefused`` for other
        refusals that trying again will not change."""
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
        parts = split_text(reply.text) if reply.text else []
        async with refusals_translated(to_customer=True):
            for number, part in enumerate(parts, start=1):
                await self._bot.send_message(chat_id, part, reply_markup=markup if number == len(parts) else None)
            if reply.copy_from is not None:
                await self._bot.copy_message(chat_id, reply.copy_from[0], reply.copy_from[1])

    def to(self, chat_id: int) -> Deliver:
        """A sender bound to one chat, for a use case serving one customer."""
        async def deliver(reply: Reply) -> None:
            await self.send(chat_id, reply)
        return deliver

    async def to_customer(self, customer: CustomerRef, reply: Reply) -> None:
        """On Telegram a private chat's id is the customer's user id."""
        await self.send(int(customer.external_id), reply)

    async def to_external_id(self, channel: str, external_id: str, reply: Reply) -> None:
        await self.send(int(external_id), reply)
