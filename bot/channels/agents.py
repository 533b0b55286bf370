"""The agents' side in Telegram: a private supergroup with forum topics, one per handed-off customer.

The agent who has the conversation writes in the customer's topic and the bot passes it on under
their name (notes with ``!`` or /note, and colleagues' words, stay in the topic: bot/service/desk_relay.py);
/take, /transfer, /resolve, /flag and /note work only here and only for registered agents (the
service checks the registry). The workspace adapter is the one place that opens topics and posts.
"""

from __future__ import annotations

import logging
import re

from telegram import Bot, Message, MessageEntity, ReplyParameters, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from bot.channels.delivery import TEXT_LIMIT, split_text, utf16_length
from bot.channels.desk_board import DeskBoardPost
from bot.channels.group_pacer import NORMAL, URGENT, GroupPacer
from bot.channels.mentions import mention_entities
from bot.channels.output import CAPTION_LIMIT, TelegramOutput
from bot.channels.refusals import refusals_translated
from bot.policy.model import AGENT_COMMANDS
from bot.service.agent_workspace import TopicFate
from bot.service.desk_queue import DESK_COMMANDS
from bot.service.desk_relay import AgentMessage
from bot.service.handoff_contact import SendToCustomer
from bot.service.handoff_desk import HandoffDesk

logger = logging.getLogger(__name__)
BOARD_CHANGES = frozenset({"take", "transfer", "resolve", "away", "back"})
"""Commands after which the desk board shows something new."""
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
        return await self._post_parts(thread_id, text, ())

    async def post_mentioning(self, thread_id: int, text: str, people: tuple[tuple[int, str], ...]) -> int:
        return await self._post_parts(thread_id, text, people)

    async def _post_parts(self, thread_id: int, text: str, people: tuple[tuple[int, str], ...]) -> int:
        """Post in parts within Telegram's limit; the first part mentions ``people``. Returns its message id."""
        first: int | None = None
        async with refusals_translated(to_customer=False):
            for part in split_text(text):
                entities = mention_entities(part, people) if people and first is None else None
                sent = await self._bot.send_message(self._chat_id, part, message_thread_id=thread_id,
                                                    entities=entities)
                first = sent.message_id if first is None else first
        assert first is not None  # split_text gives at least one part
        return first

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

    async def copy_in(self, thread_id: int, chat_id: int, message_id: int) -> int:
        async with refusals_translated(to_customer=False):
            copied = await self._bot.copy_message(self._chat_id, chat_id, message_id, message_thread_id=thread_id)
        return copied.message_id

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

    async def relay(self, thread_id: int, label: str, text: str, chat_id: int | None, message_id: int | None,
                    media: str = "", reply_to: int | None = None, edited: bool = False) -> int | None:
        answering = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to is not None else None
        async with refusals_translated(to_customer=False):
            if media and chat_id is not None and message_id is not None:
                return await self._copy(thread_id, label, text, media, chat_id, message_id, answering)
            first: int | None = None
            for body, entities in quoted(label, text or "…", edited):
                sent = await self._bot.send_message(self._chat_id, body, message_thread_id=thread_id, entities=entities,
                                                    reply_parameters=answering if first is None else None)
                first = sent.message_id if first is None else first
            return first

    async def _copy(self, thread_id: int, label: str, caption: str, media: str, chat_id: int, message_id: int,
                    answering: ReplyParameters | None) -> int:
        """One message: the customer's photo, voice note or file with "NAME (customer): caption" on it."""
        said = f"{plain_label(label)} (customer)" + (f": {caption}" if caption.strip() else "")
        if media in CAPTIONED_MEDIA and utf16_length(said) <= CAPTION_LIMIT:
            copied = await self._bot.copy_message(self._chat_id, chat_id, message_id, message_thread_id=thread_id,
                                                  caption=said, reply_parameters=answering)
            return copied.message_id
        header = await self._bot.send_message(self._chat_id, f"{plain_label(label)} (customer) sent this:",
                                              message_thread_id=thread_id, reply_parameters=answering)
        await self._bot.copy_message(self._chat_id, chat_id, message_id, message_thread_id=thread_id)
        return header.message_id

    async def edit_relay(self, thread_id: int, message_id: int, label: str, text: str) -> None:
        body, entities = quoted(label, text or "…", edited=True)[0]
        async with refusals_translated(to_customer=False):
            try:
                await self._bot.edit_message_text(body, self._chat_id, message_id, entities=entities)
            except BadRequest as error:
                if "not modified" not in error.message.lower():
                    raise


LABEL_LIMIT = 64
CAPTIONED_MEDIA = frozenset({"photo", "video", "document", "audio", "voice", "animation"})
"""What Telegram lets carry a caption: a sticker or a round video note gets a line of its own before it."""
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]+(?:@\w+)?")


def plain_label(name: str) -> str:
    """The customer's name on one line, clipped: a name cannot add lines that look like the bot's."""
    return " ".join(name.split())[:LABEL_LIMIT] or "Customer"


def quoted(label: str, text: str, edited: bool = False) -> list[tuple[str, list[MessageEntity]]]:
    """"NAME (customer) wrote:" and the customer's words inside a quote, so they cannot pass for the card or
    the bot; commands in their words are shown as code, which Telegram does not make tappable. A new version
    of a message says "wrote (edited):"."""
    header = f"{plain_label(label)} (customer) wrote{' (edited)' if edited else ''}:\n"
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
        self._board = DeskBoardPost(chat_id, pacer, desk.queue)

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
        await self._board.refresh(context.bot)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Pass what the agent who has the conversation writes in a customer's topic to that customer; keep notes
        and colleagues' words back; catch a customer's reply typed outside any topic."""
        await self._from_agent(update, context, edited=False)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An agent corrected a message in a customer's topic: the customer gets the correction, marked so."""
        await self._from_agent(update, context, edited=True)

    async def _from_agent(self, update: Update, context: ContextTypes.DEFAULT_TYPE, edited: bool) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        text = message.text or message.caption or ""
        if message.message_thread_id is None or not message.is_topic_message:
            went_nowhere = None if edited else await self._desk.relay.outside_topic(user.id, text)
            if went_nowhere:
                await self.answer(message, went_nowhere, quote=True)
            return
        media = None if message.text else (message.chat_id, message.message_id)
        captionable = any(getattr(message, kind, None) for kind in CAPTIONED_MEDIA)
        answer = await self._desk.relay.from_agent(AgentMessage(
            user.id, message.message_thread_id, message.message_id, text, media, captionable, edited,
            replied_in_topic(message)), _sender(context))
        if answer.privately and not await self._tell_privately(context, user.id, answer.privately):
            await self.answer(message, answer.privately, quote=True)
        if answer.note:
            await self.answer(message, answer.note, quote=True)

    async def _tell_privately(self, context: ContextTypes.DEFAULT_TYPE, user_id: int, text: str) -> bool:
        """A direct message to an agent; False when Telegram refuses (they never started the bot)."""
        try:
            await context.bot.send_message(user_id, text[:TEXT_LIMIT])
        except TelegramError as error:
            logger.info("an agent could not be told privately (%s); telling them in the topic", type(error).__name__)
            return False
        return True

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """take, transfer NAME, resolve, flag NOTE in a topic; mine, queue, away, back anywhere in the group."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        words = (message.text or "").split(maxsplit=1)
        command = words[0].lstrip("/").split("@")[0].lower() if words else ""
        if command in DESK_COMMANDS:
            await self.answer(message, await self._desk.queue.run(user.id, command))
        else:
            thread_id = message.message_thread_id if message.is_topic_message else None
            note = await self._desk.commands.run(user.id, thread_id, command, words[1] if len(words) > 1 else "",
                                                 _sender(context), replied_in_topic(message))
            if note:
                await self.answer(message, note)
        if command in BOARD_CHANGES:
            await self._board.refresh(context.bot)

    async def answer(self, message: Message, text: str, quote: bool = False) -> None:
        """A note for the agent, in the topic they wrote in (Telegram's reply keeps the thread), at the group's pace;
        ``quote`` makes it a visible reply to their message (what the note is about)."""
        await self._pacer.wait(NORMAL)
        try:
            await message.reply_text(text[:TEXT_LIMIT], do_quote=quote)
        except TelegramError:
            logger.warning("could not answer in the agents' topic", exc_info=True)


def replied_in_topic(message: Message) -> int | None:
    """The topic message this one replies to; Telegram marks every topic message as a reply to the topic's
    first (service) message, which is no reply at all."""
    replied = message.reply_to_message
    if replied is None or replied.message_id == message.message_thread_id or replied.forum_topic_created:
        return None
    return replied.message_id


def _sender(context: ContextTypes.DEFAULT_TYPE) -> SendToCustomer:
    """How the desk reaches a customer: refusals come back as the service's delivery errors."""
    return TelegramOutput(context.bot).to_external_id
