"""Telegram updates before and after handling: whose chat each belongs to, and what became of failed ones.

An update whose handling hits a transient fault (the database down) is simply handled again
later. One that hits an unexpected fault (a bug) is tried again too, but only a few times,
counted in the database so every worker sees the same count; after the last try it is kept
as failed, with what the customer sent, for trainers to read in the console. The customer is
told the truth at each step, and once per step, not at every try.
"""

from __future__ import annotations

import logging

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.policy.language import language_of
from bot.service.customer import CustomerRef, storable
from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database
from bot.storage.updates import FailedUpdates, UpdateLedger
from knowledge import KnowledgePack

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TRIES = 5
"""Tries of an update that keeps failing unexpectedly before it is kept for the team instead."""


def chat_key(data: dict[str, object]) -> str | None:
    """The lock key of the chat an update belongs to; the same key the service locks a customer by.

    A private chat's id is the customer's user id, so a customer's updates and their promise
    checks queue behind one lock. Updates without a chat (unknown kinds) need no ordering.
    """
    for field in ("message", "edited_message", "callback_query", "channel_post", "edited_channel_post"):
        part = data.get(field)
        if not isinstance(part, dict):
            continue
        message = part.get("message") if field == "callback_query" else part
        chat = message.get("chat") if isinstance(message, dict) else None
        sender = part.get("from")
        if isinstance(sender, dict) and (not isinstance(chat, dict) or chat.get("type") == "private"):
            return CustomerRef(CHANNEL, str(sender.get("id"))).key
        if isinstance(chat, dict):
            topic = isinstance(message, dict) and message.get("is_topic_message") is True
            thread = message.get("message_thread_id") if topic and isinstance(message, dict) else None
            if isinstance(thread, int):
                return f"chat:{chat.get('id')}:topic:{thread}"  # the agents' topics do not wait on each other
            return f"chat:{chat.get('id')}"
    return None


class UpdateFailures:
    """What went wrong in the last handling of each update, until the webhook that asked takes it.

    PTB hands a handler's exception to the error handler, not to the caller of
    ``process_update``; the error handler records it here, and the webhook answers by it:
    200 when nothing went wrong, 503 or 500 so that Telegram sends the update again.
    """

    def __init__(self) -> None:
        self._errors: dict[int, BaseException] = {}

    def record(self, update_id: int, error: BaseException) -> None:
        self._errors[update_id] = error

    def take(self, update_id: int) -> BaseException | None:
        """What failed in the update's handling, if anything; forgets it, so the next delivery starts clean."""
        return self._errors.pop(update_id, None)


class FailedUpdateDesk:
    """Counts an update's unexpected failures and, at the last try, keeps it for the team."""

    def __init__(self, database: Database, pack: KnowledgePack, max_tries: int = MAX_TRIES) -> None:
        self._database = database
        self._pack = pack
        self._max_tries = max_tries

    async def failed(self, update: Update, error: BaseException, bot: Bot) -> bool:
        """Count one failed try; True when it was the last: the update is kept as failed and must not be tried again.

        Kept and marked handled in one transaction, so a worker that sees the update again
        acknowledges it. The customer hears at the first failure that we try again, and, only
        once their message is really kept, that a person will read it.
        """
        text = storable(customer_text(update))
        key = chat_key(update.to_dict()) or f"update:{update.update_id}"
        user = update.effective_user
        async with self._database.session() as session:
            stored_language = (await ConversationRepository(session).customer_language(CHANNEL, str(user.id))
                               if user is not None else None)
            failures = FailedUpdates(session)
            tries = await failures.count_try(update.update_id, key, type(error).__name__)
            given_up = tries >= self._max_tries
            if given_up:
                await failures.give_up(update.update_id, text)
                await UpdateLedger(session).mark_handled(update.update_id, key)
        if given_up:
            logger.error("update %d failed %d times (%s); kept for the team", update.update_id, tries,
                         type(error).__name__)
        if given_up or tries == 1:
            await self._tell(update, bot, language_of(stored_language, text), given_up)
        return given_up

    async def _tell(self, update: Update, bot: Bot, language: str, kept: bool) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type != "private":
            await _tell_agent(update, kept)
            return
        if chat is None:
            return
        wording = self._pack.wording_for(language)
        try:
            await bot.send_message(chat.id, wording.failure_kept if kept else wording.failure)
        except TelegramError:
            logger.warning("could not tell the customer that their message failed", exc_info=True)


async def _tell_agent(update: Update, kept: bool) -> None:
    """An agent's action failed: say so in the topic they wrote in, never in the group's General topic."""
    message = update.effective_message
    if message is None or message.message_thread_id is None or not message.is_topic_message:
        return
    what = ("It failed again and will not be tried any more" if kept
            else "It is tried again in a moment")
    try:
        await message.reply_text(f"That did not work; it was logged. {what}. Check above whether the customer "
                                 "got anything before doing it again.", do_quote=False)
    except TelegramError:
        logger.warning("could not tell the agent their action failed", exc_info=True)


def customer_text(update: Update) -> str:
    """What the customer sent, as far as words go: a message's text or caption, or a button's data."""
    if update.callback_query is not None:
        return update.callback_query.data or ""
    message = update.effective_message
    return (message.text or message.caption or "") if message is not None else ""
