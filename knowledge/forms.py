"""The details a topic collects before the bot commits to anything, and how each is asked for.

``details.yaml`` (shared by every language) says how an answer is checked (its kind) and how
many unreadable answers the bot takes before it offers a person; ``<language>/wording.yaml``
says, under ``details``, how a reply names each detail, the question that asks for it and what
the bot says when an answer does not read as one. Every detail needs all three in every
language, so a form can never reach a question it has no words for.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from knowledge.content_files import KnowledgeError, read_yaml

DETAIL_KINDS = ("order_ref", "email", "phone", "contact", "date", "amount", "code", "text", "photo")
"""How an answer can be checked: order_ref is the shop's configured pattern; contact is an email or a phone
number with its country code; text takes any words."""
LOOKUPS = ("order", "payments", "shipments", "refunds")
"""What a topic reads in the shop's data once the order is proved the customer's (topics.yaml: lookup)."""
ORDER_STATUSES = ("pending_payment", "paid", "processing", "on_hold", "shipped", "partially_shipped", "delivered",
                  "cancelled", "refunded", "partially_refunded")
"""An order's status in the shop contract (docs/shop-api.yaml); the wording has a line for each."""


@dataclass(frozen=True)
class DetailRule:
    """A detail a form can ask for: how an answer is checked, and how many unreadable ones before a person is offered."""

    id: str
    kind: str
    attempts: int


@dataclass(frozen=True)
class DetailWording:
    """How one language names a detail, asks for it, and says an answer was not one."""

    name: str
    ask: str
    invalid: str


def read_details(path: Path) -> dict[str, DetailRule]:
    """The details of ``details.yaml``, by name, each with a known kind and at least one attempt."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path} must map each detail's name to its kind and attempts.")
    details: dict[str, DetailRule] = {}
    for name, item in raw.items():
        if not isinstance(item, dict):
            raise KnowledgeError(f"{path}: detail '{name}' needs a kind and attempts, like {{kind: text, attempts: 2}}.")
        kind = str(item.get("kind", ""))
        if kind not in DETAIL_KINDS:
            raise KnowledgeError(f"{path}: detail '{name}' has the kind '{kind}'; the kinds are {', '.join(DETAIL_KINDS)}.")
        attempts = item.get("attempts")
        if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 1:
            raise KnowledgeError(f"{path}: detail '{name}' needs attempts as a whole number of at least 1.")
        details[str(name)] = DetailRule(id=str(name), kind=kind, attempts=attempts)
    return details


def read_detail_wording(path: Path, raw: object, details: dict[str, DetailRule]) -> dict[str, DetailWording]:
    """The ``details`` section of a wording file: every detail of details.yaml, each with all its texts."""
    section = raw if isinstance(raw, dict) else {}
    absent = [name for name in details if name not in section]
    if absent:
        raise KnowledgeError(f"{path}: details lacks the words for {', '.join(absent)}.")
    unknown = sorted(str(name) for name in section if name not in details)
    if unknown:
        raise KnowledgeError(f"{path}: details has words for {', '.join(unknown)}, which details.yaml does not list.")
    parts = [field.name for field in fields(DetailWording)]
    wording: dict[str, DetailWording] = {}
    for name in details:
        texts: Any = section[name] if isinstance(section[name], dict) else {}
        missing = [part for part in parts if not str(texts.get(part) or "").strip()]
        if missing:
            raise KnowledgeError(f"{path}: details.{name} lacks {', '.join(missing)}.")
        extra = sorted(str(key) for key in texts if key not in parts)
        if extra:
            raise KnowledgeError(f"{path}: details.{name} has {', '.join(extra)}; it takes only {', '.join(parts)}.")
        wording[name] = DetailWording(**{part: " ".join(str(texts[part]).split()) for part in parts})
    return wording
