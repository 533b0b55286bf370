"""One customer turn end to end: score it, store it, decide, store the reply and its effects.

Channels (Telegram, the local chat) translate their input into a ``CustomerTurn`` and send
whatever ``Reply`` comes back; everything in between lives here, once. The same holds for a
promise's check: the channel's scheduler calls ``follow_up`` and sends what it returns.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.deadlines import check_time, due_time, format_deadline
from bot.channels.delivery import CustomerUnreachable, DeliveryRefused
from bot.policy.decide import (
    AGENT_COMMANDS,
    Button,
    Clock,
    ConversationState,
    CustomerTurn,
    Decision,
    Move,
    Reply,
    TurnKind,
    decide,
    is_meaningful,
    parse_rating,
    rating_buttons,
)
from bot.service.bursts import store_folded
from bot.policy.escalation import Escalation, EscalationReason, EscalationRules, TurnFacts, should_escalate
from bot.policy.fairness import Arrivals, Fairness, is_crisis
from bot.service.handoff_desk import HandoffDesk, HandoffStart, TopicFate
from bot.storage.chat_locks import ChatLocks
from bot.storage.conversations import ConversationRef, ConversationRepository, EarlierTurn
from bot.storage.database import URGENT_WORK, Database, urgent_work
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from bot.storage.models import utc_now
from bot.storage.privacy import CustomerData, PrivacyRepository
from bot.storage.promises import PromiseCheck, PromiseRepository
from knowledge import KnowledgePack, Wording, fill
from knowledge.pack import PrivacyWording
from knowledge.retrieval import Retrieval, TopicIndex
from nlu.language import SUPPORTED_LANGUAGES, detect_language
from nlu.runtime import EmotionAnalyzer
from nlu.signals import Signals, detect_signals
from nlu.types import Analysis

logger = logging.getLogger(__name__)

T = TypeVar("T")
Deliver = Callable[[Reply], Awaitable[None]]
Schedule = Callable[[int, dt.datetime], None]
MIN_EXTENSION_HOURS = 1.0
STORAGE_RETRY_PAUSES = (0.5, 1.0, 2.0)
"""Seconds between tries when the database is unreachable: a restart or failover takes about this long."""


class StorageUnavailable(RuntimeError):
    """The database stayed unreachable through every retry; the customer was told, the update is not done."""


def is_storage_outage(error: BaseException) -> bool:
    """A fault of the connection to the database (down, restarting, pool exhausted), not of the data."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or isinstance(error.orig, OSError)
    return isinstance(error, (OSError, PoolTimeout, ConnectionError))


async def with_storage_retries(attempt: Callable[[], Awaitable[T]]) -> T:
    """Run ``attempt``, and again after each pause while the database is unreachable.

    Faults of the data itself are raised at once; an outage that outlasts the pauses becomes
    ``StorageUnavailable``, for the caller to tell the customer and leave the update undone.
    """
    for pause in (*STORAGE_RETRY_PAUSES, None):
        try:
            return await attempt()
        except Exception as error:
            if not is_storage_outage(error):
                raise
            if pause is None:
                raise StorageUnavailable(f"the database is unreachable ({type(error).__name__}); "
                                         "this must be handled again") from error
            logger.warning("database unreachable (%s); trying again in %.1f s", type(error).__name__, pause)
            await asyncio.sleep(pause)
    raise AssertionError("unreachable: the last try returns or raises")


@dataclass(frozen=True)
class TurnOutcome:
    """What a turn decided: the reply, and what runs once the reply is sent (cards, scheduled checks)."""

    reply: Reply | None
    after_reply: tuple[Callable[[], None], ...] = ()


@dataclass(frozen=True)
class CustomerRef:
    """Who wrote, in channel terms. ``external_id`` is the channel's id for the person."""

    channel: str
    external_id: str
    display_name: str = ""

    @property
    def key(self) -> str:
        """The customer's lock key: turns, promise checks and webhook updates of one person queue on it."""
        return f"{self.channel}:{self.external_id}"


class SupportService:
    def __init__(
        self, database: Database, analyzer: EmotionAnalyzer, pack: KnowledgePack, index: TopicIndex,
        zone: ZoneInfo | None = None, now: Callable[[], dt.datetime] = utc_now, rules: EscalationRules | None = None,
        chat_locks: ChatLocks | None = None, fairness: Fairness | None = None,
    ) -> None:
        self._database = database
        self._analyzer = analyzer
        self._pack = pack
        self._index = index
        self._zone = zone or ZoneInfo("UTC")
        self._now = now
        self._locks = chat_locks or ChatLocks()
        self._fairness = fairness or Fairness()
        self._told_to_wait: set[str] = set()
        self._schedule: Schedule | None = None
        self._rules = rules or EscalationRules()
        self._handoffs = HandoffDesk(database, pack, self._zone, now, locks=self._locks)

    def attach_scheduler(self, schedule: Schedule) -> None:
        """The channel's way to run a promise check at a given time (PTB's JobQueue on Telegram)."""
        self._schedule = schedule

    @property
    def handoffs(self) -> HandoffDesk:
        return self._handoffs

    @property
    def arrivals(self) -> Arrivals:
        """Where channels register a customer's text as it arrives, so a burst is answered once (bot/policy/fairness.py)."""
        return self._fairness.arrivals

    async def handle(
        self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None = None,
        deliver: Deliver | None = None, button_data: str = "",
    ) -> Reply | None:
        """Process one turn; turns of the same customer run strictly one after another.

        ``deliver`` sends the reply while the customer's lock is still held, so replies reach
        the customer in the order their messages arrived. None means the bot keeps quiet: the
        conversation is with a person, and the message went to their topic.
        """
        turn = replace(turn, text=storable(turn.text), command=storable(turn.command),
                       content_type=storable(turn.content_type))
        customer = replace(customer, display_name=storable(customer.display_name))
        button_data = storable(button_data)
        with urgent_work() if is_crisis(turn.text) else nullcontext():
            try:
                return await with_storage_retries(
                    lambda: self._handle_in_turn(customer, turn, telegram_message_id, deliver, button_data))
            except StorageUnavailable:
                await self.ask_to_wait(customer, turn.text, deliver)
                raise

    async def _handle_in_turn(
        self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None,
        deliver: Deliver | None, button_data: str,
    ) -> Reply | None:
        """One try under the customer's lock (itself in the database on PostgreSQL, so it can fail too).

        The customer's reply bucket is waited out here, holding nothing shared; a text overtaken by a
        newer one of the same customer is stored and left for that one to answer (bot/policy/fairness.py).
        """
        async with self._locks.hold(customer.key):
            if not await self._fairness.answer_now(customer.key, turn.text):
                if await self._fold(customer, turn, telegram_message_id):
                    return None
                await self._fairness.answer_now(customer.key, turn.text, foldable=False)
            outcome = await self._step(customer, turn, telegram_message_id, button_data)
            self._told_to_wait.discard(customer.key)
            reply = outcome.reply
            if deliver is not None and reply is not None and await self._deliver(customer, reply, deliver):
                await self._mark_delivered(reply)
            for effect in outcome.after_reply:
                effect()
            return reply

    async def _deliver(self, customer: CustomerRef, reply: Reply, deliver: Deliver) -> bool:
        """Send the reply; a refusal that will never succeed is final (no redelivery loop), and when the
        customer blocked the bot their case is closed and the agent who had it is told."""
        try:
            await deliver(reply)
            return True
        except CustomerUnreachable:
            await self._handoffs.customer_unreachable(customer.channel, customer.external_id)
        except DeliveryRefused as refused:
            logger.error("reply %s refused by the platform for good: %s", reply.stored_as, refused.reason)
        return False

    async def _fold(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None) -> bool:
        """Store a text that a newer one of the customer will answer; False when it needs handling of its own."""
        if telegram_message_id is None:
            return False
        async with self._fairness.folding:
            return await store_folded(self._database, customer.channel, customer.external_id, customer.display_name,
                                      turn, telegram_message_id)

    async def _mark_delivered(self, reply: Reply) -> None:
        """Right after the send: a redelivered update then knows this reply already reached the customer."""
        if reply.stored_as is None:
            return
        try:
            async with self._database.session() as session:
                await ConversationRepository(session).mark_delivered(reply.stored_as)
        except Exception as error:  # the reply is out; at worst a redelivery sends it a second time
            if not is_storage_outage(error):
                raise
            logger.warning("reply %d sent but not marked delivered: %s", reply.stored_as, type(error).__name__)

    async def _step(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None,
                    button_data: str) -> TurnOutcome:
        if turn.kind is TurnKind.BUTTON and (rating := await self._rate(customer, button_data)) is not None:
            return TurnOutcome(rating)
        if (own := await self._own_data(customer, turn, button_data)) is not None:
            return TurnOutcome(own)
        if telegram_message_id is not None and turn.kind is not TurnKind.BUTTON:
            async with self._database.session() as session:
                earlier = await ConversationRepository(session).earlier_answer(
                    customer.channel, customer.external_id, telegram_message_id, stored_kind(turn), turn.text)
            if earlier is not None:
                return TurnOutcome(await self._replay(customer, turn, telegram_message_id, earlier))
        return await self._turn(customer, turn, telegram_message_id)

    async def ask_to_wait(self, customer: CustomerRef, text: str, deliver: Deliver | None) -> None:
        """The database is down: tell the customer once per outage, in their language if the text shows it."""
        key = customer.key
        if deliver is None or key in self._told_to_wait:
            return
        self._told_to_wait.add(key)
        await deliver(Reply(Move.PLEASE_WAIT, wording_for_text(self._pack, text).storage_down))

    async def _replay(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int,
                      earlier: EarlierTurn) -> Reply | None:
        """A message Telegram sent again after a crash: send the stored answer, decide nothing twice."""
        logger.info("message seen before conversation=%d; %s", earlier.conversation_id,
                    "it was answered" if earlier.reply_delivered
                    else "its stored reply is sent now" if earlier.reply_text else "no reply was stored")
        if earlier.reply_delivered:
            return None
        if earlier.reply_text is not None and earlier.reply_move is not None:
            move = Move(earlier.reply_move)
            buttons = rating_buttons(earlier.conversation_id) if move is Move.CLOSE else ()
            return Reply(move, earlier.reply_text, buttons, stored_as=earlier.reply_id)
        async with self._database.session() as session:
            handed_off = await HandoffRepository(session).open_for(earlier.conversation_id)
        if handed_off is not None:
            await self._relay(handed_off, customer, turn, telegram_message_id)
        return None

    async def _relay(self, handoff: OpenHandoff, customer: CustomerRef, turn: CustomerTurn,
                     telegram_message_id: int | None) -> None:
        """Pass the customer's message to the person who has the conversation, under the customer's name."""
        words = turn.text if turn.kind in (TurnKind.TEXT, TurnKind.EDITED, TurnKind.COMMAND) else ""
        await self._handoffs.relay_from_customer(handoff, customer.display_name or "Customer", words,
                                                 telegram_message_id)

    async def _turn(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None) -> TurnOutcome:
        analysis = await self._analyse(turn)
        promise: tuple[int, dt.datetime] | None = None
        handed_off: OpenHandoff | None = None
        started: HandoffStart | None = None
        async with self._database.session() as session:
            repository = ConversationRepository(session)
            ref = await repository.open_conversation(customer.channel, customer.external_id, customer.display_name)
            language = choose_language(ref.language, analysis, turn.text)
            if language != ref.language:
                await repository.set_language(ref, language)
            signals = None
            if analysis is not None:
                signals = detect_signals(turn.text, await repository.recent_customer_texts(ref))
            await repository.add_customer_message(ref, stored_kind(turn), turn.text, analysis, telegram_message_id, signals)
            handed_off = await HandoffRepository(session).open_for(ref.conversation_id)
            if handed_off is not None and not _is_agent_command(turn):
                await session.commit()
            else:
                handed_off = None
                retrieval = self._retrieve(turn, analysis, language)
                first_contact = ref.customer_messages_before == 0 and turn.kind is TurnKind.TEXT
                promises = PromiseRepository(session)
                state = ConversationState(ref.conversation_id, language, ref.topic_id, ref.apologised,
                                          ref.gestures_given, first_contact, await promises.open_dues(ref.conversation_id))
                decision = decide(turn, analysis, signals, retrieval, state, self._pack, Clock(self._now(), self._zone))
                escalation = await self._escalation(repository, ref, turn, signals, retrieval, decision,
                                                    analysis is not None and analysis.degraded)
                if escalation is not None:
                    started = await self._handoffs.start(
                        session, ref.conversation_id, language, escalation,
                        (analysis.scores.anger, analysis.scores.anxiety) if analysis else None,
                        retrieval.best.topic.id if retrieval and retrieval.best else ref.topic_id,
                    )
                    decision = Decision(started.reply, topic_id=decision.topic_id or ref.topic_id,
                                        apologised=state.apologised,
                                        notes=(f"handed off: {escalation.label} ({escalation.detail})",))
                promise, stored_as = await self._record(repository, promises, ref, language, decision)
        if handed_off is not None:
            await self._relay(handed_off, customer, turn, telegram_message_id)
            logger.info("turn relayed to handoff %d kind=%s", handed_off.id, turn.kind.value)
            return TurnOutcome(None)
        after: list[Callable[[], None]] = []
        if started is not None:
            after.append(partial(self._handoffs.post_card_soon, started))
        logger.info(
            "turn handled conversation=%d kind=%s move=%s emotion_labels=%s signals=%s degraded=%s notes=%s",
            ref.conversation_id, turn.kind.value, decision.reply.move.value,
            ",".join(analysis.labels) if analysis else "-", _names(signals),
            analysis.degraded if analysis else "-", "handed off" if started else ";".join(decision.notes) or "-",
        )
        if promise is not None and self._schedule is not None:
            after.append(partial(self._schedule, *promise))
        return TurnOutcome(replace(decision.reply, stored_as=stored_as), tuple(after))

    async def _record(
        self, repository: ConversationRepository, promises: PromiseRepository, ref: ConversationRef, language: str,
        decision: Decision,
    ) -> tuple[tuple[int, dt.datetime] | None, int]:
        """Store the reply and everything it committed to, in the same transaction as the message."""
        stored_as = await repository.add_bot_message(ref.conversation_id, decision.reply.text,
                                                     decision.reply.move.value, "; ".join(decision.notes))
        await repository.remember(ref, decision.topic_id, decision.apologised)
        if decision.gesture is not None and decision.topic_id is not None:
            await repository.add_gesture(ref, decision.gesture.rule.id, decision.topic_id, decision.gesture.reason)
        if decision.closes:
            await promises.resolve_conversation(ref.conversation_id)
            await repository.close(ref)
        if decision.promise is None:
            return None, stored_as
        draft = decision.promise
        promise_id = await promises.add(ref.conversation_id, draft.topic_id, draft.promised, language, draft.due_at,
                                        draft.check_at, draft.extension_hours)
        return (promise_id, draft.check_at), stored_as

    async def _rate(self, customer: CustomerRef, data: str) -> Reply | None:
        """A tap on a 1–5 rating button; None when the data is not a rating this customer may give."""
        parsed = parse_rating(data)
        if parsed is None:
            return None
        conversation_id, score = parsed
        async with self._database.session() as session:
            repository = ConversationRepository(session)
            outcome = await repository.record_rating(customer.channel, customer.external_id, conversation_id, score)
            if outcome is None:
                return None
            language = outcome if outcome != "rated" else "en"
            closing = self._pack.wording_for(language).closing
            text = (closing.rating_already if outcome == "rated"
                    else fill(closing.thanks_rating, "closing.thanks_rating", language, score=score))
            await repository.add_bot_message(conversation_id, text, Move.THANK_FOR_RATING.value)
        logger.info("rating stored conversation=%d score=%d", conversation_id, score)
        return Reply(Move.THANK_FOR_RATING, text)

    async def _own_data(self, customer: CustomerRef, turn: CustomerTurn, button_data: str) -> Reply | None:
        """/mydata shows what is kept; /forget asks, and the confirming tap erases it. None: not about that.

        The confirming button carries no id: a tap can only ever erase the data of the person who taps.
        """
        wanted = turn.command if turn.kind is TurnKind.COMMAND else button_data if turn.kind is TurnKind.BUTTON else ""
        if wanted not in ("mydata", "forget", FORGET_CONFIRM):
            return None
        async with self._database.session() as session:
            privacy = PrivacyRepository(session)
            data = await privacy.data_of(customer.channel, customer.external_id)
            wording = self._pack.wording_for(data.language if data else "en").privacy
            if data is None:
                return Reply(Move.OWN_DATA, wording.nothing)
            if wanted == "mydata":
                return Reply(Move.OWN_DATA, own_data_text(wording.mydata, data))
            if wanted == "forget":
                return Reply(Move.OWN_DATA, wording.forget_ask, (Button(wording.forget_button, FORGET_CONFIRM),))
            erased = await privacy.erase(customer.channel, customer.external_id, customer.key)
        fates = await self._handoffs.remove_topics(erased.topics)  # after commit: a failure here undoes nothing
        logger.info("customer data erased at their request: %d messages, agents' topics %s", erased.messages,
                    ",".join(f"{thread}:{fate.value}" for thread, fate in fates.items()) or "-")
        return Reply(Move.OWN_DATA, forgotten_text(wording, data.language, erased.messages, fates.values()))

    async def schedule_open_promises(self) -> int:
        """After a (re)start, schedule a check for every open promise in the database."""
        async with self._database.session() as session:
            checks = await PromiseRepository(session).open_checks()
        for promise_id, check_at in checks:
            self._schedule_later(promise_id, check_at)
        return len(checks)

    async def follow_up(self, promise_id: int, deliver: Callable[[CustomerRef, Reply], Awaitable[None]]) -> None:
        """Check one promise: if it is still open, tell the customer honestly and give a new time."""
        async with self._database.session() as session:
            check = await PromiseRepository(session).check(promise_id)
        if check is None:
            return
        customer = CustomerRef(check.channel, check.external_id)
        async with self._locks.hold(customer.key):
            now = self._now()
            async with self._database.session() as session:
                promises = PromiseRepository(session)
                check = await promises.check(promise_id)
                if check is None:
                    return
                if check.check_at > now + dt.timedelta(seconds=1):
                    self._schedule_later(promise_id, check.check_at)
                    return
                wording = self._pack.wording_for(check.language)
                topic = self._pack.topic(check.topic_id, check.language)
                new_due = due_time(max(now, check.due_at), max(check.extension_hours, MIN_EXTENSION_HOURS))
                text = fill(
                    wording.promise_update, "promise_update", wording.language,
                    problem=topic.problem if topic else "", promised=check.promised,
                    deadline=format_deadline(wording, check.due_at, self._zone),
                    new_deadline=format_deadline(wording, new_due, self._zone),
                )
                next_check = check_time(now, new_due)
                await promises.extend(promise_id, new_due, next_check)
                started = await self._missed_promise_handoff(session, check)
                if started is not None:
                    text = f"{text}\n\n{started.reply.text}"
                await ConversationRepository(session).add_bot_message(check.conversation_id, text, Move.PROMISE_UPDATE.value)
            logger.info("promise %d running late: customer told, new due %s", promise_id, new_due.isoformat())
            if not await self._deliver(customer, Reply(Move.PROMISE_UPDATE, text), partial(deliver, customer)):
                return
            if started is not None:
                self._handoffs.post_card_soon(started)
        self._schedule_later(promise_id, next_check)

    async def _missed_promise_handoff(self, session: AsyncSession, check: PromiseCheck) -> HandoffStart | None:
        """The second time a promise runs late, the first new time was missed too: a person takes over."""
        if check.updates < 1 or EscalationReason.MISSED_PROMISE not in self._rules.enabled:
            return None
        if await HandoffRepository(session).open_for(check.conversation_id) is not None:
            return None
        detail = f"{check.promised} was due {check.due_at:%Y-%m-%d %H:%M} UTC, extended {check.updates} time(s)"
        return await self._handoffs.start(session, check.conversation_id, check.language,
                                          Escalation(EscalationReason.MISSED_PROMISE, detail), None, check.topic_id)

    def _schedule_later(self, promise_id: int, at: dt.datetime) -> None:
        if self._schedule is not None:
            self._schedule(promise_id, at)

    async def _escalation(
        self, repository: ConversationRepository, ref: ConversationRef, turn: CustomerTurn, signals: Signals | None,
        retrieval: Retrieval | None, decision: Decision, degraded: bool = False,
    ) -> Escalation | None:
        """Whether a person should take over now (only for text the model or the rules could read)."""
        if signals is None or turn.kind is not TurnKind.TEXT or decision.closes:
            return None
        best = retrieval.best if retrieval else None
        facts = TurnFacts(
            signals=signals, feelings=await repository.recent_feelings(ref),
            tries=await repository.tries_since_settled(ref),
            same_problem=signals.repeated_question or best is None or best.topic.id == ref.topic_id,
            degraded=degraded,
        )
        return should_escalate(facts, self._rules)

    def _retrieve(self, turn: CustomerTurn, analysis: Analysis | None, language: str) -> Retrieval | None:
        if turn.kind is not TurnKind.TEXT or not is_meaningful(turn.text):
            return None
        return self._index.find(turn.text[:4000], language, analysis.embedding if analysis else None)

    async def _analyse(self, turn: CustomerTurn) -> Analysis | None:
        if turn.kind in (TurnKind.TEXT, TurnKind.EDITED) and is_meaningful(turn.text):
            return await self._analyzer.analyse(turn.text, urgent=URGENT_WORK.get())
        return None


def wording_for_text(pack: KnowledgePack, text: str) -> Wording:
    """The wording in the language a text is written in, for a customer whose conversation cannot be read."""
    language = detect_language(text) if is_meaningful(text) else "en"
    return pack.wording_for(language if language in SUPPORTED_LANGUAGES else "en")


_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+")
_POLISH_LETTERS = re.compile(r"[ąćęłńśźżĄĆĘŁŃŚŹŻ]")


def choose_language(current: str, analysis: Analysis | None, text: str = "") -> str:
    """Keep the conversation's language unless the customer clearly writes in another we speak.

    A one- or two-word Latin-script message ("ok", "thanks!", "super") says little about the
    language, so it never switches a conversation; Cyrillic and Chinese script are clear at once.
    """
    if analysis is None or analysis.language == current or analysis.language not in SUPPORTED_LANGUAGES:
        return current
    if analysis.language in ("en", "pl") and len(_LATIN_WORD.findall(text)) < 3 and not _POLISH_LETTERS.search(text):
        return current
    return analysis.language


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: object) -> str:
    """Text a database column can hold: NUL dropped (PostgreSQL refuses it), lone surrogates
    (which JSON can carry but UTF-8 cannot) replaced by U+FFFD; anything not text becomes empty."""
    if not isinstance(text, str):
        return ""
    return _UNSTORABLE.sub(lambda found: "" if found.group() == "\x00" else "\ufffd", text)


def stored_kind(turn: CustomerTurn) -> str:
    if turn.kind is TurnKind.NON_TEXT:
        return turn.content_type or "other"
    return turn.kind.value


FORGET_CONFIRM = "forget:confirm"
OWN_DATA_TEXT_LIMIT = 4000


def forgotten_text(wording: PrivacyWording, language: str, messages: int, topics: Iterable[TopicFate]) -> str:
    """What /forget removed, truthfully: the agents' topic is mentioned as deleted only if every one was."""
    fates = set(topics)
    path = ("forgotten" if not fates else "forgotten_with_topic" if fates == {TopicFate.DELETED}
            else "forgotten_topic_kept")
    return fill(getattr(wording, path), f"privacy.{path}", language, messages=messages)


def own_data_text(header: str, data: CustomerData) -> str:
    """The /mydata reply: the summary, then the latest messages with their dates (clipped to fit one message)."""
    summary = fill(header, "privacy.mydata", data.language, name=data.name or "-", language=data.language,
                   since=f"{data.since:%Y-%m-%d}", conversations=data.conversations, messages=data.messages)
    lines = [f"{when:%Y-%m-%d %H:%M} {sender}: {' '.join(text.split())[:200]}" for when, sender, text in data.recent if text]
    return "\n\n".join([summary, "\n".join(lines)])[:OWN_DATA_TEXT_LIMIT] if lines else summary


def _is_agent_command(turn: CustomerTurn) -> bool:
    """A customer typing an agent's command gets the polite refusal even while a person has the chat."""
    return turn.kind is TurnKind.COMMAND and turn.command in AGENT_COMMANDS


def _names(signals: Signals | None) -> str:
    return signals.for_logs() if signals else "-"
