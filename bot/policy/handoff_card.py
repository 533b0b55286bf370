"""The handoff card agents read in their forum topic, and the topic's title: everything at a glance, so the
customer never has to repeat themselves. Pure formatting over plain data.

The card is in English, the agents' working language, and is not wording the trainers edit: no
wording keys, whatever the customer's language (their own words and the bot's are quoted as they were
written). It is pinned once and edited in place as the case changes, so what matters most comes first:
who has it and by when, what the customer wants, why a person, how they feel, and the next step.
When it would pass Telegram's limit, the least urgent parts are shortened first (see ``fit``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.policy.card_context import (
    CARD_MEDIA,
    CARD_NOTES,
    CARD_TASK_EVENTS,
    CardContext,
    CardMedia,
    CardNote,
    CardPromise,
    CardTask,
)
from bot.policy.card_facts import money_mentions, order_refs, payments_in, shop_words, want_line
from bot.policy.escalation import REASON_LABELS, EscalationReason
from bot.policy.feelings import feelings_in_words
from bot.policy.handoff_status import HandoffStatus
from bot.policy.next_step import StepFacts, card_time, suggest_next_step
from bot.policy.tasks import TaskState

TOPIC_NAME_LIMIT = 128
MESSAGE_CLIP = 240
NOTE_CLIP = 200
CARD_LIMIT = 4000
"""Telegram takes 4096 UTF-16 code units in a message; the rest is room for the edit's own margin."""
SAID_BY_LABEL = frozenset({EscalationReason.ASKED_FOR_PERSON, EscalationReason.SELF_HARM,
                           EscalationReason.HIGH_EMOTION})
"""Reasons whose label says it all: their detail repeats it (or is raw scores, which the feelings line words)."""
AGENT_COMMANDS_HELP = ("Reply in this topic to write to the customer; start a line with ! (or /note) for a note only the "
                       "team sees. Commands: /take, /transfer NAME, /resolve NOTE, /flag NOTE; anywhere: /mine, /queue")


@dataclass(frozen=True)
class HandoffCard:
    handoff_id: int
    customer_name: str
    language: str
    reason: EscalationReason
    detail: str
    status: HandoffStatus
    agent: str
    """The agent who has it ("" while nobody does)."""
    problem: str
    """The customer's problem in the bot's English words, or "" when no topic was found."""
    context: CardContext
    now: dt.datetime
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    agent_role: str = ""
    expected_at: dt.datetime | None = None
    """When the agent should first reply (or, queued, when the customer was told a person looks)."""
    first_reply_at: dt.datetime | None = None
    waiting_since: dt.datetime | None = None
    reply_due_at: dt.datetime | None = None
    resolution_note: str = ""


@dataclass(frozen=True)
class _Section:
    lines: tuple[str, ...]
    priority: int
    """Kept longest: 0 is never cut; higher numbers are shortened first."""
    keep: int = 1
    """Lines kept when the section is shortened (its heading); the rest go from the end."""
    oldest_first: bool = False
    """Its lines run oldest to newest: shortening drops the oldest (just after the heading) instead."""


def topic_title(customer_name: str, handoff_id: int, status: HandoffStatus, agent: str = "") -> str:
    """"Alex · waiting · #12", "Alex · with Marta · #12", "Alex · resolved · #12": the status at a glance in the
    topic list; the handoff's number tells two Alexes apart. Telegram takes 1–128 characters."""
    state = {
        HandoffStatus.QUEUED: "waiting",
        HandoffStatus.ACTIVE: f"with {' '.join(agent.split())[:40]}" if agent.strip() else "waiting",
        HandoffStatus.RESOLVED: "resolved",
        HandoffStatus.CUSTOMER_GONE: "customer left",
        HandoffStatus.UNREACHABLE: "nobody free",
    }[status]
    tail = f" · {state} · #{handoff_id}"
    name = " ".join(customer_name.split()) or "Customer"
    room = TOPIC_NAME_LIMIT - len(tail)
    return (name if len(name) <= room else name[: room - 1] + "…") + tail


def title_of(card: HandoffCard) -> str:
    return topic_title(card.customer_name, card.handoff_id, card.status, card.agent)


def render_card(card: HandoffCard) -> str:
    context = card.context
    payments = payments_in(context.shop_notes)
    refs = order_refs(context.details, tuple(t.order_ref for t in context.tasks if t.order_ref),
                      context.customer_words)
    amounts = money_mentions((*context.shop_texts, *context.customer_words))
    step = suggest_next_step(StepFacts(
        card.status, card.reason, bool(card.agent), card.now, card.zone,
        tuple((p.promised, p.due_at) for p in context.promises), refs, context.verified, payments, context.awaiting))
    sections = [
        _Section((f"Handoff #{card.handoff_id}: {title_of(card).rsplit(' · #', 1)[0]} (language: {card.language})",
                  *status_lines(card)), 0),
        _Section((f"Wants: {want_line(card.problem, refs, amounts, payments, context.customer_words)}",
                  f"Why a person: {reason_line(card.reason, card.detail)}",
                  f"Feelings: {feelings_in_words(context.trajectory)}",
                  *((f"Next step: {step}",) if step else ()), ""), 0),
        _Section(tuple(order_lines(context, refs, amounts)), 1),
        _Section(tuple(promise_lines(context.promises, card.zone)), 1),
        _Section(("Their words:", *(f"  “{_clip(text, MESSAGE_CLIP)}”" for text in context.customer_words))
                 if context.customer_words else (), 2, keep=2, oldest_first=True),
        _Section(tuple(note_lines(context.notes, card.zone)), 2, keep=2, oldest_first=True),
        _Section(tuple(media_lines(context.media, card.zone)), 3),
        _Section(tuple(task_lines(context.tasks)), 4),
        _Section((f"Gestures given: {', '.join(context.gestures) or 'none'}",), 5),
        _Section(("", AGENT_COMMANDS_HELP), 0),
    ]
    return fit(sections)


def status_lines(card: HandoffCard) -> list[str]:
    """Who has it and the times that bind them: first reply, the reply now due, how long the customer waits."""
    at = card.zone
    if card.status is HandoffStatus.RESOLVED:
        return ["Status: resolved" + (f" by {card.agent}" if card.agent else "")
                + (f". Note: {_clip(card.resolution_note, NOTE_CLIP)}" if card.resolution_note else "")]
    if card.status is HandoffStatus.CUSTOMER_GONE:
        return ["Status: closed, the customer blocked the bot: nothing more reaches them"]
    if not card.agent:
        told = f"; the customer was told a person looks by {card_time(card.expected_at, at)}" if card.expected_at else ""
        return [f"Status: waiting for an agent, nobody on shift has it{told}"]
    lines = [f"Status: with {card.agent}" + (f", {card.agent_role}" if card.agent_role else "")]
    replied = bool(card.context.replied_last) and card.agent.startswith(card.context.replied_last)  # stored clipped
    first = None
    if card.expected_at is not None and not replied:
        due = card_time(card.expected_at, at)
        first = (f"first reply due by {due}" if card.first_reply_at is None else
                 f"{card.agent}'s first reply due by {due} (as the customer was told)")
    waiting = f"customer waiting since {card_time(card.waiting_since, at)}" if card.waiting_since else ""
    if first and card.reply_due_at in (None, card.expected_at):  # the first reply is the one the customer waits for
        lines.append(first[0].upper() + first[1:] + (f"; {waiting}" if waiting else ""))
    elif waiting:
        due = f"; reply due by {card_time(card.reply_due_at, at)}" if card.reply_due_at else ""
        lines.append(waiting[0].upper() + waiting[1:] + due)
    elif card.reply_due_at is not None:
        lines.append(f"Reply due by {card_time(card.reply_due_at, at)}")
    return lines


def reason_line(reason: EscalationReason, detail: str) -> str:
    """The reason once: its label, and the detail only where it adds something."""
    label = REASON_LABELS[reason]
    return label if reason in SAID_BY_LABEL or not detail.strip() else f"{label} ({_clip(detail, NOTE_CLIP)})"


def order_lines(context: CardContext, refs: tuple[str, ...], amounts: tuple[str, ...]) -> list[str]:
    """The order(s), whether the customer proved they are theirs, the amounts and what the shop's data said."""
    orders = ", ".join(f"#{ref}" for ref in refs) or "none given"
    lines = [f"Order: {orders}; verified: {verified_line(context)}"]
    if amounts:
        lines.append(f"Amounts: {', '.join(amounts)}")
    if context.shop_notes:
        lines.append(f"Shop data: {'; '.join(dict.fromkeys(shop_words(note) for note in context.shop_notes[-2:]))}")
    others = [f"{name.replace('_', ' ')} {value}" for name, value in context.details if name != "order_ref"]
    if others:
        lines.append(f"Also given: {', '.join(others)}")
    if context.awaiting:
        lines.append(f"The bot was still waiting for: {context.awaiting.replace('_', ' ')}")
    return lines


def verified_line(context: CardContext) -> str:
    """Whether the agent may talk about the order: only one the customer proved is theirs."""
    proved = ", ".join(f"#{ref}" for ref in context.verified)
    failed = f"{context.failed_proofs} failed proof(s)" if context.failed_proofs else ""
    if proved:
        return f"yes, {proved} matches their email or phone" + (f" ({failed})" if failed else "")
    return "no" + (f": {failed}, do not share order details until they prove it" if failed else
                   ", the customer has not proved an order is theirs")


def promise_lines(promises: tuple[CardPromise, ...], zone: ZoneInfo) -> list[str]:
    """What the bot promised, in its own words, and by when: "“the result of the check” by 16:00 UTC on Tue 1 Dec"."""
    if not promises:
        return ["Promised: nothing open"]
    lines = ["Promised (the bot's words):"]
    for promise in promises:
        lines.append(f"  “{_clip(promise.promised, NOTE_CLIP)}” by {card_time(promise.due_at, zone)}")
        if promise.said:
            lines.append(f"    it said: “{_clip(promise.said, MESSAGE_CLIP)}”")
    return lines


def note_lines(notes: tuple[CardNote, ...], zone: ZoneInfo) -> list[str]:
    if not notes:
        return []
    latest = notes[-CARD_NOTES:]
    return ["Agents' notes (private):",
            *(f"  {note.author}, {card_time(note.at, zone, short=True)}: {_clip(note.text, NOTE_CLIP)}" for note in latest)]


def media_lines(media: tuple[CardMedia, ...], zone: ZoneInfo) -> list[str]:
    if not media:
        return []
    listed = "; ".join(f"{item.kind.replace('_', ' ')} {card_time(item.at, zone, short=True)}"
                       + (f" “{_clip(item.caption, 60)}”" if item.caption else "") for item in media[-CARD_MEDIA:])
    return [f"Sent before the handoff (copied below this card): {listed}"]


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


def fit(sections: list[_Section], limit: int = CARD_LIMIT) -> str:
    """Join the sections; over ``limit``, shorten the least urgent first (tasks' events and gestures, then the
    media list, notes and words, then the order and promises), line by line from each one's end."""
    kept = [list(section.lines) for section in sections]
    for priority in sorted({s.priority for s in sections if s.priority > 0}, reverse=True):
        for index, section in enumerate(sections):
            if section.priority != priority:
                continue
            while len(kept[index]) > section.keep and _length(kept) > limit:
                kept[index].pop(1 if section.oldest_first else -1)
    text = "\n".join(line for lines in kept for line in lines)
    while _utf16(text) > limit:  # only when what is never cut is itself too long
        text = text[:-100]
    return text


def _length(kept: list[list[str]]) -> int:
    return sum(_utf16(line) + 1 for lines in kept for line in lines)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

