"""A customer's case across turns: which problem, which details are in, what the bot waits for, what it promised.

The first reply on a case meets the customer's feeling, says what the bot knows and asks for the
first missing detail; each answer fills the form, and once every detail is in, the bot commits
to the next step and its time, naming what it was given ("order #48213"). It never asks again for
what it has, takes a value given early or corrected, answers a side question and comes back, and
only commits to a time for the problem the customer actually has.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from bot.policy.compose import compose_answer, join_sentences
from bot.policy.deadlines import check_time, format_deadline
from bot.policy.details import DetailReader, shown
from bot.policy.gestures import choose_gesture
from bot.policy.model import Case, Clock, ConversationState, Decision, Move, PromiseDraft, Reply, TaskPlan
from bot.policy.order_facts import Finding, Told, moment, money, request_kinds, tell
from bot.policy.orders import LookupRequest, OrderFacts
from bot.policy.tasks import commitment_due
from knowledge import KnowledgePack, Topic, Wording, fill
from knowledge.retrieval import Retrieval, TopicMatch
from nlu.types import Emotion

DEFAULT_ATTEMPTS = 2
MAX_FAILED_PROOFS = 3
"""Lookups that found no order with the customer's contact before a person takes over."""
SWITCH_CONFIDENCE = 0.7
"""While the bot waits on a detail, only a clear match for another topic is a new problem; a weaker one is
an answer that could not be read."""
FELT = frozenset({Emotion.ANGER, Emotion.ANXIETY, Emotion.SADNESS, Emotion.CONFUSION})
"""Feelings a reply meets before it says anything else."""


@dataclass(frozen=True)
class Reading:
    """What the engine read in one customer turn."""

    text: str
    emotion: Emotion
    score: float
    """The score of ``emotion``: how strongly the customer feels it."""
    scores: dict[str, float]
    best: TopicMatch | None
    retrieval: Retrieval | None
    opening: tuple[str, ...] = ()
    """An introduction (first contact) or a note on a long message, said first."""
    photo: bool = False
    """The turn is a photo: it fills a detail of kind photo."""
    request: bool = False
    """The customer asks for action ("can you get it fixed?"): pressing on the case, not a new problem."""


@dataclass(frozen=True)
class Scene:
    """The conversation and the shop the turn happens in."""

    state: ConversationState
    pack: KnowledgePack
    clock: Clock
    reader: DetailReader
    shop: str | None = None
    """The shop backend the bot can look orders up in ("demo", "shopify", ...); None: no shop connected."""
    facts: tuple[OrderFacts, ...] = ()
    """What the lookups this turn asked for found (the service looks up, then decides again with them)."""

    @property
    def wording(self) -> Wording:
        return self.pack.wording_for(self.state.language)

    @property
    def case(self) -> Case:
        """The stored case; a state built with only a topic (a test, an old row) is a case on that topic."""
        case = self.state.case
        return case if case.topic_id or not self.state.topic_id else replace(case, topic_id=self.state.topic_id)

    def topic(self, topic_id: str | None) -> Topic | None:
        return self.pack.topic(topic_id, self.state.language) if topic_id else None

    def kind_of(self, detail: str) -> str:
        rule = self.pack.details.get(detail)
        return rule.kind if rule else "text"

    def attempts_for(self, detail: str) -> int:
        rule = self.pack.details.get(detail)
        return rule.attempts if rule else DEFAULT_ATTEMPTS

    def named(self, detail: str) -> str:
        words = self.wording.details.get(detail)
        return words.name if words else detail

    def question(self, detail: str) -> str:
        words = self.wording.details.get(detail)
        return words.ask if words else self.wording.clarify

    def facts_for(self, request: LookupRequest) -> OrderFacts | None:
        return next((facts for facts in self.facts if facts.request == request), None)

    def needs(self, topic: Topic) -> tuple[str, ...]:
        """The topic's details, and with a shop connected the contact that proves the order is the customer's."""
        if self.shop and topic.lookup and "contact" not in topic.needs:
            return (*topic.needs, "contact")
        return topic.needs

    def button_for(self, detail: str, topic: Topic) -> str:
        """Telegram's "share my phone number" button goes with the question for a contact, and with the question for
        the order's number when the shop can find the customer's orders by the number Telegram vouches for."""
        if self.kind_of(detail) == "contact" or (detail == "order_ref" and "contact" in self.needs(topic)):
            return self.wording.shop.share_phone
        return ""

    def ask(self, detail: str, topic: Topic) -> str:
        """The form's question; for an order number with a shop connected, also how to find it without one."""
        if detail == "order_ref" and "contact" in self.needs(topic):
            return join_sentences(self.question(detail), self.wording.shop.find_by_phone)
        return self.question(detail)


def case_turn(reading: Reading, scene: Scene) -> Decision | None:
    """The reply that moves the case on, or None when the turn is about no topic at all (the caller clarifies)."""
    case, current = scene.case, scene.topic(scene.case.topic_id)
    best = reading.best
    new_topic = best.topic if best is not None and (current is None or best.topic.id != current.id) else None
    if new_topic is not None and case.awaiting and best is not None and best.confidence < SWITCH_CONFIDENCE:
        new_topic = None  # "I can't find it" while the bot waits for an order number is no new problem
    awaited = _awaited_value(reading, scene, new_topic)
    if new_topic is not None and awaited is None:
        if case.awaiting and current is not None and not new_topic.needs and not new_topic.promises:
            return _side_question(reading, scene, scene.topic(new_topic.id) or new_topic, current)
        topic = scene.topic(new_topic.id) or new_topic
        # The details stay with the conversation: an order number given for one problem is the customer's
        # order for the next one too (and the reply names it, so a different order is corrected at once).
        return _on_topic(reading, scene, topic, Case(topic.id, case.slots), None, first=True)
    if current is None:
        return None
    if (best is None and awaited is None and not case.awaiting and not reading.request
            and not scene.reader.find_given({name: scene.kind_of(name) for name in scene.needs(current)}, reading.text)):
        return None
    return _on_topic(reading, scene, current, case, awaited, first=False)


def _awaited_value(reading: Reading, scene: Scene, new_topic: Topic | None) -> str | None:
    """The answer to the bot's own question, if this turn holds one.

    Free text is taken as the answer only when it is not a question about another topic: "how
    much is return shipping?" while the bot waits for an address is a side question.
    """
    detail = scene.case.awaiting
    if detail is None:
        return None
    kind = scene.kind_of(detail)
    if kind == "photo":
        return "photo" if reading.photo else None
    if kind == "text" and new_topic is not None:
        return None
    return scene.reader.read_answer(kind, reading.text)


def _on_topic(reading: Reading, scene: Scene, topic: Topic, case: Case, awaited: str | None,
              first: bool) -> Decision:
    """Fill what this turn gives, then ask for what is still missing or commit to the next step."""
    before = case
    progressed = first
    received: list[str] = []
    if case.awaiting is not None and awaited is not None:
        received.append(case.awaiting)
        case = replace(case.with_value(case.awaiting, awaited), awaiting=None, misses=0)
        progressed = True
    needs = scene.needs(topic)
    wanted = {name: scene.kind_of(name) for name in needs if name != before.awaiting or awaited is None}
    corrected: list[str] = []
    for name, value in scene.reader.find_given(wanted, reading.text).items():
        if case.value(name) == value:
            continue
        (corrected if case.value(name) is not None else received).append(name)
        case = case.with_value(name, value)
        progressed = True
    if case.awaiting is not None and case.value(case.awaiting) is not None:
        case = replace(case, awaiting=None, misses=0)
    missing = [name for name in needs if case.value(name) is None]
    # Names only: notes go to the log, and a detail's value may be an email, a phone number or an address.
    notes = [f"case {topic.id}: " + (", ".join(name for name, _ in case.slots) or "no details yet")]
    said_corrected = tuple(_said(scene, "corrected", name, case) for name in corrected)
    if missing:
        noted = tuple(_said(scene, "noted", name, case) for name in received if scene.kind_of(name) != "photo")
        return _ask(reading, scene, topic, case, missing[0], first, progressed, (*said_corrected, *noted), notes)
    return _commit(reading, scene, topic, replace(case, settled=True), first, progressed, said_corrected, notes)


def _ask(reading: Reading, scene: Scene, topic: Topic, case: Case, detail: str, first: bool, progressed: bool,
         said: tuple[str, ...], notes: list[str]) -> Decision:
    wording = scene.wording
    question = scene.ask(detail, topic)
    if first or (case.awaiting is None and not progressed):
        composed = compose_answer(topic, wording, reading.emotion, reading.score, scene.state.apologised,
                                  join_sentences(*said, question), opening=reading.opening)
        return Decision(Reply(Move.ASK_DETAIL, composed.text, contact_button=scene.button_for(detail, topic)), topic_id=topic.id,
                        apologised=scene.state.apologised or composed.apologised,
                        case=replace(case, awaiting=detail, misses=0, settled=False), progressed=True,
                        notes=(*notes, f"asked for {detail}", f"met {reading.emotion}"))
    if progressed or case.awaiting != detail:
        text = join_sentences(*reading.opening, *said, question)
        return Decision(Reply(Move.ASK_DETAIL, text, contact_button=scene.button_for(detail, topic)), topic_id=topic.id,
                        apologised=scene.state.apologised,
                        case=replace(case, awaiting=detail, misses=0, settled=False), progressed=progressed,
                        notes=(*notes, f"asked for {detail}"))
    misses = case.misses + 1
    if misses >= scene.attempts_for(detail):
        text = fill(wording.conversation.offer_person, "conversation.offer_person", wording.language,
                    name=scene.named(detail))
        why = f"could not read {detail} {misses} time(s): offered a person"
    elif reading.best is not None:
        # The customer said more about the problem instead of giving the detail: what we know, and the question.
        text = f"{topic.answer}\n\n{question}"
        why = f"no {detail} in a message about the problem: answered and asked again"
    else:
        details = wording.details.get(detail)
        text = details.invalid if details else question
        why = f"could not read {detail}: asked again"
    return Decision(Reply(Move.ASK_DETAIL, text, contact_button=scene.button_for(detail, topic)), topic_id=topic.id,
                    apologised=scene.state.apologised, case=replace(case, misses=misses), notes=(*notes, why))


def _commit(reading: Reading, scene: Scene, topic: Topic, case: Case, first: bool, progressed: bool,
            said_corrected: tuple[str, ...], notes: list[str]) -> Decision:
    """Every detail is in: with a shop connected, what its data says; then the next step, with its time when the
    topic promises one (or, when the data shows nothing wrong, what to do if that changes)."""
    told: Told | None = None
    if scene.shop and topic.lookup:
        looked = _look_up(scene, topic, case, progressed, notes)
        if isinstance(looked, Decision):
            return looked
        told, case = looked
        notes = [*notes, told.note]
        if told.finding in (Finding.FINE, Finding.DISPUTED):
            return _facts_only(reading, scene, topic, case, told, first, progressed, said_corrected, notes)
    wording, state, clock = scene.wording, scene.state, scene.clock
    gesture = choose_gesture(scene.pack.gestures, topic.id, reading.scores, state.gestures_given)
    granted = gesture is not None and not gesture.rule.team  # the bot's own gesture: priority in the team's queue
    cap = (gesture.rule.resolution_hours or None) if gesture is not None and granted else None
    existing = dict(state.open_promises).get(topic.id)
    due = (existing or commitment_due(clock, topic.team, topic.resolution_hours, cap)) if topic.promises else None
    deadline = format_deadline(wording, due, clock.zone) if due else ""
    asked = (commitment_due(clock, gesture.rule.team, gesture.rule.resolution_hours or topic.resolution_hours)
             if gesture is not None and gesture.rule.team else None)
    values = {name: shown(scene.kind_of(name), value) for name, value in case.slots}
    step = join_sentences(told.text if told else "",
                          fill(topic.next_step, f"topics.{topic.id}.next_step", wording.language, deadline=deadline,
                               **values))
    explain = told is None or told.finding is Finding.UNCLEAR
    announced = fill(wording.gestures[gesture.rule.id], f"gestures.{gesture.rule.id}", wording.language,
                     problem=topic.problem, owner=topic.owner,
                     deadline=format_deadline(wording, asked, clock.zone) if asked else "") if gesture else ""
    extras: tuple[str, ...] = (announced,) if announced else ()
    if told is not None and told.link:
        extras = (*extras, told.link)
    apologised = state.apologised
    if first:
        composed = compose_answer(topic, wording, reading.emotion, reading.score, state.apologised, step, extras,
                                  reading.opening, follow_up=topic.promises, explain=explain)
        text, apologised = composed.text, apologised or composed.apologised
    elif reading.emotion in FELT:
        # Later in the case, with feeling: meet it (an apology only once), then the step and its time, not
        # the explanation a second time.
        composed = compose_answer(topic, wording, reading.emotion, reading.score, state.apologised, step, extras,
                                  reading.opening, explain=False)
        text, apologised = composed.text, apologised or composed.apologised
    else:
        follow = (wording.follow_up,) if topic.promises and existing is None else ()
        text = "\n\n".join(part for part in (*said_corrected, join_sentences(*reading.opening, step, *follow), *extras)
                           if part)
    promise = None
    if due is not None and existing is None:
        promise = PromiseDraft(topic.id, topic.promised, due, check_time(clock.now, due), topic.extension_hours)
    order_ref = case.value("order_ref")
    work = partial(TaskPlan, topic_id=topic.id, order_ref=order_ref, facts=told.note if told else "",
                   verified=bool(order_ref) and order_ref in case.verified)
    tasks = (*((work(topic.team, topic.id, promised=topic.promised, due_at=promise.due_at, priority=int(granted),
                     keeps_promise=True),) if promise is not None else ()),
             *((work(gesture.rule.team, f"gesture:{gesture.rule.id}", promised=announced, due_at=asked),)
               if gesture is not None and asked is not None else ()))
    move = Move.CORRECTED if said_corrected else Move.ANSWER
    return Decision(
        Reply(move, text), topic_id=topic.id, apologised=apologised, promise=promise, gesture=gesture,
        case=case, progressed=progressed, tasks=tasks,
        notes=(*notes, f"answered from topic {topic.id}" + (f" (confidence {reading.best.confidence:.2f})"
                                                             if reading.best else ""),
               f"met {reading.emotion}", *((f"gave {gesture.rule.id}",) if gesture else ()),
               *(("promised a time",) if promise else ())),
    )


def _look_up(scene: Scene, topic: Topic, case: Case, progressed: bool, notes: list[str]) -> Decision | tuple[Told, Case]:
    """The facts for the case's order, or the decision that asks the service to fetch them (or to try the proof
    again, or to hand over after too many failed proofs)."""
    wording = scene.wording
    ref, contact = case.value("order_ref") or "", case.value("contact") or ""
    request = LookupRequest(ref, contact, request_kinds(topic.lookup))
    facts = scene.facts_for(request)
    shown_ref = shown("order_ref", ref)
    if facts is None:
        return Decision(Reply(Move.ANSWER, ""), topic_id=topic.id, apologised=scene.state.apologised, case=case,
                        progressed=progressed, lookup=request, notes=(*notes, "looking the order up"))
    if facts.unavailable is not None:
        text = fill(wording.shop.unavailable, "shop.unavailable", wording.language, order_ref=shown_ref)
        return Told(text, Finding.UNCLEAR, f"shop unavailable ({facts.unavailable})"), case
    if not facts.found or facts.order is None:
        return _not_proved(scene, topic, case, shown_ref, notes)
    proved = case if ref in case.verified else replace(case, verified=(*case.verified, ref))
    return tell(topic.lookup, facts, wording, scene.clock, shown_ref), proved


def _not_proved(scene: Scene, topic: Topic, case: Case, shown_ref: str, notes: list[str]) -> Decision:
    """The shop has no such order with that contact: ask again without saying which was wrong; after the third
    failure a person takes over, and nothing about the order is shown."""
    wording = scene.wording
    failed = case.failed_proofs + 1
    case = replace(case.without("contact"), failed_proofs=failed, awaiting="contact", misses=0, settled=False)
    if failed >= MAX_FAILED_PROOFS:
        text = fill(wording.shop.not_found_final, "shop.not_found_final", wording.language, order_ref=shown_ref)
        return Decision(Reply(Move.ASK_DETAIL, text), topic_id=topic.id, apologised=scene.state.apologised,
                        case=replace(case, awaiting=None), progressed=True, hand_off=True,
                        notes=(*notes, f"no order with that contact, {failed} times: a person takes over"))
    again = failed == MAX_FAILED_PROOFS - 1
    text = fill(wording.shop.not_found_again if again else wording.shop.not_found,
                f"shop.{'not_found_again' if again else 'not_found'}", wording.language, order_ref=shown_ref)
    return Decision(Reply(Move.ASK_DETAIL, text, contact_button=wording.shop.share_phone), topic_id=topic.id,
                    apologised=scene.state.apologised, case=case, progressed=True,
                    notes=(*notes, f"no order with that contact ({failed} of {MAX_FAILED_PROOFS})"))


def _facts_only(reading: Reading, scene: Scene, topic: Topic, case: Case, told: Told, first: bool, progressed: bool,
                said_corrected: tuple[str, ...], notes: list[str]) -> Decision:
    """The data shows nothing wrong (a hold, a parcel on its way), or contradicts the customer: the facts, then what
    to do if they change, or a person who can look at it with them. No promise: there is nothing for a team to do."""
    wording, state = scene.wording, scene.state
    tail = wording.shop.watch if told.finding is Finding.FINE else wording.shop.disputed
    step = join_sentences(told.text, fill(tail, f"shop.{'watch' if told.finding is Finding.FINE else 'disputed'}",
                                          wording.language, owner=topic.owner))
    apologised = state.apologised
    links = (told.link,) if told.link else ()
    if first or reading.emotion in FELT:
        composed = compose_answer(topic, wording, reading.emotion, reading.score, state.apologised, step, links,
                                  opening=reading.opening, explain=False)
        text, apologised = composed.text, apologised or composed.apologised
    else:
        text = "\n\n".join(part for part in (*said_corrected, join_sentences(*reading.opening, step), *links) if part)
    return Decision(Reply(Move.CORRECTED if said_corrected else Move.ANSWER, text), topic_id=topic.id,
                    apologised=apologised, case=replace(case, settled=True), progressed=progressed,
                    notes=(*notes, f"answered from the shop's data: {told.finding}", f"met {reading.emotion}"))


def _side_question(reading: Reading, scene: Scene, side: Topic, current: Topic) -> Decision:
    """A question about something else while the case waits on a detail: answer it, then come back."""
    wording, case = scene.wording, scene.case
    assert case.awaiting is not None  # only called while the bot waits on a detail
    step = fill(side.next_step, f"topics.{side.id}.next_step", wording.language, deadline="")
    back = fill(wording.conversation.back_to_case, "conversation.back_to_case", wording.language,
                problem=current.problem)
    text = "\n\n".join((join_sentences(*reading.opening, side.answer), step,
                        join_sentences(back, scene.question(case.awaiting))))
    return Decision(Reply(Move.ANSWER, text), topic_id=current.id, apologised=scene.state.apologised, case=case,
                    progressed=True, notes=(f"answered side question {side.id}", f"back to {current.id}"))


def _said(scene: Scene, what: str, detail: str, case: Case) -> str:
    """"Got it: order number #48213." (``noted``) or "I've changed the order number to #48214." (``corrected``)."""
    wording = scene.wording
    template = wording.conversation.noted if what == "noted" else wording.conversation.corrected
    return fill(template, f"conversation.{what}", wording.language, name=scene.named(detail),
                value=shown(scene.kind_of(detail), case.value(detail) or ""))


def shared_contact(scene: Scene, phone: str) -> Decision | None:
    """The customer shared their own phone number with Telegram's button: it is the case's contact, and the case
    goes on (the lookup checks it against the order). None when there is no case to use it for."""
    current = scene.topic(scene.case.topic_id)
    if current is None or "contact" not in scene.needs(current):
        return None
    reading = Reading("", Emotion.NEUTRAL, 0.0, {}, None, None)
    if scene.case.value("order_ref") is None:
        return _orders_of(reading, scene, current, replace(scene.case.with_value("contact", phone), awaiting=None))
    return _on_topic(reading, scene, current, replace(scene.case, awaiting="contact"), phone, first=False)


def _orders_of(reading: Reading, scene: Scene, topic: Topic, case: Case) -> Decision:
    """The customer does not have the order's number but shared the phone Telegram vouches for: their recent orders
    by that number (one is taken at once; several are listed to choose from; none, and the bot asks for the number)."""
    wording, words = scene.wording, scene.wording.shop
    request = LookupRequest("", case.value("contact") or "", ())
    facts = scene.facts_for(request)
    if facts is None:
        return Decision(Reply(Move.ASK_DETAIL, ""), topic_id=topic.id, apologised=scene.state.apologised, case=case,
                        progressed=True, lookup=request, notes=("looking up the orders of the shared phone",))
    if len(facts.orders) == 1:
        ref = facts.orders[0].ref
        found = fill(words.one_order, "shop.one_order", wording.language, order_ref=shown("order_ref", ref))
        return _on_topic(replace(reading, opening=(found,)), scene, topic, case.with_value("order_ref", ref), None,
                         first=False)
    button = words.share_phone
    if facts.orders:
        lines = [fill(words.order_line, "shop.order_line", wording.language, order_ref=shown("order_ref", summary.ref),
                      placed=moment(summary.placed_at, wording, scene.clock), total=money(summary.total, summary.currency))
                 for summary in facts.orders]
        text = fill(words.orders_found, "shop.orders_found", wording.language, orders="\n".join(lines))
        case, button, why = replace(case, awaiting="order_ref"), "", f"listed {len(lines)} orders of the shared phone"
    elif facts.unavailable is not None:
        text, case, why = words.orders_unavailable, replace(case.without("contact"), awaiting="order_ref"), \
            f"shop unavailable ({facts.unavailable})"
    else:
        text, case, why = words.no_orders, replace(case.without("contact"), awaiting="order_ref"), \
            "no orders with the shared phone"
    return Decision(Reply(Move.ASK_DETAIL, text, contact_button=button), topic_id=topic.id,
                    apologised=scene.state.apologised, case=case, progressed=True, notes=(why,))


def photo_for_case(scene: Scene) -> Decision | None:
    """A photo the case is waiting for (a damaged item): it fills the detail and the case goes on."""
    case, current = scene.case, scene.topic(scene.case.topic_id)
    if case.awaiting is None or current is None or scene.kind_of(case.awaiting) != "photo":
        return None
    reading = Reading("", Emotion.NEUTRAL, 0.0, {}, None, None, photo=True)
    return _on_topic(reading, scene, current, case, "photo", first=False)


def with_given_details(reading: Reading, scene: Scene) -> Case | None:
    """The case holding the shaped details this turn gave (an order number) when no topic was found yet, so the
    answer to the bot's clarifying question goes on with them; None when the turn gave none."""
    wanted = {name: rule.kind for name, rule in scene.pack.details.items()}
    given = scene.reader.find_given(wanted, reading.text)
    if not given:
        return None
    case = scene.case
    for name, value in given.items():
        case = case.with_value(name, value)
    return case
