"""The agents' side in Telegram: a private supergroup with forum topics, one per handed-off customer.

Agents write in a customer's topic and the bot passes it on under their name; /take,
/transfer, /resolve and /flag work only here and only for registered agents (the service
checks the registry). The workspace adapter is the one place that opens topics and posts.
"""

from __future__ import annotations

import logging
import re

from telegram import Bot, Message, MessageEntity, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.channels.delivery import TEXT_LIMIT, split_text, utf16_length
from bot.channels.group_pacer import NORMAL, URGENT, GroupPacer
from bot.channels.mentions import mention_entities
from bot.channels.output import TelegramOutput
from bot.channels.refusals import refusals_translated
from bot.policy.model import AGENT_COMMANDS
from bot.service.agent_workspace import TopicFate
from bot.service.handoff_contact import SendToCustomer
from bot.service.handoff_desk import HandoffDesk

logger = logging.getLogger(__name__)
ERASED_TOPIC_NAME = "Erased customer"
ERASED_TOPIC_NOTE = ("This customer erased their data with /forget. The bot could not delete this topic (usually it "
                     "lacks the right to delete messages): please delete it by hand, card and messages included.")


class TelegramWorkspace:
    """Forum topics in the agents' supergroup (the bot must be an admin with can_manage_topics)."""

    def __init__(self, bot: Bot, chat_id: int, pacer: GroupPacer) -> None:
        self._bot = bot
        self._chat_id = chat_id
        self._pacer = pacer

    @property
    def reaches_agents(self) -> bool:
        return True

    async def ready(self, urgent: bool = False, messages: int = 1) -> None:
        await self._pacer.wait(URGENT if urgent else NORMAL, messages)

    def stop_waiting(self) -> None:
        self._pacer.close()

    async def open_topic(self, name: str) -> int | None:
        try:
            topic = await self._bot.create_forum_topic(self._chat_id, name)
        except TelegramError as error:
            logger.warning("could not open a forum topic in the agents' group (is the bot an admin with "
                           "can_manage_topics, and are topics enabled?): %s", error)
            return None
        return topic.message_thread_id

    async def post(self, thread_id: int, text: str) -> int:
        first: int | None = None
        async with refusals_translated(to_customer=False):
            for part in split_text(text):
                sent = await self._bot.send_message(self._chat_id, part, message_thread_id=thread_id)
                first = sent.message_id if first is None else first
        assert first is not None  # split_text gives at least one part
        return first

    async def post_mentioning(self, thread_id: int, text: str, people: tuple[tuple[int, str], ...]) -> int:
        async with refusals_translated(to_customer=False):
            sent = await self._bot.send_message(self._chat_id, text[:TEXT_LIMIT], message_thread_id=thread_id,
                                                entities=mention_entities(text[:TEXT_LIMIT], people))
        return sent.message_id

    async def edit(self, thread_id: int, message_id: int, text: str) -> None:
        async with refusals_translated(to_customer=False):
            try:
                await self._bot.edit_message_text(text[:TEXT_LIMIT], self._chat_id, message_id)
            except BadRequest as error:
                if "not modified" not in error.message.lower():
                    raise

    async def pin(self, thread_id: int, message_id: int) -> None:
        try:
            await self._bot.pin_chat_message(self._chat_id, message_id, disable_notification=True)
        except TelegramError as error:
            logger.warning("could not pin a card in topic %d (is the bot allowed to pin messages?): %s",
                           thread_id, error)

    async def rename_topic(self, thread_id: int, name: str) -> None:
        async with refusals_translated(to_customer=False):
            try:
                await self._bot.edit_forum_topic(self._chat_id, thread_id, name=name[:128])
            except BadRequest as error:
                if "not_modified" not in error.message.lower() and "not modified" not in error.message.lower():
                    raise

    async def remove_topic(self, thread_id: int) -> TopicFate:
        """Delete the topic with the card and messages; failing that, a neutral name and a note to delete it."""
        try:
            await self._bot.delete_forum_topic(self._chat_id, thread_id)
        except TelegramError as error:
            logger.warning("erased customer's topic %d could not be deleted (%s: %s); scrubbing it instead",
                           thread_id, type(error).__name__, error.message)
        else:
            logger.info("erased customer's topic %d deleted", thread_id)
            return TopicFate.DELETED
        try:
            await self._bot.edit_forum_topic(self._chat_id, thread_id, name=ERASED_TOPIC_NAME)
            await self.post(thread_id, ERASED_TOPIC_NOTE)
        except TelegramError as error:
            logger.error("erased customer's topic %d could neither be deleted nor renamed (%s: %s): an admin must "
                         "delete it", thread_id, type(error).__name__, error.message)
            return TopicFate.LEFT
        logger.warning("erased customer's topic %d renamed and noted; an admin must delete it", thread_id)
        return TopicFate.SCRUBBED

    async def relay(self, thread_id: int, label: str, text: str, chat_id: int | None, message_id: int | None) -> None:
        async with refusals_translated(to_customer=False):
            if text.strip():
                for body, entities in quoted(label, text):
                    await self._bot.send_message(self._chat_id, body, message_thread_id=thread_id, entities=entities)
                return
            await self._bot.send_message(self._chat_id, f"{plain_label(label)} (customer) sent this:",
                                         message_thread_id=thread_id)
            if chat_id is not None and message_id is not None:
                await self._bot.copy_message(self._chat_id, chat_id, message_id, message_thread_id=thread_id)


LABEL_LIMIT = 64
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]+(?:@\w+)?")


def plain_label(name: str) -> str:
    """The customer's name on one line, clipped: a name cannot add lines that look like the bot's."""
    return " ".join(name.split())[:LABEL_LIMIT] or "Customer"


def quoted(label: str, text: str) -> list[tuple[str, list[MessageEntity]]]:
    """"NAME (customer) wrote:" and the customer's words inside a quote, so they cannot pass for the card or
    the bot; commands in their words are shown as code, which Telegram does not make tappable."""
    header = f"{plain_label(label)} (customer) wrote:\n"
    room = TEXT_LIMIT - utf16_length(header) - 16
    parts = split_text(text, room)
    messages = []
    for index, part in enumerate(parts):
        head = header if index == 0 else f"{plain_label(label)} (customer, continued):\n"
        start = utf16_length(head)
        entities = [MessageEntity(MessageEntity.BLOCKQUOTE, start, utf16_length(part))]
        entities += [MessageEntity(MessageEntity.CODE, start + utf16_length(part[:found.start()]),
                                   utf16_length(found.group())) for found in _COMMAND.finditer(part)]
        messages.append((head + part, entities))
    return messages


class AgentsChannel:
    """Handlers for the agents' supergroup."""

    def __init__(self, desk: HandoffDesk, chat_id: int, pacer: GroupPacer) -> None:
        """``pacer`` is the one the desk's workspace posts through: the group's rate is shared by both."""
        self._desk = desk
        self._chat_id = chat_id
        self._pacer = pacer

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        group = filters.Chat(chat_id=self._chat_id)
        new = group & filters.UpdateType.MESSAGE
        application.add_handler(CommandHandler(sorted(AGENT_COMMANDS), self.on_command, filters=new))
        application.add_handler(MessageHandler(new & ~filters.COMMAND, self.on_message))
        application.add_handler(MessageHandler(group & filters.UpdateType.EDITED_MESSAGE & ~filters.COMMAND,
                                               self.on_edited))

    def check_queue_every(self, application: Application, seconds: float) -> None:  # type: ignore[type-arg]
        """Waiting handoffs go to the first agent who comes on shift or frees up (PTB's JobQueue)."""
        if application.job_queue is None:
            raise RuntimeError("python-telegram-bot was installed without the job-queue extra; reinstall the project")
        application.job_queue.run_repeating(self.on_queue_check, interval=seconds, first=seconds, name="handoff-queue")

    async def on_queue_check(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Post cards a stopped worker left behind, hand waiting customers to agents now on shift, and climb the
        late-reply ladder (agent, lead, an honest time for the customer)."""
        posted = await self._desk.cards.post_missing_cards()
        assigned = await self._desk.assign_queued(_sender(context))
        nudged = await self._desk.nudge_late_replies(_sender(context))
        if posted or assigned or nudged:
            logger.info("handoff queue: %d cards posted late, %d assigned, %d late replies nudged",
                        posted, assigned, nudged)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Pass what an agent writes in a customer's topic to that customer."""
        await self._from_agent(update, context, edited=False)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An agent corrected a message in a customer's topic: the customer gets the correction, marked so."""
        await self._from_agent(update, context, edited=True)

    async def _from_agent(self, update: Update, context: ContextTypes.DEFAULT_TYPE, edited: bool) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.message_thread_id is None or not message.is_topic_message:
            return
        text = message.text or message.caption or ""
        media = None if message.text or edited else (message.chat_id, message.message_id)
        note = await self._desk.from_agent(user.id, message.message_thread_id, text, _sender(context), media,
                                           edited=edited)
        if note:
            await self.answer(message, note)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """take, transfer NAME, resolve, flag NOTE."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        words = (message.text or "").split(maxsplit=1)
        command = words[0].lstrip("/").split("@")[0].lower() if words else ""
        thread_id = message.message_thread_id if message.is_topic_message else None
        note = await self._desk.commands.run(user.id, thread_id, command, words[1] if len(words) > 1 else "",
                                             _sender(context))
        if note:
            await self.answer(message, note)

    async def answer(self, message: Message, text: str) -> None:
        """A note for the agent, in the topic they wrote in (Telegram's reply keeps the thread), at the group's pace."""
        await self._pacer.wait(NORMAL)
        try:
            await message.reply_text(text[:TEXT_LIMIT], do_quote=False)
        except TelegramError:
            logger.warning("could not answer in the agents' topic", exc_info=True)


def _sender(context: ContextTypes.DEFAULT_TYPE) -> SendToCustomer:
    """How the desk reaches a customer: refusals come back as the service's delivery errors."""
    return TelegramOutput(context.bot).to_external_id
