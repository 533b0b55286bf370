"""What the policy talks about: a customer's turn, the conversation's state, and the reply it decides.

Plain frozen data, shared by the policy, the service and the channels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.policy.assignment import Shift
from bot.policy.gestures import GestureChoice
from bot.policy.orders import LookupRequest

RATING_PREFIX = "rate"
AGENT_COMMANDS = frozenset({"take", "transfer", "resolve", "flag", "note", "mine", "queue", "away", "back"})
"""Commands only registered agents may use, in the agents' group; a customer is told so politely."""


class TurnKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    NON_TEXT = "non_text"
    EDITED = "edited"
    BUTTON = "button"
    SHARED_CONTACT = "shared_contact"
    """The customer shared their own phone number with Telegram's button: ``text`` holds it in E.164 form."""


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
    ASK_DETAIL = "ask_detail"
    """A form question: the case needs a detail (an order number, a photo) before the bot can commit."""
    CORRECTED = "corrected"
    END = "end"
    """Thanks or goodbye answered warmly, with no new promise and no rating button."""
    SMALL_TALK = "small_talk"
    """"Are you a bot?", a greeting, a compliment: a short human answer, and the case goes on."""
    DROPPED = "dropped"
    """The customer let the case go ("never mind")."""
    UNKNOWN = "unknown"
    """A question the pack cannot answer: said so honestly, with who can."""
    TASK_UPDATE = "task_update"
    """What a team recorded on the customer's task (taken, more time, a question, done, declined), by name."""


@dataclass(frozen=True)
class CustomerTurn:
    """One thing a customer did, in channel-neutral terms."""

    kind: TurnKind
    text: str = ""
    command: str = ""
    content_type: str = ""
    reply_to: int | None = None
    """The message in the customer's chat this one replies to, if any: kept as a reply when it is relayed."""


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
    """(chat id, message id) of a message to pass on as it is (an agent's photo, voice note or file), with the
    text as its caption when the text fits one, after the text otherwise."""
    reply_to: int | None = None
    """A message in the customer's chat this reply answers: shown quoted, as Telegram's reply-to."""
    edit_of: int | None = None
    """A message the bot sent the customer before, edited in place to ``text`` (its caption when ``copy_from``
    is set) instead of a new send."""
    stored_as: int | None = None
    """The stored bot message this reply is, marked delivered once the channel has sent it."""
    contact_button: str = ""
    """The label of a button that shares the customer's own phone number (Telegram's request_contact), if any."""
    clear_keyboard: bool = False
    """Take that button's keyboard away: the question it went with is answered."""


@dataclass(frozen=True)
class Clock:
    now: dt.datetime
    zone: ZoneInfo
    working: Shift | None = None
    """When the shop's support team works: promised times fall inside it (None: any time)."""
    teams: Mapping[str, TeamTiming] = field(default_factory=dict)
    """The configured teams' working hours and targets, by name: a commitment's time comes from its team's."""


@dataclass(frozen=True)
class TeamTiming:
    shift: Shift
    target_hours: float


@dataclass(frozen=True)
class Case:
    """The customer's open problem as the bot remembers it between turns (stored with the conversation)."""

    topic_id: str | None = None
    slots: tuple[tuple[str, str], ...] = ()
    """(detail, value) collected so far, in the order they came: ("order_ref", "48213")."""
    awaiting: str | None = None
    """The detail the bot asked for and is waiting on."""
    misses: int = 0
    """Answers to the awaited question that could not be read."""
    settled: bool = False
    """The bot gave the case's next step with every detail in: nothing more it can do but keep the promise."""
    verified: tuple[str, ...] = ()
    """Order references the customer proved are theirs (the shop found the order with their contact)."""
    failed_proofs: int = 0
    """Lookups the shop answered "no such order with that contact": after three, a person takes over."""

    def value(self, detail: str) -> str | None:
        return dict(self.slots).get(detail)

    def with_value(self, detail: str, value: str) -> Case:
        kept = tuple((name, old) for name, old in self.slots if name != detail)
        return replace(self, slots=(*kept, (detail, value)))

    def without(self, detail: str) -> Case:
        return replace(self, slots=tuple((name, value) for name, value in self.slots if name != detail))

    def as_json(self) -> dict[str, object]:
        """The case as the database keeps it beside each bot reply."""
        return {"topic": self.topic_id, "slots": dict(self.slots), "awaiting": self.awaiting,
                "misses": self.misses, "settled": self.settled, "verified": list(self.verified),
                "failed_proofs": self.failed_proofs}

    @classmethod
    def from_json(cls, value: dict[str, object]) -> Case:
        slots = value.get("slots")
        topic, awaiting, misses = value.get("topic"), value.get("awaiting"), value.get("misses")
        verified, failed = value.get("verified"), value.get("failed_proofs")
        return cls(topic if isinstance(topic, str) else None,
                   tuple((str(k), str(v)) for k, v in slots.items()) if isinstance(slots, dict) else (),
                   awaiting if isinstance(awaiting, str) else None, misses if isinstance(misses, int) else 0,
                   value.get("settled") is True, tuple(str(ref) for ref in verified) if isinstance(verified, list) else (),
                   failed if isinstance(failed, int) else 0)

    def describe(self) -> str:
        """The case in one line, for a trainer: "order_status; order_ref=48213; waiting for: -; settled"."""
        slots = ", ".join(f"{name}={'(given)' if name == 'contact' else value}" for name, value in self.slots)
        proofs = (f"; verified: {', '.join(self.verified)}" if self.verified else "") + (
            f"; failed proofs: {self.failed_proofs}" if self.failed_proofs else "")
        return (f"{self.topic_id or 'no topic'}; {slots or 'no details'}; waiting for: {self.awaiting or '-'}"
                + ("; settled" if self.settled else "") + proofs)


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
    case: Case = field(default_factory=Case)
    last_move: str = ""
    """The bot's previous reply's move: an unclear answer to its own clarifying question is not asked twice."""
    handed_back_by: str = ""
    """The name of the person who handed the case back to the bot: a thank-you ends it, even with no topic of the
    bot's own, and the rating asks how that person did."""
    rating_asked: bool = False
    """The rating was asked once after the handback: no closing asks it again."""


@dataclass(frozen=True)
class PromiseDraft:
    topic_id: str
    promised: str
    due_at: dt.datetime
    check_at: dt.datetime
    extension_hours: float


@dataclass(frozen=True)
class TaskPlan:
    """A commitment of this reply as work for a team: stored as a task with the reply, in its transaction."""

    team: str
    kind: str
    """The topic committed to, or ``gesture:<id>`` for a gesture the team carries out."""
    topic_id: str
    promised: str
    due_at: dt.datetime
    priority: int = 0
    order_ref: str | None = None
    facts: str = ""
    verified: bool = False
    keeps_promise: bool = False
    """The topic's own commitment: the task keeps the reply's promise (they share the due time)."""


@dataclass(frozen=True)
class Decision:
    reply: Reply
    topic_id: str | None = None
    apologised: bool = False
    promise: PromiseDraft | None = None
    gesture: GestureChoice | None = None
    closes: bool = False
    case: Case | None = None
    """The case after this turn; None leaves it as it was (beside ``topic_id`` and ``apologised``)."""
    progressed: bool = False
    """The customer moved the case on this turn (a new detail, a new problem): not a failed try."""
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Why the engine chose what it did, for the log and for trainers."""
    lookup: LookupRequest | None = None
    """The order to look up before this turn can be answered: the service fetches the facts and decides again."""
    hand_off: bool = False
    """A person takes over now for a reason the policy saw (the customer could not prove the order is theirs);
    the reply's text is said before the handoff's own words."""
    tasks: tuple[TaskPlan, ...] = ()
