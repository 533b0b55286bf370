"""What the policy talks about: a customer's turn, the conversation's state, and the reply it decides.

Plain frozen data, shared by the policy, the service and the channels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.policy.gestures import GestureChoice

RATING_PREFIX = "rate"
AGENT_COMMANDS = frozenset({"take", "transfer", "resolve", "flag"})
"""Commands only registered agents may use, in the agents' group; a customer is told so politely."""


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
    CLOSE = "close"
    THANK_FOR_RATING = "thank_for_rating"
    PROMISE_UPDATE = "promise_update"
    HAND_OFF = "hand_off"
    AGENT_MESSAGE = "agent_message"
    HANDED_BACK = "handed_back"
    NOT_FOR_CUSTOMERS = "not_for_customers"
    OWN_DATA = "own_data"
    PLEASE_WAIT = "please_wait"
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


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    move: Move
    text: str
    buttons: tuple[Button, ...] = ()
    copy_from: tuple[int, int] | None = None
    """(chat id, message id) of a message to pass on as it is after the text: an agent's photo or file."""
    stored_as: int | None = None
    """The stored bot message this reply is, marked delivered once the channel has sent it."""


@dataclass(frozen=True)
class Clock:
    now: dt.datetime
    zone: ZoneInfo


@dataclass(frozen=True)
class ConversationState:
    """What the engine remembers about the conversation between turns."""

    conversation_id: int
    language: str
    topic_id: str | None = None
    apologised: bool = False
    gestures_given: frozenset[str] = frozenset()
    first_contact: bool = False
    open_promises: tuple[tuple[str, dt.datetime], ...] = ()
    """(topic id, due time) of promises still open: asked again, the bot repeats the same time."""


@dataclass(frozen=True)
class PromiseDraft:
    topic_id: str
    promised: str
    due_at: dt.datetime
    check_at: dt.datetime
    extension_hours: float


@dataclass(frozen=True)
class Decision:
    reply: Reply
    topic_id: str | None = None
    apologised: bool = False
    promise: PromiseDraft | None = None
    gesture: GestureChoice | None = None
    closes: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Why the engine chose what it did, for the log and for trainers."""
