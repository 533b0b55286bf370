"""What the agents' handoff card is made of: the conversation's context as plain data, read by the storage layer
(``HandoffRepository.card_context``) and rendered by ``bot/policy/handoff_card.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.policy.tasks import TaskState

CARD_TASK_EVENTS = 3
"""How many of a task's latest events the card shows; the console's transcript shows them all."""
CARD_WORDS = 5
CARD_NOTES = 3
CARD_MEDIA = 5
MEDIA_KINDS = frozenset({"photo", "document", "video", "voice", "audio", "video_note", "animation"})
"""What a customer sends that an agent must see as it is: copied into the topic, not described."""


@dataclass(frozen=True)
class CardTask:
    """A task of the conversation: which team has it, who took it, until when, and what happened last."""

    id: int
    team: str
    kind: str
    state: TaskState
    holder: str
    """The name of the member who took it, or "" when nobody did (or they left the team)."""
    due_at: dt.datetime
    closed_at: dt.datetime | None
    last_events: tuple[str, ...]
    """Its latest events as ``TaskEventView.line()`` writes them, oldest first."""
    order_ref: str | None = None
    facts: str = ""
    """What the shop's data said when the task was made (``Told.note``), or ""."""
    verified: bool = False
    """The customer had proved ``order_ref`` is theirs when the task was made."""


@dataclass(frozen=True)
class CardPromise:
    """An open promise: what the bot committed to, in its own words and the customer's language, and by when."""

    promised: str
    due_at: dt.datetime
    language: str = "en"
    original_due_at: dt.datetime | None = None
    said: str = ""
    """The bot's own sentence naming the time, as the customer read it; "" when it was not found."""
    topic_id: str = ""


@dataclass(frozen=True)
class CardMedia:
    """A photo or file the customer sent before the handoff: listed on the card and copied under it."""

    kind: str
    caption: str
    at: dt.datetime
    telegram_message_id: int | None


@dataclass(frozen=True)
class CardNote:
    """An agent's private note on the case."""

    author: str
    text: str
    at: dt.datetime


@dataclass(frozen=True)
class CardContext:
    """What the conversation holds for the card: feelings, words, commitments, facts, notes."""

    trajectory: tuple[tuple[float, float], ...] = ()
    """(anger, anxiety) of the recent customer messages in context (bot/policy/feelings.py says why), oldest first."""
    customer_words: tuple[str, ...] = ()
    """The customer's last messages, oldest first."""
    bot_texts: tuple[str, ...] = ()
    """The bot's recent messages, oldest first: where a promise's own words are found."""
    promises: tuple[CardPromise, ...] = ()
    gestures: tuple[str, ...] = ()
    topic_id: str | None = None
    details: tuple[tuple[str, str], ...] = ()
    """What the customer already gave the bot (order number, email…), so the agent never asks again."""
    awaiting: str | None = None
    """The detail the bot was still waiting for when it handed over."""
    verified: tuple[str, ...] = ()
    """Orders the customer proved are theirs (the shop found them with the customer's email or phone)."""
    failed_proofs: int = 0
    tasks: tuple[CardTask, ...] = ()
    """The teams' tasks for this customer, so the agent knows who already works on what."""
    shop_notes: tuple[str, ...] = ()
    """What the shop's data said (``Told.note``), oldest first."""
    shop_texts: tuple[str, ...] = ()
    """The bot's messages that stated the shop's data: the amounts as the customer read them."""
    media: tuple[CardMedia, ...] = ()
    notes: tuple[CardNote, ...] = ()
    replied_last: str = ""
    earlier_topics: tuple[str, ...] = ()
    """The topics the bot's replies were about, oldest first: the problem behind a later "let me talk to a person"."""
    """The name (as stored, maybe clipped) of the agent who wrote to the customer last since the handoff ("" while
    none has): has the owner answered yet?"""
