"""Which fields each curated text may use and must use, and what stops a text from being filled.

Trainers write the texts; the bot fills them with ``str.format``. Left unchecked, a field the
code does not pass (``{customer_name}``) fails every reply that uses the text, ``{score.__class__}``
shows Python's insides to a customer, ``{score:>5000}`` pads a reply past Telegram's limit (a
huge width allocates gigabytes), and a text without its ``{deadline}`` breaks a promise of a
time. So every text has an allow-list here, in one table keyed by where the text sits, and a
text may use its fields only bare: no attributes, indexing, format specs or conversions, and no
braces except around a field. The pack is checked against this table when it loads and when a
trainer saves in the console.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Formatter

from knowledge.shop_wording import SHOP_FIELDS

TOPICS = "topics"
"""A topic's text sits at ``topics.<topic id>.<part>``; every other path is a part of wording.yaml."""


@dataclass(frozen=True)
class TextFields:
    """The fields a text may use, in the order a trainer is told them, and those it must use."""

    allowed: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    shop_fields: bool = True
    """Whether the text may also name the shop profile's fields (SHOP_FIELDS), filled when the pack loads."""


PLAIN = TextFields()
"""A text that is sent as written: it takes no fields, so it has no braces."""

DETAIL_NAMES = ("order_ref", "email", "phone", "contact", "date", "amount", "item", "size", "address", "discount_code",
                "photo")
"""The details of the shipped details.yaml: a topic's next_step may name those its topic needs (the
loader checks which). A detail added to details.yaml is added here too before a next_step can name it."""

_HANDOFF_TIME = TextFields(("agent", "role", "deadline"), ("agent", "deadline"))
_COMMAND = TextFields(("command",), ("command",))
_AGENT = TextFields(("agent",), ("agent",))
_PROBLEM = TextFields(("problem",), ("problem",))
_ORDER = TextFields(("order_ref",), ("order_ref",))
_MEMBER = TextFields(("member",), ("member",))
_AGENTS = TextFields(("agents",), ("agents",))
_MOMENT = TextFields(("time", "zone", "weekday", "day", "month"), ("time",))

TEXT_FIELDS: dict[str, TextFields] = {
    "acknowledgements.*.*": TextFields(("problem", "owner")),
    "single_step": TextFields(("step",), ("step",)),
    "drafts.problem": TextFields(("title",), ("title",)),
    "drafts.first_step": TextFields(("link",), ("link",)),
    "drafts.more": TextFields(("link",), ("link",)),
    "promise_update": TextFields(("problem", "promised", "deadline", "new_deadline"), ("new_deadline",)),
    "gestures.*": TextFields(("problem", "owner", "deadline")),
    "closing.solved": TextFields(("problem",)),
    "closing.thanks_rating": TextFields(("score",)),
    "handoff.assigned": _HANDOFF_TIME,
    "handoff.queued": _HANDOFF_TIME,
    "handoff.agent_says": TextFields(("agent", "text"), ("agent", "text")),
    "handoff.agent_corrects": TextFields(("agent", "text"), ("agent", "text")),
    "handoff.agent_edited": TextFields(("agent", "text"), ("agent", "text")),
    "handoff.resolved": TextFields(("agent",)),
    "handoff.holding": TextFields(("agent", "deadline"), ("agent", "deadline")),
    "handoff.resolved_with_note": TextFields(("agent", "note"), ("note",)),
    "handoff.rate_agent": _AGENT,
    "handoff.same_person_away": _AGENT,
    "handoff.transferred": TextFields(("agent", "new_agent", "role", "deadline"), ("new_agent", "deadline")),
    "handoff.transferred_later": TextFields(("agent", "new_agent", "role", "start", "deadline"),
                                            ("new_agent", "start", "deadline")),
    "handoff.first_reply_late": TextFields(("agent", "deadline", "new_deadline"), ("new_deadline",)),
    "agents.stranger": _COMMAND,
    "agents.no_handoff": _COMMAND,
    "agents.unknown_command": _COMMAND,
    "agents.already_yours": _AGENT,
    "agents.at_cap": TextFields(("agent", "open_chats", "max_chats"), ("max_chats",)),
    "agents.taken": _AGENT,
    "agents.taken_untold": _AGENT,
    "agents.transfer_unknown": TextFields(("name", "agents"), ("agents",)),
    "agents.transfer_same": _AGENT,
    "agents.transfer_full": TextFields(("agent", "max_chats"), ("agent",)),
    "agents.transfer_away": _AGENT,
    "agents.transfer_off_shift": TextFields(("agent", "start"), ("agent", "start")),
    "agents.transfer_language": TextFields(("agent", "language"), ("agent",)),
    "agents.starts_at": _MOMENT,
    "agents.mine_none": _AGENT,
    "agents.mine_header": TextFields(("agent", "count"), ("count",)),
    "agents.desk_line": TextFields(("customer", "handoff", "status", "waited", "due"), ("customer", "status", "waited", "due")),
    "agents.desk_line_calm": TextFields(("customer", "handoff", "status"), ("customer", "status")),
    "agents.desk_with": _AGENT,
    "agents.queue_header": TextFields(("count",), ("count",)),
    "agents.queue_owners": TextFields(("owners",), ("owners",)),
    "agents.owner_load": TextFields(("agent", "count", "max_chats"), ("agent", "count", "max_chats")),
    "agents.away_done": _AGENT,
    "agents.back_done": _AGENT,
    "agents.board_on_shift": _AGENTS,
    "agents.board_away": _AGENTS,
    "agents.board_off_shift": _AGENTS,
    "agents.board_waiting": TextFields(("queued", "waiting"), ("queued", "waiting")),
    "agents.board_oldest": TextFields(("customer", "waited"), ("customer", "waited")),
    "agents.board_angriest": TextFields(("conversations",), ("conversations",)),
    "agents.minutes": TextFields(("minutes",), ("minutes",)),
    "agents.hours": TextFields(("hours", "minutes"), ("hours", "minutes")),
    "agents.transferred": _AGENT,
    "agents.transferred_untold": _AGENT,
    "agents.resolved": _AGENT,
    "agents.resolved_untold": _AGENT,
    "agents.flagged": TextFields(("answer",), ("answer",)),
    "agents.flagged_with_note": TextFields(("answer", "note"), ("answer", "note")),
    "agents.not_yours": TextFields(("agent", "customer", "owner"), ("owner",)),
    "agents.went_nowhere": TextFields(("agent", "topics"), ("topics",)),
    "agents.refused": TextFields(("customer", "reason")),
    "agents.partly_refused": TextFields(("customer", "delivered", "parts", "reason"), ("delivered", "parts")),
    "agents.sent_in_parts": TextFields(("parts",), ("parts",)),
    "agents.assigned": _AGENT,
    "agents.first_reply_late": TextFields(("agent", "customer", "deadline", "new_deadline"), ("new_deadline",)),
    "agents.reply_nudge": TextFields(("agent", "customer", "since", "deadline"), ("agent", "since")),
    "agents.lead_nudge": TextFields(("leads", "agent", "customer", "since"), ("leads", "since")),
    "agents.holding_told": TextFields(("customer", "agent", "deadline"), ("deadline",)),
    "agents.handback_closed": TextFields(("promises", "tasks"), ("promises", "tasks")),
    "agents.reopened": TextFields(("customer", "agent"), ("agent",)),
    "agents.customer_refused": TextFields(("reason",)),
    "agents.customer_gone": TextFields(("customer",)),
    "privacy.mydata": TextFields(("name", "language", "since", "conversations", "messages")),
    "privacy.forgotten": TextFields(("messages",)),
    "privacy.forgotten_with_topic": TextFields(("messages",)),
    "privacy.forgotten_topic_kept": TextFields(("messages",)),
    "deadline": TextFields(("time", "zone", "weekday", "day", "month"), ("time", "day", "month")),
    "clarify_between": TextFields(("first", "second"), ("first", "second")),
    "unknown_command": TextFields(("command",)),
    "details.*.*": PLAIN,
    "conversation.ending_open": TextFields(("problem", "promised", "deadline"), ("deadline",)),
    "conversation.ending_waiting": TextFields(("problem", "detail"), ("detail",)),
    "conversation.dropped": _PROBLEM,
    "conversation.corrected": TextFields(("name", "value"), ("name", "value")),
    "conversation.noted": TextFields(("name", "value"), ("value",)),
    "conversation.back_to_case": _PROBLEM,
    "conversation.offer_person": TextFields(("name",), ("name",)),
    f"{TOPICS}.*.next_step": TextFields(("deadline", *DETAIL_NAMES)),
    "shop.one_order": _ORDER,
    "shop.orders_found": TextFields(("orders",), ("orders",)),
    "shop.order_line": TextFields(("order_ref", "placed", "total"), ("order_ref",)),
    "shop.checked": _ORDER,
    "shop.checked_demo": _ORDER,
    "shop.not_found": _ORDER,
    "shop.not_found_again": _ORDER,
    "shop.not_found_final": _ORDER,
    "shop.unavailable": _ORDER,
    "shop.order_status.*": TextFields(("order_ref", "placed"), ("order_ref",)),
    "shop.parcel_scanned": TextFields(("carrier", "tracking", "place", "time", "event"), ("place", "time")),
    "shop.parcel_scanned_nowhere": TextFields(("carrier", "tracking", "time", "event"), ("time",)),
    "shop.parcel_expected": TextFields(("carrier", "day"), ("day",)),
    "shop.parcel_late": TextFields(("carrier", "day"), ("day",)),
    "shop.parcel_delivered": TextFields(("carrier", "time"), ("time",)),
    "shop.parcel_pickup": TextFields(("carrier",)),
    "shop.parcel_problem": TextFields(("carrier", "event"), ("event",)),
    "shop.parcel_not_scanned": TextFields(("carrier", "tracking")),
    "shop.parcel_none": _ORDER,
    "shop.tracking_link": TextFields(("url",), ("url",)),
    "shop.payments_two": TextFields(("amount", "order_ref", "first", "second"), ("amount", "first", "second")),
    "shop.payments_hold": TextFields(("amount", "hold", "order_ref", "at"), ("hold",)),
    "shop.payments_one": TextFields(("amount", "order_ref", "at"), ("amount",)),
    "shop.payments_failed": TextFields(("amount",), ("amount",)),
    "shop.payments_none": _ORDER,
    "shop.refund_on_way": TextFields(("amount", "order_ref", "created", "expected"), ("expected",)),
    "shop.refund_late": TextFields(("amount", "order_ref", "expected"), ("expected",)),
    "shop.refund_sent": TextFields(("amount", "order_ref", "created"), ("amount",)),
    "shop.refund_failed": TextFields(("amount", "order_ref"), ("amount",)),
    "shop.refund_none": _ORDER,
    "shop.watch": TextFields(("owner",)),
    "shop.disputed": TextFields(("owner",)),
    "support_hours.range": TextFields(("first", "last"), ("first", "last"), shop_fields=False),
    "support_hours.window": TextFields(("days", "start", "end"), ("days", "start", "end"), shop_fields=False),
    "support_hours.more": TextFields(("hours", "more"), ("hours", "more"), shop_fields=False),
    "shop.moment": TextFields(("time", "weekday", "day", "month"), ("time",)),
    "shop.moment_today": TextFields(("time",), ("time",)),
    "shop.moment_yesterday": TextFields(("time",), ("time",)),
    "shop.day": TextFields(("weekday", "day", "month"), ("day",)),
    "tasks.taken": TextFields(("problem", "member", "owner", "time", "deadline"), ("member", "deadline")),
    "tasks.more_time": TextFields(("problem", "member", "owner", "deadline", "old_deadline"), ("member", "deadline")),
    "tasks.need_info": TextFields(("problem", "member", "owner", "question"), ("member", "question")),
    "tasks.info_passed": TextFields(("member", "deadline"), ("member",)),
    "tasks.done": TextFields(("problem", "member", "owner", "note"), ("member", "note")),
    "tasks.declined": TextFields(("problem", "member", "owner"), ("member",)),
    "tasks.late_untouched": TextFields(("problem", "owner", "deadline", "new_deadline"), ("new_deadline",)),
    "tasks.late_taken": TextFields(("problem", "member", "owner", "deadline", "new_deadline"), ("member", "new_deadline")),
    "tasks.card_title": TextFields(("task", "team", "problem"), ("task",)),
    "tasks.card_order": _ORDER,
    "tasks.card_facts": TextFields(("facts",), ("facts",)),
    "tasks.card_promised": TextFields(("promised", "deadline"), ("deadline",)),
    "tasks.card_taken": _MEMBER,
    "tasks.card_waiting": TextFields(("question",), ("question",)),
    "tasks.card_done": TextFields(("member", "note"), ("member", "note")),
    "tasks.card_declined": TextFields(("member", "reason"), ("member", "reason")),
    "tasks.ask_note": _MEMBER,
    "tasks.ask_reason": _MEMBER,
    "tasks.ask_question": _MEMBER,
    "tasks.customer_answered": TextFields(("member", "task"), ("task",)),
    "tasks.customer_warned": TextFields(("task", "deadline"), ("task", "deadline")),
    "tasks.lead_alert": TextFields(("lead", "task", "problem", "deadline"), ("task", "deadline")),
    "tasks.to_person": TextFields(("task",), ("task",)),
    "tasks.tapped_take": TextFields(("task",)),
    "tasks.tapped_more_time": TextFields(("deadline",), ("deadline",)),
    "tasks.refused_not_member": TextFields(("team",)),
}
"""Every text the bot fills, by where it sits ("*" stands for any one key); any other text is PLAIN.
Every text may also name the shop profile's fields (SHOP_FIELDS) except the hours' own words.
A topic that promises a time must also have {deadline} in its next_step, and its next_step may name
only the details that topic needs (both checked by the loader, which knows each topic's facts)."""


def fields_for(path: str) -> TextFields:
    """The allow-list for the text at ``path`` ("handoff.assigned", "topics.refund.next_step")."""
    if path in TEXT_FIELDS:
        return TEXT_FIELDS[path]
    parts = path.split(".")
    for pattern, fields in TEXT_FIELDS.items():
        wanted = pattern.split(".")
        if len(wanted) == len(parts) and all(w in ("*", p) for w, p in zip(wanted, parts, strict=True)):
            return fields
    return PLAIN


_NAMED = re.compile(r"\{([A-Za-z_][A-Za-z_0-9]*)")


def names_in(text: str) -> set[str]:
    """The field names a text mentions, however it writes them ("{deadline:>9}" mentions deadline).

    For checks of what a text is about (a promise names its time); whether the bot can fill
    the text is ``fill_problems``'s question.
    """
    return set(_NAMED.findall(text))


def text_path(file: str, path: str) -> str:
    """The table's path for a text the editor names by file and path ("topics.yaml", "refund.next_step")."""
    return f"{TOPICS}.{path}" if file == "topics.yaml" else path


def where_text_sits(path: str) -> tuple[str, str]:
    """(file, path in that file) for a table path: ("topics.yaml", "refund.next_step"), ("wording.yaml", "deadline")."""
    if path.startswith(f"{TOPICS}."):
        return "topics.yaml", path.removeprefix(f"{TOPICS}.")
    return "wording.yaml", path


def text_problems(path: str, language: str, text: str) -> list[str]:
    """``fill_problems`` for the text at ``path``, each naming it: "handoff.assigned (ru): {x} is not a field ..."."""
    _, label = where_text_sits(path)
    return [f"{label} ({language}): {problem}" for problem in fill_problems(text, fields_for(path))]


def fill_problems(text: str, fields: TextFields) -> list[str]:
    """Why ``text`` cannot be filled safely, each said so a trainer can fix it; empty when it can."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:  # a lone brace, or a field cut short ("{score!", "{score:{")
        return [f"has a '{{' or '}}' without its pair; {_braces_are_for(fields)}"]
    problems: list[str] = []
    used: set[str] = set()
    for literal, name, spec, conversion in parsed:
        if "{" in literal or "}" in literal:
            problems.append(f"has '{{{{' or '}}}}', which puts a brace in the reply; {_braces_are_for(fields)}")
        if name is None:
            continue
        problem = _field_problem(name, spec or "", conversion, fields)
        if problem:
            problems.append(problem)
        used.add(_base(name))
    missing = [name for name in fields.required if name not in used]
    if missing:
        problems.append(f"lacks {_listed(missing)}; this text must contain {_listed(fields.required)}")
    return list(dict.fromkeys(problems))


def _field_problem(name: str, spec: str, conversion: str | None, fields: TextFields) -> str:
    shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
    base = _base(name)
    if base not in fields.allowed and not (fields.shop_fields and base in SHOP_FIELDS):
        return f"{shown} is not a field this text can use; {_can_use(fields)}"
    if base != name:
        return f"{shown} reaches inside a field, which curated text may not do; write {{{base}}} alone"
    if conversion:
        return f"{shown} converts the field, which curated text may not do; write {{{base}}} alone"
    if spec:
        return (f"{shown} formats the field (width, alignment, precision), which curated text may not do; "
                f"write {{{base}}} alone")
    return ""


def _base(name: str) -> str:
    """The field a name starts with: "score" for "score.__class__" and "score[0]"."""
    return name.split(".", 1)[0].split("[", 1)[0]


def _can_use(fields: TextFields) -> str:
    return f"it can use {_listed(fields.allowed)}" if fields.allowed else "this text takes no fields"


def _braces_are_for(fields: TextFields) -> str:
    if not fields.allowed:
        return "this text takes no fields, so it cannot contain braces"
    return f"braces are only for fields, and {_can_use(fields)}"


def _listed(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join("{" + name + "}" for name in names)
