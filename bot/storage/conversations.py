"""Repository for customers, their conversations and messages."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.feelings_in_context import FeelingsInContext
from bot.policy.model import Case
from bot.storage.models import Conversation, Customer, Gesture, Message, as_utc, utc_now
from nlu.signals import Signals
from nlu.types import SUPPORT_CLASSES, Analysis, EmotionScores

RECENT_TEXTS = 3
WORDS_KINDS = frozenset({"text", "edited"})
"""The customer's own words: what they typed or corrected (commands, button taps and shared contacts are not words)."""
REOPEN_WINDOW = dt.timedelta(hours=24)
"""How long after a settled case ends a new message still continues it."""


@dataclass(frozen=True)
class ConversationRef:
    """What the engine needs to know about the conversation a message belongs to."""

    conversation_id: int
    customer_id: int
    language: str
    customer_messages_before: int
    topic_id: str | None = None
    apologised: bool = False
    gestures_given: frozenset[str] = frozenset()
    case: Case = field(default_factory=Case)


@dataclass(frozen=True)
class StoredMessage:
    sender: str
    kind: str
    text: str
    language: str | None
    scores: dict[str, float] | None
    labels: tuple[str, ...]
    scored_by: str
    move: str
    signals: tuple[str, ...] = ()
    case_after: Case | None = None
    """For a bot reply: the case after that turn (topic, slots, awaiting, settled), when it was recorded."""
    in_context: FeelingsInContext | None = None
    """For a scored customer message: its feelings read with the conversation so far (the reply was decided on
    these)."""


@dataclass(frozen=True)
class EarlierTurn:
    """A customer message already stored; ``reply_text`` is None when no bot reply followed it."""

    conversation_id: int
    reply_id: int | None
    reply_text: str | None
    reply_move: str | None
    reply_delivered: bool = False


@dataclass(frozen=True)
class RatingRecorded:
    """A rating tap was this customer's: ``first`` when it was stored now, not already there."""

    first: bool
    language: str


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_conversation(self, channel: str, external_id: str, display_name: str) -> ConversationRef:
        """The customer's open conversation, creating the customer and conversation if needed."""
        customer = await self._session.scalar(
            select(Customer).where(Customer.channel == channel, Customer.external_id == external_id)
        )
        if customer is None:
            customer = Customer(channel=channel, external_id=external_id, display_name=display_name[:128])
            self._session.add(customer)
            await self._session.flush()
        conversation = await self._session.scalar(
            select(Conversation)
            .where(Conversation.customer_id == customer.id, Conversation.status == "open")
            .order_by(Conversation.id.desc())
            .limit(1)
        )
        if conversation is None:
            conversation = await self._reopenable(customer.id)
        if conversation is None:
            conversation = Conversation(customer_id=customer.id, language=customer.language)
            self._session.add(conversation)
            await self._session.flush()
        count = await self._session.scalar(
            select(func.count(Message.id)).where(
                Message.conversation_id == conversation.id, Message.sender == "customer"
            )
        )
        given = await self._session.scalars(select(Gesture.kind).where(Gesture.conversation_id == conversation.id))
        return ConversationRef(
            conversation.id, customer.id, conversation.language, int(count or 0), conversation.topic_id,
            conversation.apologised, frozenset(given), case_of(conversation),
        )

    async def _reopenable(self, customer_id: int) -> Conversation | None:
        """The customer's conversation that ended a short while ago with a settled case: writing again ("it
        still hasn't come") continues that case, with what the bot already knows, instead of starting over."""
        latest = await self._session.scalar(
            select(Conversation).where(Conversation.customer_id == customer_id)
            .order_by(Conversation.id.desc()).limit(1)
        )
        if (latest is None or latest.status != "closed" or not latest.settled or latest.closed_at is None
                or utc_now() - as_utc(latest.closed_at) > REOPEN_WINDOW):
            return None
        latest.status = "open"
        return latest

    async def recent_customer_texts(self, ref: ConversationRef, limit: int = RECENT_TEXTS) -> tuple[str, ...]:
        """The customer's last few text messages in this conversation, oldest first."""
        rows = await self._session.scalars(
            select(Message.text)
            .where(Message.conversation_id == ref.conversation_id, Message.sender == "customer",
                   Message.kind.in_(sorted(WORDS_KINDS)))
            .order_by(Message.id.desc())
            .limit(limit)
        )
        return tuple(reversed(list(rows)))

    async def recent_feelings(self, ref: ConversationRef, limit: int = 5) -> tuple[tuple[float, float], ...]:
        """(anger, anxiety) of the customer's last scored messages, oldest first, as the replies were decided on
        (in context; the message's own scores for rows stored before context was kept)."""
        rows = await self._session.scalars(
            select(Message)
            .where(Message.conversation_id == ref.conversation_id, Message.sender == "customer",
                   Message.anger.is_not(None))
            .order_by(Message.id.desc()).limit(limit)
        )
        return tuple(felt(row) for row in reversed(list(rows)))

    async def earlier_scores(self, ref: ConversationRef, within: dt.timedelta, limit: int) -> tuple[EmotionScores, ...]:
        """The own scores of the customer's last ``limit`` scored text messages stored in the last ``within``, oldest
        first: what a new message is read with (bot/policy/feelings_in_context.py). Measured on the clock that stamps
        each message's ``created_at``."""
        rows = await self._session.scalars(
            select(Message)
            .where(Message.conversation_id == ref.conversation_id, Message.sender == "customer",
                   Message.kind.in_(sorted(WORDS_KINDS)), Message.anger.is_not(None),
                   Message.created_at >= utc_now() - within)
            .order_by(Message.id.desc()).limit(limit)
        )
        return tuple(own_scores(row) for row in reversed(list(rows)))

    async def latest_bot_moves(self, ref: ConversationRef, limit: int = 10) -> list[str]:
        """The moves of the bot's latest replies, newest first (what counts as a try is the policy's call)."""
        moves = await self._session.scalars(
            select(Message.move).where(Message.conversation_id == ref.conversation_id, Message.sender == "bot")
            .order_by(Message.id.desc()).limit(limit)
        )
        return [move or "" for move in moves]

    async def add_customer_message(
        self, ref: ConversationRef, kind: str, text: str, analysis: Analysis | None, telegram_message_id: int | None,
        signals: Signals | None = None, in_context: FeelingsInContext | None = None,
    ) -> int:
        """Store the message with its own scores and, when it was read with the conversation so far, those too."""
        message = Message(
            conversation_id=ref.conversation_id, sender="customer", kind=kind, text=text,
            telegram_message_id=telegram_message_id, signals=",".join(signals.raised()) if signals else "",
        )
        if analysis is not None:
            for name, value in analysis.scores.as_dict().items():
                setattr(message, name, value)
            message.language = analysis.language
            message.labels = ",".join(analysis.labels)
            message.scored_by = analysis.model_version
        if in_context is not None:
            message.context_scores = json.dumps(in_context.as_json(), ensure_ascii=False)
        self._session.add(message)
        await self._session.flush()
        return message.id

    async def add_bot_message(self, conversation_id: int, text: str, move: str, why: str = "",
                              case_after: Case | None = None) -> int:
        """Store a reply with why the policy chose it, and the case after it, for trainers reviewing the conversation."""
        message = Message(conversation_id=conversation_id, sender="bot", kind="text", text=text, move=move, why=why[:256],
                          case_after=json.dumps(case_after.as_json(), ensure_ascii=False) if case_after else "")
        self._session.add(message)
        conversation = await self._session.get(Conversation, conversation_id)
        if conversation is not None:
            conversation.updated_at = utc_now()
        await self._session.flush()
        return message.id

    async def mark_delivered(self, message_id: int) -> None:
        await self._session.execute(update(Message).where(Message.id == message_id).values(delivered_at=utc_now()))

    async def remember(self, ref: ConversationRef, topic_id: str | None, apologised: bool) -> None:
        """Keep what the next turn needs: the topic being discussed, and whether we apologised."""
        conversation = await self._session.get(Conversation, ref.conversation_id)
        if conversation is not None:
            conversation.topic_id, conversation.apologised = topic_id, apologised

    async def remember_case(self, ref: ConversationRef, case: Case) -> None:
        """Keep the case for the next turn, whichever worker takes it."""
        await self.keep_case(ref.conversation_id, case)

    async def keep_case(self, conversation_id: int, case: Case) -> None:
        """Keep the case outside a customer's turn (a person handed the case back with details the customer gave)."""
        conversation = await self._session.get(Conversation, conversation_id)
        if conversation is not None:
            conversation.topic_id = case.topic_id
            conversation.slots = json.dumps(dict(case.slots), ensure_ascii=False)
            conversation.awaiting, conversation.misses, conversation.settled = case.awaiting, case.misses, case.settled
            conversation.verified = json.dumps(list(case.verified))
            conversation.failed_proofs = case.failed_proofs

    async def add_gesture(self, ref: ConversationRef, kind: str, topic_id: str, reason: str) -> None:
        self._session.add(Gesture(conversation_id=ref.conversation_id, kind=kind, topic_id=topic_id, reason=reason[:256]))

    async def close(self, ref: ConversationRef) -> None:
        """The customer ended the case: a next message soon after continues it (see _reopenable), later ones start anew."""
        conversation = await self._session.get(Conversation, ref.conversation_id)
        if conversation is not None:
            conversation.status, conversation.closed_at = "closed", utc_now()

    async def close_open_of(self, channel: str, external_id: str) -> int | None:
        """The customer can no longer be reached: close their open conversation; returns its id, if any."""
        conversation = await self._session.scalar(
            select(Conversation).join(Customer, Customer.id == Conversation.customer_id)
            .where(Customer.channel == channel, Customer.external_id == external_id, Conversation.status == "open")
            .order_by(Conversation.id.desc()).limit(1)
        )
        if conversation is None:
            return None
        conversation.status, conversation.closed_at = "closed", utc_now()
        return conversation.id

    async def record_rating(self, channel: str, external_id: str, conversation_id: int,
                            score: int) -> RatingRecorded | None:
        """Store a 1–5 rating if the conversation is this customer's, closed and not rated yet.

        None when the button is not this customer's (forged or stale): nothing changes then.
        """
        conversation = await self._session.scalar(
            select(Conversation).join(Customer)
            .where(Conversation.id == conversation_id, Customer.channel == channel, Customer.external_id == external_id)
        )
        if conversation is None or conversation.closed_at is None:
            return None
        if conversation.satisfaction is not None:
            return RatingRecorded(first=False, language=conversation.language)
        conversation.satisfaction = score
        self._session.add(Message(conversation_id=conversation.id, sender="customer", kind="rating", text=str(score)))
        return RatingRecorded(first=True, language=conversation.language)

    async def satisfaction_of(self, conversation_id: int) -> int | None:
        return await self._session.scalar(select(Conversation.satisfaction).where(Conversation.id == conversation_id))

    async def gestures_of(self, conversation_id: int) -> list[tuple[str, str]]:
        rows = await self._session.execute(
            select(Gesture.kind, Gesture.reason).where(Gesture.conversation_id == conversation_id).order_by(Gesture.id)
        )
        return [(kind, reason) for kind, reason in rows]

    async def customer_language(self, channel: str, external_id: str) -> str | None:
        """The language the customer was last answered in; None for someone the bot has no record of."""
        return await self._session.scalar(
            select(Customer.language).where(Customer.channel == channel, Customer.external_id == external_id))

    async def latest_case(self, channel: str, external_id: str) -> Case | None:
        """The case of the customer's latest conversation (open or just closed); None for an unknown customer."""
        conversation = await self._session.scalar(
            select(Conversation).join(Customer)
            .where(Customer.channel == channel, Customer.external_id == external_id)
            .order_by(Conversation.id.desc()).limit(1)
        )
        return case_of(conversation) if conversation is not None else None

    async def set_language(self, ref: ConversationRef, language: str) -> None:
        conversation = await self._session.get(Conversation, ref.conversation_id)
        customer = await self._session.get(Customer, ref.customer_id)
        if conversation is not None:
            conversation.language = language
        if customer is not None:
            customer.language = language

    async def messages_of(self, channel: str, external_id: str) -> list[StoredMessage]:
        """Every message of one customer, oldest first (for transcripts and tests)."""
        rows = await self._session.scalars(
            select(Message)
            .join(Conversation)
            .join(Customer)
            .where(Customer.channel == channel, Customer.external_id == external_id)
            .order_by(Message.id)
        )
        return [_stored(row) for row in rows]


    async def earlier_answer(self, channel: str, external_id: str, telegram_message_id: int, kind: str,
                             text: str) -> EarlierTurn | None:
        """The same message stored before, and the reply that followed it, if there was one.

        Telegram sends an update again when a worker died before acknowledging it; the message
        may already be stored, and answered, by then.
        """
        message = await self._session.scalar(
            select(Message).join(Conversation).join(Customer)
            .where(Customer.channel == channel, Customer.external_id == external_id, Message.sender == "customer",
                   Message.telegram_message_id == telegram_message_id, Message.kind == kind, Message.text == text)
            .order_by(Message.id.desc()).limit(1)
        )
        if message is None:
            return None
        reply = await self._session.scalar(
            select(Message).where(Message.conversation_id == message.conversation_id, Message.id > message.id)
            .order_by(Message.id).limit(1)
        )
        if reply is None or reply.sender != "bot":
            return EarlierTurn(message.conversation_id, None, None, None)
        return EarlierTurn(message.conversation_id, reply.id, reply.text, reply.move, reply.delivered_at is not None)


def _stored(row: Message) -> StoredMessage:
    scores = _scores_of(row) if row.anxiety is not None else None
    labels = tuple(label for label in row.labels.split(",") if label)
    signals = tuple(name for name in row.signals.split(",") if name)
    return StoredMessage(row.sender, row.kind, row.text, row.language, scores, labels, row.scored_by, row.move, signals,
                         case_from_text(row.case_after), in_context(row))


def own_scores(row: Message) -> EmotionScores:
    """A scored message's own scores, as the model gave them."""
    return EmotionScores.from_mapping(_scores_of(row))


def _scores_of(row: Message) -> dict[str, float]:
    return {name.value: float(getattr(row, name) or 0.0) for name in SUPPORT_CLASSES}


def in_context(row: Message) -> FeelingsInContext | None:
    """A message's feelings read with the conversation so far; None for rows stored without them."""
    return _reading(row.context_scores)


def _reading(context_scores: str | None) -> FeelingsInContext | None:
    value = _json_object(context_scores)
    return FeelingsInContext.from_json(value) if value is not None else None


def decided_scores(row: Message) -> EmotionScores:
    """A scored message's scores as its reply was decided on: in context when kept, else its own. What the
    console's queue and chart and the agents' board weigh, so that an "ok" after two angry messages counts
    as the bot read it, not as calm."""
    read = in_context(row)
    return read.scores if read is not None else own_scores(row)


def felt(row: Message) -> tuple[float, float]:
    """(anger, anxiety) of a scored message as its reply was decided on: in context when kept, else its own."""
    return felt_from(row.anger, row.anxiety, row.context_scores)


def felt_from(anger: float | None, anxiety: float | None, context_scores: str | None) -> tuple[float, float]:
    """``felt`` from the three columns alone, for reports that do not load whole messages."""
    read = _reading(context_scores)
    if read is not None:
        return read.scores.anger, read.scores.anxiety
    return float(anger or 0.0), float(anxiety or 0.0)


def case_of(conversation: Conversation) -> Case:
    """The case a conversation row keeps (an empty one for rows from before cases were kept)."""
    slots = _json_object(conversation.slots) or {}
    return Case(conversation.topic_id, tuple((str(name), str(value)) for name, value in slots.items()),
                conversation.awaiting, conversation.misses or 0, bool(conversation.settled),
                _json_strings(conversation.verified), conversation.failed_proofs or 0)


def case_from_text(text: str | None) -> Case | None:
    """A case stored beside a bot reply, or None for a reply stored without one."""
    value = _json_object(text)
    return Case.from_json(value) if value is not None else None


def _json_strings(text: str | None) -> tuple[str, ...]:
    """A stored JSON list of strings; empty for a row from before it was kept."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _json_object(text: str | None) -> dict[str, object] | None:
    """A stored JSON object, or None for an empty or unreadable one (a row from before it was kept)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
