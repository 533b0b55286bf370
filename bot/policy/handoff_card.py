"""The handoff card agents read in their forum topic: everything at a glance, so the customer
never has to repeat themselves. Pure formatting over plain data; agents' workspace is English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.policy.tasks import TaskState

TOPIC_NAME_LIMIT = 128
MESSAGE_CLIP = 240
CARD_LIMIT = 4000
CARD_TASK_EVENTS = 3
"""How many of a task's latest events the card shows; the console's transcript shows them all."""
AGENT_COMMANDS_HELP = "Reply in this topic to write to the customer. Commands: /take, /transfer NAME, /resolve, /flag NOTE"


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


@dataclass(frozen=True)
class CardContext:
    """What the agent needs at a glance: the conversation so far, feelings, open commitments."""

    trajectory: tuple[tuple[float, float], ...]
    """(anger, anxiety) of the recent customer messages, oldest first."""
    last_messages: tuple[tuple[str, str], ...]
    """(sender, text) of the last messages, oldest first."""
    open_promises: tuple[tuple[str, dt.datetime], ...]
    gestures: tuple[str, ...]
    topic_id: str | None
    details: tuple[tuple[str, str], ...] = ()
    """What the customer already gave the bot (order number, email…), so the agent never asks again."""
    awaiting: str | None = None
    """The detail the bot was still waiting for when it handed over."""
    verified: tuple[str, ...] = ()
    """Orders the customer proved are theirs (the shop found them with the customer's email or phone)."""
    failed_proofs: int = 0
    tasks: tuple[CardTask, ...] = ()
    """The teams' tasks for this customer, so the agent knows who already works on what."""


@dataclass(frozen=True)
class HandoffCard:
    handoff_id: int
    customer_name: str
    language: str
    reason: str
    detail: str
    assignee: str
    """"Marta, Customer care specialist — first reply by …" or "waiting: …"."""
    topic: str
    """The customer's problem in the bot's words, or "" when no topic was found."""
    context: CardContext
    promise_times: tuple[str, ...] = ()
    """Open promises already formatted: "refund: by 10:00 UTC on Tue 24 Nov"."""


def topic_name(customer_name: str, reason: str, handoff_id: int) -> str:
    """Forum topic names must be 1–128 characters; the customer's name first, so agents find them."""
    name = " ".join(customer_name.split()) or "Customer"
    return f"{name} · {reason} · #{handoff_id}"[:TOPIC_NAME_LIMIT]


def trajectory_line(trajectory: tuple[tuple[float, float], ...]) -> str:
    if not trajectory:
        return "no scored messages"
    anxiety = " → ".join(f"{turn[1]:.2f}" for turn in trajectory)
    anger = " → ".join(f"{turn[0]:.2f}" for turn in trajectory)
    return f"anxiety {anxiety}; anger {anger}"


def verified_line(context: CardContext) -> str:
    """Whether the agent may talk about the order: only one the customer proved is theirs."""
    proved = ", ".join(f"#{ref}" for ref in context.verified)
    failed = f"{context.failed_proofs} failed proof(s)" if context.failed_proofs else ""
    if proved:
        return f"yes, order {proved} matches their email or phone" + (f" ({failed})" if failed else "")
    return "no" + (f": {failed}, do not share order details until they prove it" if failed else
                   ": the customer has not proved an order is theirs")


def task_lines(tasks: tuple[CardTask, ...]) -> list[str]:
    """"Task #12 payments (double_charge): taken by Anna, due Tue 1 Dec 16:00 UTC" and its last events."""
    if not tasks:
        return ["Tasks: none"]
    lines = ["Tasks:"]
    for task in tasks:
        lines.append(f"  Task #{task.id} {task.team} ({task.kind}): {_task_state(task)}")
        lines.extend(f"    {event}" for event in task.last_events[-CARD_TASK_EVENTS:])
    return lines


def _task_state(task: CardTask) -> str:
    by = f" by {task.holder}" if task.holder else ""
    if task.state is TaskState.DONE:
        return f"done{by}" + (f" {_utc(task.closed_at)}" if task.closed_at else "") + f" (was due {_utc(task.due_at)})"
    if task.state is TaskState.DECLINED:
        return f"declined{by}" + (f" {_utc(task.closed_at)}" if task.closed_at else "")
    state = {TaskState.OPEN: "open, nobody has taken it yet", TaskState.TAKEN: f"taken{by}",
             TaskState.WAITING: f"taken{by}, waiting for the customer's answer"}[task.state]
    return f"{state}, due {_utc(task.due_at)}"


def _utc(when: dt.datetime) -> str:
    """"Tue 1 Dec 16:00 UTC": UTC like the event lines beneath it."""
    utc = when.astimezone(dt.UTC)
    return f"{utc:%a} {utc.day} {utc:%b %H:%M} UTC"


def render_card(card: HandoffCard) -> str:
    context = card.context
    customer_turns = sum(1 for sender, _ in context.last_messages if sender == "customer")
    bot_turns = sum(1 for sender, _ in context.last_messages[:-1] if sender == "bot")
    about = f"About {card.topic}" if card.topic else "The bot could not tell which topic this is"
    lines = [
        f"Handoff #{card.handoff_id}: {card.customer_name or 'Customer'} (language: {card.language})",
        f"Reason: {card.reason} ({card.detail})",
        f"Agent: {card.assignee}",
        f"Feelings: {trajectory_line(context.trajectory)}",
        f"Summary: {about}; the customer wrote {customer_turns} and the bot replied {bot_turns} time(s) before this.",
        f"Handed over because: {card.detail}.",
        f"Details given: {', '.join(f'{name} {value}' for name, value in context.details) or 'none'}"
        + (f" (the bot was still waiting for: {context.awaiting})" if context.awaiting else ""),
        f"Verified: {verified_line(context)}",
        "",
        "Last messages:",
        *(f"  {sender}: {_clip(text)}" for sender, text in context.last_messages),
        "",
        f"Open promises: {'; '.join(card.promise_times) or 'none'}",
        f"Gestures given: {', '.join(context.gestures) or 'none'}",
        *task_lines(context.tasks),
        "",
        AGENT_COMMANDS_HELP,
    ]
    return "\n".join(lines)[:CARD_LIMIT]


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MESSAGE_CLIP else flat[: MESSAGE_CLIP - 1] + "…"
