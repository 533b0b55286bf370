"""One customer turn: read it, store it, decide, and store the reply with everything it commits to.

The unit of work ends before anything leaves the process: the turn returns its reply and the
effects (relay to the agent, post the handoff card, schedule the promise's check) for the caller
to run once the transaction has committed and the reply was sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.policy.assignment import Shift
from bot.policy.decide import decide, is_meaningful
from bot.policy.details import DetailReader
from bot.policy.escalation import (
    Escalation,
    EscalationReason,
    EscalationRules,
    TurnFacts,
    should_escalate,
    tries_since_settled,
)
from bot.policy.feelings_in_context import CONTEXT_MESSAGES, CONTEXT_WINDOW, feelings_in_context
from bot.policy.language import choose_language
from bot.policy.model import AGENT_COMMANDS, Clock, ConversationState, CustomerTurn, Decision, Move, Reply, TurnKind
from bot.policy.orders import LookupRequest, OrderFacts
from bot.policy.talk import rating_buttons
from bot.service.customer import CustomerRef, stored_kind
from bot.service.desk_relay import CustomerMessage
from bot.service.handback_turns import after_handback
from bot.service.handoff_desk import HandoffDesk, HandoffStart
from bot.service.lookups import OrderLookups
from bot.service.own_data import OwnData
from bot.service.promises import PromiseFollowUps
from bot.service.ratings import Ratings
from bot.service.task_desk import TaskDesk
from bot.storage.conversations import ConversationRef, ConversationRepository, EarlierTurn
from bot.storage.database import URGENT_WORK, Database
from bot.storage.handoffs import HandoffRepository, OpenHandoff
from bot.storage.promises import PromiseRepository
from knowledge import KnowledgePack
from knowledge.retrieval import Retrieval, TopicIndex
from nlu.runtime import EmotionAnalyzer
from nlu.signals import Signals, detect_signals
from nlu.types import Analysis

logger = logging.getLogger(__name__)

Effect = Callable[[], Awaitable[None]]
MAX_LOOKUPS_PER_TURN = 3
"""A turn needs at most two lookups (the customer's orders by their shared phone, then the one order); the bound
only stops a loop if a decision ever asked for more."""


class _LookupFirst(Exception):
    """The decision needs the shop's facts: the turn's transaction is rolled back (nothing was stored), the order
    is looked up with no transaction open, and the turn runs again with the facts."""

    def __init__(self, conversation_id: int, request: LookupRequest) -> None:
        super().__init__("lookup first")
        self.conversation_id = conversation_id
        self.request = request


@dataclass(frozen=True)
class TurnOutcome:
    """What a turn decided: the reply, and the effects that run after its transaction committed and the
    reply was sent (in this order, still in the customer's turn so their order is kept)."""

    reply: Reply | None
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class _Decided:
    decision: Decision
    started: HandoffStart | None
    promise: tuple[int, dt.datetime] | None
    stored_as: int
    tasks: tuple[int, ...] = ()
    queued: bool = False
    """A helpdesk delivery was queued with the tasks."""


class CustomerTurns:
    def __init__(self, database: Database, analyzer: EmotionAnalyzer, pack: KnowledgePack, index: TopicIndex,
                 zone: ZoneInfo, now: Callable[[], dt.datetime], rules: EscalationRules, desk: HandoffDesk,
                 promises: PromiseFollowUps, tasks: TaskDesk, reader: DetailReader | None = None,
                 working: Shift | None = None, lookups: OrderLookups | None = None) -> None:
        self._database = database
        self._analyzer = analyzer
        self._pack = pack
        self._index = index
        self._zone = zone
        self._now = now
        self._rules = rules
        self._desk = desk
        self._promises = promises
        self._tasks = tasks
        self._reader = reader or DetailReader()
        self._working = working
        self._lookups = lookups
        self._ratings = Ratings(database, pack)
        self._own_data = OwnData(database, pack, desk, tasks.cards)

    async def step(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None,
                   button_data: str) -> TurnOutcome:
        """Whatever this turn is: a rating tap, a question about the customer's own data, a message Telegram
        sent again, or a new message to decide on."""
        if turn.kind is TurnKind.BUTTON and (rating := await self._ratings.rate(customer, button_data)) is not None:
            return TurnOutcome(rating)
        if (own := await self._own_data.answer(customer, turn, button_data)) is not None:
            return TurnOutcome(own)
        if telegram_message_id is not None and turn.kind is not TurnKind.BUTTON:
            async with self._database.session() as session:
                earlier = await ConversationRepository(session).earlier_answer(
                    customer.channel, customer.external_id, telegram_message_id, stored_kind(turn), turn.text)
            if earlier is not None:
                return await self._replay(customer, turn, telegram_message_id, earlier)
        return await self._turn(customer, turn, telegram_message_id)

    async def _replay(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int,
                      earlier: EarlierTurn) -> TurnOutcome:
        """A message Telegram sent again after a crash: send the stored answer, decide nothing twice."""
        logger.info("message seen before conversation=%d; %s", earlier.conversation_id,
                    "it was answered" if earlier.reply_delivered
                    else "its stored reply is sent now" if earlier.reply_text else "no reply was stored")
        if earlier.reply_delivered:
            return TurnOutcome(None)
        if earlier.reply_text is not None and earlier.reply_move is not None:
            move = Move(earlier.reply_move)
            buttons = rating_buttons(earlier.conversation_id) if move is Move.CLOSE else ()
            return TurnOutcome(Reply(move, earlier.reply_text, buttons, stored_as=earlier.reply_id))
        async with self._database.session() as session:
            handed_off = await HandoffRepository(session).open_for(earlier.conversation_id)
        if handed_off is None:
            return TurnOutcome(None)
        return TurnOutcome(None, (self._relay(handed_off, customer, turn, telegram_message_id),))

    def _relay(self, handoff: OpenHandoff, customer: CustomerRef, turn: CustomerTurn,
               telegram_message_id: int | None) -> Effect:
        """Pass the customer's message to the person who has the conversation, under the customer's name."""
        words = turn.kind in (TurnKind.TEXT, TurnKind.EDITED, TurnKind.COMMAND)
        media = "" if words else turn.content_type or turn.kind.value
        message = CustomerMessage(customer.display_name or "Customer", turn.text, telegram_message_id, media,
                                  turn.reply_to, edited=turn.kind is TurnKind.EDITED)

        async def relay() -> None:
            await self._desk.relay.from_customer(handoff, message)
        return relay

    async def _turn(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None) -> TurnOutcome:
        analysis = await self._analyse(turn)
        facts: tuple[OrderFacts, ...] = ()
        for _ in range(MAX_LOOKUPS_PER_TURN):
            try:
                return await self._decided_turn(customer, turn, telegram_message_id, analysis, facts)
            except _LookupFirst as needed:
                assert self._lookups is not None  # only a service with a shop asks for a lookup
                facts = (*facts, await self._lookups.facts(needed.conversation_id, needed.request))
        return await self._decided_turn(customer, turn, telegram_message_id, analysis, facts, last=True)

    async def _decided_turn(self, customer: CustomerRef, turn: CustomerTurn, telegram_message_id: int | None,
                            analysis: Analysis | None, facts: tuple[OrderFacts, ...], last: bool = False) -> TurnOutcome:
        decided: _Decided | None = None
        waits = False
        async with self._database.session() as session:
            repository = ConversationRepository(session)
            ref = await repository.open_conversation(customer.channel, customer.external_id, customer.display_name)
            language = choose_language(ref.language, analysis, turn.text)
            if language != ref.language:
                await repository.set_language(ref, language)
            signals = context = None
            if analysis is not None:
                signals = detect_signals(turn.text, await repository.recent_customer_texts(ref))
                earlier = await repository.earlier_scores(ref, CONTEXT_WINDOW, CONTEXT_MESSAGES)
                context = feelings_in_context(analysis.scores, analysis.labels, turn.text, earlier)
            await repository.add_customer_message(ref, stored_kind(turn), turn.text, analysis, telegram_message_id,
                                                  signals, context)
            # The reply, its gestures and the escalation are decided on the feelings in context; the message's own
            # scores stay stored beside them.
            analysis = context.applied_to(analysis) if context is not None and analysis is not None else analysis
            handed_off = await HandoffRepository(session).open_for(ref.conversation_id)
            answer = (await self._tasks.customer_answers(session, ref.conversation_id, turn.text)
                      if handed_off is None and turn.kind is TurnKind.TEXT and is_meaningful(turn.text) else None)
            if answer is not None:
                text, pass_on = answer
                stored_as = await repository.add_bot_message(ref.conversation_id, text, Move.TASK_UPDATE.value,
                                                             "the customer answered a team's question")
            elif handed_off is None or _is_agent_command(turn):
                decided = await self._decide(session, repository, ref, turn, analysis, signals, language, facts, last)
            else:
                waits = await self._desk.customer_waits(session, handed_off)
        if answer is not None:
            return TurnOutcome(Reply(Move.TASK_UPDATE, text, stored_as=stored_as), (pass_on,))
        if decided is None:
            assert handed_off is not None  # decided is None only while a person has the conversation
            logger.info("turn stored for handoff %d kind=%s; relaying it", handed_off.id, turn.kind.value)
            relay = self._relay(handed_off, customer, turn, telegram_message_id)
            return TurnOutcome(None, (relay, self._refresh_card(handed_off.id)) if waits else (relay,))
        decision, started = decided.decision, decided.started
        logger.info(
            "turn handled conversation=%d kind=%s move=%s emotion_labels=%s signals=%s degraded=%s notes=%s",
            ref.conversation_id, turn.kind.value, decision.reply.move.value,
            ",".join(analysis.labels) if analysis else "-", _names(signals),
            analysis.degraded if analysis else "-", "handed off" if started else ";".join(decision.notes) or "-",
        )
        effects: list[Effect] = []
        if started is not None:
            effects.append(self._post_card(started))
        if decided.promise is not None and not decided.tasks:
            effects.append(self._schedule_check(*decided.promise))
        if decided.tasks:
            effects.append(self._post_task_cards(decided.tasks, decided.queued))
        return TurnOutcome(replace(decision.reply, stored_as=decided.stored_as), tuple(effects))

    def _post_card(self, started: HandoffStart) -> Effect:
        async def post() -> None:
            if started.reopened:
                await self._desk.announce_reopened(started)
            else:
                self._desk.post_card_soon(started)
        return post

    def _refresh_card(self, handoff_id: int) -> Effect:
        async def refresh() -> None:
            self._desk.cards.refresh_soon(handoff_id)
        return refresh

    def _post_task_cards(self, task_ids: tuple[int, ...], queued: bool) -> Effect:
        async def post() -> None:
            self._tasks.after_commit(task_ids, queued)
        return post

    def _schedule_check(self, promise_id: int, at: dt.datetime) -> Effect:
        async def schedule() -> None:
            self._promises.schedule(promise_id, at)
        return schedule

    async def _decide(self, session: AsyncSession, repository: ConversationRepository, ref: ConversationRef,
                      turn: CustomerTurn, analysis: Analysis | None, signals: Signals | None,
                      language: str, facts: tuple[OrderFacts, ...] = (), last: bool = False) -> _Decided:
        """Decide the reply (or a handoff) and store it with what it commits to, in the turn's transaction.

        A decision that needs the shop's facts first raises ``_LookupFirst``, which rolls the transaction back."""
        retrieval = self._retrieve(turn, analysis, language)
        first_contact = ref.customer_messages_before == 0 and turn.kind is TurnKind.TEXT
        promises = PromiseRepository(session)
        if turn.kind is TurnKind.TEXT and (again := await self._desk.same_person_again(
                session, ref.conversation_id, ref.customer_id, turn.text, language)) is not None:
            decision = Decision(again.reply, topic_id=ref.topic_id, apologised=ref.apologised, case=ref.case,
                                notes=("asked for the same person again",))
            return _Decided(decision, again, None, (await self._record(repository, promises, ref, language, decision))[1])
        handback = await after_handback(session, ref.conversation_id, turn)
        turn = handback.turn
        moves = await repository.latest_bot_moves(ref)
        state = ConversationState(ref.conversation_id, language, ref.topic_id, ref.apologised,
                                  ref.gestures_given, first_contact, await promises.open_dues(ref.conversation_id),
                                  ref.case, moves[0] if moves else "", handback.agent,
                                  handback.view is not None and handback.view.rating_asked)
        shop = self._lookups.shop_name if self._lookups else None
        clock = Clock(self._now(), self._zone, self._working, await self._tasks.timings(session))
        decision = decide(turn, analysis, signals, retrieval, state, self._pack, clock, self._reader, shop, facts)
        if decision.lookup is not None:
            if last or self._lookups is None:
                raise RuntimeError(f"the turn asked for a lookup it was not given: {decision.notes}")
            raise _LookupFirst(ref.conversation_id, decision.lookup)
        escalation = (Escalation(EscalationReason.UNVERIFIED, "no order matched the customer's email or phone")
                      if decision.hand_off else
                      await self._escalation(repository, ref, turn, signals, retrieval, decision, moves,
                                             analysis is not None and analysis.degraded))
        started: HandoffStart | None = None
        if escalation is not None:
            started = await self._desk.start(
                session, ref.conversation_id, language, escalation,
                (analysis.scores.anger, analysis.scores.anxiety) if analysis else None,
                retrieval.best.topic.id if retrieval and retrieval.best else ref.topic_id,
            )
            said_first = decision.reply.text if decision.hand_off else ""
            reply = replace(started.reply, text="\n\n".join(part for part in (said_first, started.reply.text) if part))
            decision = Decision(reply, topic_id=decision.topic_id or ref.topic_id,
                                apologised=state.apologised, case=decision.case,
                                notes=(f"handed off: {escalation.label} ({escalation.detail})",))
        if handback.view is not None and decision.reply.move is Move.CLOSE and decision.reply.buttons:
            await handback.rating_asked(session)
        promise, stored_as = await self._record(repository, promises, ref, language, decision)
        tasks, queued = await self._record_tasks(session, repository, ref, language, decision, promise)
        return _Decided(decision, started, promise, stored_as, tasks, queued)

    async def _record_tasks(self, session: AsyncSession, repository: ConversationRepository, ref: ConversationRef,
                            language: str, decision: Decision, promise: tuple[int, dt.datetime] | None,
                            ) -> tuple[tuple[int, ...], bool]:
        """Every commitment of the reply becomes a team's task, in the same transaction; a priority the bot
        granted later in the case moves the task it already made."""
        if decision.tasks:
            return await self._tasks.record(session, ref.conversation_id, language, decision.tasks,
                                            promise[0] if promise else None,
                                            await repository.recent_customer_texts(ref))
        gesture = decision.gesture
        if gesture is not None and not gesture.rule.team and decision.topic_id is not None:
            await self._tasks.prioritise(session, ref.conversation_id, decision.topic_id)
        return (), False

    async def _record(
        self, repository: ConversationRepository, promises: PromiseRepository, ref: ConversationRef, language: str,
        decision: Decision,
    ) -> tuple[tuple[int, dt.datetime] | None, int]:
        """Store the reply and everything it committed to, in the same transaction as the message."""
        case = decision.case or ref.case
        stored_as = await repository.add_bot_message(ref.conversation_id, decision.reply.text,
                                                     decision.reply.move.value, "; ".join(decision.notes), case)
        await repository.remember(ref, decision.topic_id, decision.apologised)
        if decision.case is not None:
            await repository.remember_case(ref, decision.case)
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

    async def _escalation(
        self, repository: ConversationRepository, ref: ConversationRef, turn: CustomerTurn, signals: Signals | None,
        retrieval: Retrieval | None, decision: Decision, moves: list[str], degraded: bool = False,
    ) -> Escalation | None:
        """Whether a person should take over now (only for text the model or the rules could read).

        A turn that moved the case on (a detail given, a new problem, small talk) is no failed try,
        however often the bot spoke before.
        """
        if signals is None or turn.kind is not TurnKind.TEXT or decision.closes:
            return None
        best = retrieval.best if retrieval else None
        facts = TurnFacts(
            signals=signals, feelings=await repository.recent_feelings(ref),
            tries=tries_since_settled(moves),
            same_problem=not decision.progressed and (signals.repeated_question or best is None
                                                      or best.topic.id == ref.topic_id),
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


def _is_agent_command(turn: CustomerTurn) -> bool:
    """A customer typing an agent's command gets the polite refusal even while a person has the chat."""
    return turn.kind is TurnKind.COMMAND and turn.command in AGENT_COMMANDS


def _names(signals: Signals | None) -> str:
    return signals.for_logs() if signals else "-"
