"""The conversation engine: pure decisions from plain data to the words of a reply.

No I/O happens here, so the same decisions serve Telegram, the local chat and tests. The
caller passes the time and the shop's time zone, the conversation's state, the emotion
analysis, the signals and the retrieval result; the engine returns what to say and what to
record (a promise, a gesture, the closing).
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.policy.case import Reading, Scene, case_turn, photo_for_case, shared_contact, with_given_details
from bot.policy.compose import join_sentences
from bot.policy.details import DEFAULT_READER, DetailReader
from bot.policy.feelings_in_context import is_acknowledgement
from bot.policy.model import (
    AGENT_COMMANDS,
    Clock,
    ConversationState,
    CustomerTurn,
    Decision,
    Move,
    Reply,
    TurnKind,
)
from bot.policy.orders import OrderFacts
from bot.policy.talk import closing_reply, dropped, ending, small_talk
from knowledge import KnowledgePack, Topic, Wording, fill
from knowledge.retrieval import Retrieval, TopicMatch
from nlu.asks import ironic_praise
from nlu.intents import Intent, drops_case, is_request, is_sarcastic, read_intent
from nlu.signals import Signals
from nlu.types import Analysis, Emotion

LONG_MESSAGE_CHARS = 4000
EMOTION_THRESHOLD = 0.35
EMOTIONS_BY_URGENCY = (Emotion.ANXIETY, Emotion.ANGER, Emotion.SADNESS, Emotion.CONFUSION)
CLARIFY_BETWEEN_FLOOR = 0.2
UPSET = frozenset({Emotion.ANGER, Emotion.ANXIETY, Emotion.SADNESS})
"""Feelings in which an "ok" or "whatever" is no ending: the customer goes along but is not satisfied, so the reply
stays on the case. (While the bot waits for a detail, the usual "send it when you have it" stays: it closes nothing.)"""


def decide(
    turn: CustomerTurn,
    analysis: Analysis | None,
    signals: Signals | None,
    retrieval: Retrieval | None,
    state: ConversationState,
    pack: KnowledgePack,
    clock: Clock,
    reader: DetailReader = DEFAULT_READER,
    shop: str | None = None,
    facts: tuple[OrderFacts, ...] = (),
) -> Decision:
    """Choose the move for this turn and compose its words.

    ``shop`` names the connected shop backend (None: none); ``facts`` is what the lookups earlier decisions of this
    turn asked for found, so the same turn is decided again with them."""
    scene = Scene(state, pack, clock, reader, shop, facts)
    decision = _decision(turn, analysis, signals, retrieval, scene)
    if _button_was_offered(scene) and not decision.reply.contact_button and not decision.reply.buttons:
        # The "share my phone number" keyboard stays on the customer's screen until a reply takes it away.
        decision = replace(decision, reply=replace(decision.reply, clear_keyboard=True))
    return decision


def _button_was_offered(scene: Scene) -> bool:
    """The bot's last question came with the "share my phone number" keyboard (a contact, or an order number the
    shared phone can find)."""
    awaiting, topic = scene.case.awaiting, scene.topic(scene.case.topic_id)
    return awaiting is not None and topic is not None and bool(scene.button_for(awaiting, topic))


def _decision(turn: CustomerTurn, analysis: Analysis | None, signals: Signals | None, retrieval: Retrieval | None,
              scene: Scene) -> Decision:
    shop, wording = scene.shop, scene.wording
    if turn.kind is TurnKind.COMMAND:
        reply = _command_reply(turn.command, wording)
        if reply.move is Move.GREET and shop == "demo":
            reply = replace(reply, text=f"{reply.text}\n\n{wording.shop.demo_note}")
        return Decision(reply)
    if turn.kind is TurnKind.SHARED_CONTACT:
        if (kept := shared_contact(scene, turn.text)) is not None:
            return kept
        return Decision(Reply(Move.ASK_FOR_TEXT, wording.non_text.get("contact") or wording.non_text["default"]))
    if turn.kind is TurnKind.NON_TEXT:
        if turn.content_type == "photo" and (kept := photo_for_case(scene)) is not None:
            return kept
        if turn.content_type == "contact" and scene.case.awaiting == "contact":
            return Decision(Reply(Move.ASK_DETAIL, wording.shop.not_own_contact,
                                  contact_button=wording.shop.share_phone))
        return Decision(Reply(Move.ASK_FOR_TEXT, wording.non_text.get(turn.content_type) or wording.non_text["default"]))
    if turn.kind is TurnKind.EDITED:
        return Decision(Reply(Move.NOTE_EDIT, wording.edited))
    if turn.kind is TurnKind.BUTTON:
        return Decision(Reply(Move.STALE_BUTTON, wording.button))
    if not is_meaningful(turn.text):
        return Decision(Reply(Move.ASK_FOR_TEXT, wording.empty))
    return _text_decision(turn, analysis, signals, retrieval, scene)


def is_meaningful(text: str) -> bool:
    """False for text with no letters, digits or symbols a person could mean (e.g. zero-width only)."""
    return any(ch.isalnum() or (ch.isprintable() and not ch.isspace()) for ch in text if ch not in "\u200b\u200c\u200d\u2060\ufeff")


def dominant_emotion(analysis: Analysis | None, signals: Signals | None = None) -> Emotion:
    """The emotion the acknowledgement should meet: the most pressing one that is present.

    Deliberately more sensitive than the model's labels (EMOTION_THRESHOLD on the raw score):
    acknowledging a worry that is only likely costs little; missing a real one costs trust.
    Confusion counts only with words that say so ("I don't understand"): the model's confusion
    class also holds GoEmotions' curiosity, so it scores high on every plain question.
    """
    if analysis is None:
        return Emotion.NEUTRAL
    scores = analysis.scores.as_dict()
    confused = signals is not None and signals.confused
    present = [name for name in EMOTIONS_BY_URGENCY
               if (name in analysis.labels or scores[name] >= EMOTION_THRESHOLD) and (name is not Emotion.CONFUSION or confused)]
    if present:
        return max(present, key=lambda name: scores[name])
    return Emotion.POSITIVE if Emotion.POSITIVE in analysis.labels else Emotion.NEUTRAL


_RATING = re.compile(r"rate:([0-9]{1,10}):([1-5])")
MAX_CONVERSATION_ID = 2**31 - 1


def parse_rating(data: str) -> tuple[int, int] | None:
    """(conversation id, score) from a rating button's data, or None for anything else.

    Button data comes back from the client and can be forged: only ASCII digits, and only ids
    the database can hold (``str.isdigit`` would let "²" through to ``int``).
    """
    found = _RATING.fullmatch(data)
    if found is None or int(found.group(1)) > MAX_CONVERSATION_ID:
        return None
    return int(found.group(1)), int(found.group(2))


def _command_reply(command: str, wording: Wording) -> Reply:
    if command in AGENT_COMMANDS:
        return Reply(Move.NOT_FOR_CUSTOMERS, wording.handoff.not_for_customers)
    if command == "start":
        return Reply(Move.GREET, wording.greeting)
    if command == "help":
        return Reply(Move.HELP, wording.help)
    return Reply(Move.UNKNOWN_COMMAND, fill(wording.unknown_command, "unknown_command", wording.language, command=f"/{command}"[:64]))


def _text_decision(
    turn: CustomerTurn, analysis: Analysis | None, signals: Signals | None, retrieval: Retrieval | None,
    scene: Scene,
) -> Decision:
    state, wording = scene.state, scene.wording
    emotion = dominant_emotion(analysis, signals)
    sarcastic = is_sarcastic(turn.text) or (emotion is Emotion.ANGER and ironic_praise(turn.text))
    if sarcastic and emotion in (Emotion.POSITIVE, Emotion.NEUTRAL):
        emotion = Emotion.ANGER
    intent = read_intent(turn.text)
    still_upset = emotion in UPSET and is_acknowledgement(turn.text) and scene.case.awaiting is None
    opening = (wording.introduction,) if state.first_contact else ()
    if state.first_contact and scene.shop == "demo":
        opening = (*opening, wording.shop.demo_note)
    if len(turn.text) > LONG_MESSAGE_CHARS:
        opening = (*opening, wording.long_message)
    best = retrieval.best if retrieval else None
    current = scene.topic(scene.case.topic_id)
    # Sarcasm, or "ok" from a customer who is still upset, presses on the case like a request does.
    request = is_request(turn.text) or sarcastic or still_upset
    if not sarcastic and not request and _is_closing(signals, emotion, best, current):
        return _closing(scene, current, opening)
    if intent is Intent.NEVER_MIND or drops_case(turn.text):
        return dropped(scene, opening)
    if intent is Intent.THANKS and not sarcastic and not still_upset:
        return ending(scene, opening)
    if intent in (Intent.BOT_QUESTION, Intent.GREETING, Intent.SMALL_TALK):
        return small_talk(intent, scene, opening)
    scores = analysis.scores.as_dict() if analysis else {}
    reading = Reading(turn.text, emotion, scores.get(emotion, 0.0), scores, best, retrieval, opening, request=request)
    decided = case_turn(reading, scene)
    if decided is not None:
        return decided
    kept = with_given_details(reading, scene)
    if state.last_move == Move.CLARIFY:
        return Decision(Reply(Move.UNKNOWN, join_sentences(*opening, wording.conversation.unknown)),
                        topic_id=scene.case.topic_id, apologised=state.apologised, case=kept,
                        notes=("said honestly it does not know: no topic after a clarifying question",))
    return replace(_clarify(wording, retrieval, opening, state), case=kept, progressed=kept is not None)


def _is_closing(signals: Signals | None, emotion: str, best: TopicMatch | None, current: Topic | None) -> bool:
    """The customer says it is solved, and nothing in the message raises a new problem or a bad feeling."""
    if signals is None or not signals.solved or emotion in (Emotion.ANGER, Emotion.ANXIETY, Emotion.SADNESS):
        return False
    return best is None or current is None or best.topic.id == current.id


def _closing(scene: Scene, current: Topic | None, opening: tuple[str, ...]) -> Decision:
    state, wording = scene.state, scene.wording
    confirm = (fill(wording.closing.solved, "closing.solved", wording.language, problem=current.problem) if current
               else wording.closing.solved_general)
    return Decision(closing_reply(join_sentences(*opening, confirm), scene), topic_id=state.topic_id,
                    apologised=state.apologised, closes=True, case=replace(scene.case, settled=True),
                    notes=("closed: the customer said it is solved",))


def _clarify(wording: Wording, retrieval: Retrieval | None, opening: tuple[str, ...], state: ConversationState) -> Decision:
    candidates = retrieval.candidates if retrieval else ()
    if len(candidates) >= 2 and candidates[1].confidence >= CLARIFY_BETWEEN_FLOOR:
        question = fill(wording.clarify_between, "clarify_between", wording.language,
                        first=candidates[0].topic.problem, second=candidates[1].topic.problem)
    else:
        question = wording.clarify
    text = join_sentences(*opening, question)
    named = ", ".join(f"{c.topic.id} {c.confidence:.2f}" for c in candidates[:2]) or "no candidates"
    return Decision(Reply(Move.CLARIFY, text), topic_id=state.topic_id, apologised=state.apologised,
                    notes=(f"asked one question: no topic reached the confidence floor ({named})",))
