"""The conversation engine: pure decisions from plain data to the words of a reply.

No I/O happens here, so the same decisions serve Telegram, the local chat and tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from knowledge import KnowledgePack, Wording, find_topic
from nlu.types import Analysis

LONG_MESSAGE_CHARS = 4000
EMOTION_THRESHOLD = 0.35
EMOTIONS_BY_URGENCY = ("anxiety", "anger", "sadness", "confusion")


class TurnKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    NON_TEXT = "non_text"
    EDITED = "edited"
    BUTTON = "button"


class Move(StrEnum):
    GREET = "greet"
    HELP = "help"
    ANSWER = "answer"
    CLARIFY = "clarify"
    ASK_FOR_TEXT = "ask_for_text"
    NOTE_EDIT = "note_edit"
    UNKNOWN_COMMAND = "unknown_command"
    STALE_BUTTON = "stale_button"


@dataclass(frozen=True)
class CustomerTurn:
    """One thing a customer did, in channel-neutral terms."""

    kind: TurnKind
    text: str = ""
    command: str = ""
    content_type: str = ""
    first_contact: bool = False


@dataclass(frozen=True)
class Reply:
    move: Move
    text: str


def decide(turn: CustomerTurn, analysis: Analysis | None, pack: KnowledgePack, language: str) -> Reply:
    """Choose the move for this turn and compose its words."""
    wording = pack.wording_for(language)
    if turn.kind is TurnKind.COMMAND:
        return _command_reply(turn.command, wording)
    if turn.kind is TurnKind.NON_TEXT:
        text = wording.non_text.get(turn.content_type) or wording.non_text["default"]
        return Reply(Move.ASK_FOR_TEXT, text)
    if turn.kind is TurnKind.EDITED:
        return Reply(Move.NOTE_EDIT, wording.edited)
    if turn.kind is TurnKind.BUTTON:
        return Reply(Move.STALE_BUTTON, wording.button)
    if not is_meaningful(turn.text):
        return Reply(Move.ASK_FOR_TEXT, wording.empty)
    return _text_reply(turn, analysis, pack, language)


def is_meaningful(text: str) -> bool:
    """False for text with no letters, digits or symbols a person could mean (e.g. zero-width only)."""
    return any(ch.isalnum() or (ch.isprintable() and not ch.isspace()) for ch in text if ch not in "\u200b\u200c\u200d\u2060\ufeff")


def dominant_emotion(analysis: Analysis | None) -> str:
    """The emotion the acknowledgement should meet: the most pressing one that is present.

    Deliberately more sensitive than the model's labels (EMOTION_THRESHOLD on the raw score):
    acknowledging a worry that is only likely costs little; missing a real one costs trust.
    """
    if analysis is None:
        return "neutral"
    scores = analysis.scores.as_dict()
    present = [name for name in EMOTIONS_BY_URGENCY if name in analysis.labels or scores[name] >= EMOTION_THRESHOLD]
    if present:
        return max(present, key=lambda name: scores[name])
    return "positive" if "positive" in analysis.labels else "neutral"


def _command_reply(command: str, wording: Wording) -> Reply:
    if command == "start":
        return Reply(Move.GREET, wording.greeting)
    if command == "help":
        return Reply(Move.HELP, wording.help)
    return Reply(Move.UNKNOWN_COMMAND, wording.unknown_command.format(command=f"/{command}"[:64]))


def _text_reply(turn: CustomerTurn, analysis: Analysis | None, pack: KnowledgePack, language: str) -> Reply:
    wording = pack.wording_for(language)
    match = find_topic(turn.text[:LONG_MESSAGE_CHARS], pack.topics_for(language))
    parts: list[str] = []
    if turn.first_contact:
        parts.append(wording.introduction)
    if len(turn.text) > LONG_MESSAGE_CHARS:
        parts.append(wording.long_message)
    if match is None:
        parts.append(wording.clarify)
        return Reply(Move.CLARIFY, "\n\n".join(parts))
    topic = match.topic
    acknowledgement = wording.acknowledgements[dominant_emotion(analysis)].format(problem=topic.problem)
    parts.extend([acknowledgement, topic.answer, topic.next_step])
    return Reply(Move.ANSWER, _join(parts))


def _join(parts: list[str]) -> str:
    """Introduction and acknowledgement share the first paragraph; substance and next step follow."""
    head = " ".join(parts[:-2])
    return "\n\n".join([head, parts[-2], parts[-1]]) if head else "\n\n".join(parts[-2:])
