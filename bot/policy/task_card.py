"""A team's task card: what to do, for whom, by when, what happened so far, and the buttons — pure text.

The card is written in the team's language; the customer's own words are quoted as they
wrote them. Buttons carry only ``task:<id>:<action>``; a closed task has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

from bot.policy.deadlines import format_deadline
from bot.policy.tasks import TaskAction, TaskState, callback_data
from knowledge import Wording, fill

EVENTS_ON_CARD = 6
"""The latest events a card lists; the rest stay in the console and ``candor tasks list``."""

Button = tuple[str, str]
"""(label, callback data)."""


@dataclass(frozen=True)
class CardFacts:
    """Everything a card shows, read from the task, its events and its team."""

    task_id: int
    team: str
    problem: str
    kind: str
    priority: int
    order_ref: str | None
    verified: bool
    facts: str
    transcript: str
    promised: str
    due_at: dt.datetime
    state: TaskState
    member: str
    """Who has it (took it, or closed it); empty while nobody has."""
    question: str
    outcome: str
    events: tuple[str, ...]


def task_words(wording: Wording, name: str, /, **values: object) -> str:
    """The text ``tasks.<name>`` of this wording, filled the one safe way (a broken one falls back to the shipped)."""
    return fill(getattr(wording.tasks, name), f"tasks.{name}", wording.language, **values)


def card_text(card: CardFacts, wording: Wording, zone: ZoneInfo) -> str:
    words = wording.tasks
    say = partial(task_words, wording)
    lines = [say("card_title", task=card.task_id, team=card.team, problem=card.problem or card.kind)]
    if card.priority > 0:
        lines.append(words.card_priority)
    if card.order_ref:
        lines.append(say("card_order", order_ref=f"#{card.order_ref}"))
    lines.append(words.card_verified if card.verified else words.card_unverified)
    if card.facts:
        lines.append(say("card_facts", facts=card.facts))
    lines.append(say("card_promised", promised=card.promised or card.kind,
                     deadline=format_deadline(wording, card.due_at, zone)))
    lines.append(_state_line(card, wording))
    if card.transcript:
        lines += ["", words.card_said, card.transcript]
    if card.events:
        lines += ["", *card.events[-EVENTS_ON_CARD:]]
    return "\n".join(lines)


def _state_line(card: CardFacts, wording: Wording) -> str:
    if card.state is TaskState.DONE:
        return task_words(wording, "card_done", member=card.member, note=card.outcome)
    if card.state is TaskState.DECLINED:
        return task_words(wording, "card_declined", member=card.member, reason=card.outcome)
    if card.state is TaskState.WAITING:
        return task_words(wording, "card_waiting", question=card.question)
    if card.state is TaskState.TAKEN and card.member:
        return task_words(wording, "card_taken", member=card.member)
    return wording.tasks.card_open


def card_buttons(task_id: int, state: TaskState, wording: Wording) -> list[list[Button]]:
    """Take / Need info, the three More time choices, Done / Decline; none once the task is closed."""
    if state.closed:
        return []
    labels = wording.tasks.buttons

    def button(label: str, action: TaskAction) -> Button:
        return label, callback_data(task_id, action)

    return [
        [button(labels.take, TaskAction.TAKE), button(labels.need_info, TaskAction.NEED_INFO)],
        [button(labels.more_1h, TaskAction.MORE_1H), button(labels.more_4h, TaskAction.MORE_4H),
         button(labels.next_day, TaskAction.NEXT_DAY)],
        [button(labels.done, TaskAction.DONE), button(labels.decline, TaskAction.DECLINE)],
    ]
