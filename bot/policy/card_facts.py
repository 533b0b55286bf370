"""The key facts of a case as the agents' card states them: order references, amounts, what the shop's data
said, the bot's own words for a promise, and what the customer wants in one line. Pure functions.

The shop's facts are kept by the bot as the short notes ``bot/policy/order_facts.py`` writes beside
each answer (``Told.note``, stored in the reply's ``why`` and a task's ``facts``), e.g. "payments
settled=2 pending=0 failed=0: a real double charge" or "parcel exception"; amounts are read from the
words the bot and the customer actually exchanged ("49.90 GBP", "£59.99"), never computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.policy.details import DEFAULT_READER

WANT_LIMIT = 220
SAID_LIMIT = 300
WORDS_IN_WANT = 90

SHOP_NOTE = re.compile(r"^(?:payments settled=\d+|parcel |refund|no refund|no shipment|order status )")
"""The shapes of ``Told.note`` (bot/policy/order_facts.py): one lookup's facts, in a reply's notes."""
_PAYMENTS = re.compile(r"payments settled=(\d+) pending=(\d+) failed=(\d+)")
_NUMBER = r"\d{1,7}(?:[.,]\d{3})*(?:[.,]\d{1,2})?"
_CURRENCY_AFTER = r"(?:EUR|USD|GBP|PLN|RUB|CNY|CHF|CZK|SEK|NOK|DKK|UAH|zł|zl|руб\.?|рублей|рубля|€|£|\$|元|юаней)"
_MONEY = re.compile(
    rf"(?<![A-Za-z0-9.,])(?:[£$€¥₽]\s?{_NUMBER}|(?:EUR|USD|GBP|PLN|RUB|CNY)\s?{_NUMBER}|{_NUMBER}\s?{_CURRENCY_AFTER})(?![A-Za-z0-9])",
    re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
_YOU = {"your": "their", "you're": "they're", "you've": "they've", "yours": "theirs", "you": "they"}
_YOU_WORD = re.compile(r"\b(" + "|".join(sorted(_YOU, key=len, reverse=True)) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Payments:
    """What the shop's last payments lookup found for the order."""

    settled: int
    pending: int
    failed: int

    @property
    def double_charge(self) -> bool:
        return self.settled >= 2

    @property
    def hold(self) -> bool:
        """One payment went through and the other is a pending hold: no money was taken twice."""
        return self.settled >= 1 and self.pending >= 1 and not self.double_charge


def shop_notes(why: str) -> tuple[str, ...]:
    """The shop's facts among a reply's notes ("case x: order_ref; payments settled=…: …; met anger")."""
    return tuple(note.strip() for note in why.split(";") if SHOP_NOTE.match(note.strip()))


def payments_in(notes: tuple[str, ...]) -> Payments | None:
    """The latest payments lookup among the notes, or None when the shop's payments were never looked at."""
    for note in reversed(notes):
        if found := _PAYMENTS.search(note):
            return _payments(found)
    return None


def _payments(found: re.Match[str]) -> Payments:
    settled, pending, failed = (int(value) for value in found.groups())
    return Payments(settled, pending, failed)


def shop_words(note: str) -> str:
    """A note as the agent reads it: "2 settled payments: a real double charge", "parcel: exception"."""
    if found := _PAYMENTS.search(note):
        payments = _payments(found)
        parts = [f"{payments.settled} settled", f"{payments.pending} pending"]
        parts += [f"{payments.failed} failed"] if payments.failed else []
        meaning = note[found.end():].lstrip(": ").strip()
        return "payments: " + ", ".join(parts) + (f" ({meaning})" if meaning else "")
    text = note.replace("_", " ")
    return f"parcel: {text[len('parcel '):]}" if text.startswith("parcel ") else text


def money_mentions(texts: tuple[str, ...]) -> tuple[str, ...]:
    """Amounts as they were written ("£59.99", "49.90 GBP"), each figure once, in order of first mention."""
    seen: dict[str, str] = {}
    for text in texts:
        for found in _MONEY.finditer(text):
            figure = re.sub(r"[^\d]", "", found.group(0))
            seen.setdefault(figure, " ".join(found.group(0).split()))
    return tuple(seen.values())


def order_refs(slots: tuple[tuple[str, str], ...], task_refs: tuple[str, ...], words: tuple[str, ...]) -> tuple[str, ...]:
    """Order references from the case, the teams' tasks and the customer's own later words, each once."""
    refs = [value for name, value in slots if name == "order_ref"] + list(task_refs)
    refs += [found for text in words if (found := DEFAULT_READER.find("order_ref", text)) is not None]
    return tuple(dict.fromkeys(ref.lstrip("#") for ref in refs if ref))


def for_the_agent(problem: str) -> str:
    """The topic's problem as the bot says it to the customer, turned for the agent: "the double charge on their
    card" (the English pack speaks to "you"; the card speaks about "them")."""

    def turn(found: re.Match[str]) -> str:
        word = _YOU[found.group(0).lower()]
        return word.capitalize() if found.group(0)[0].isupper() else word

    return _YOU_WORD.sub(turn, problem)


PERSON_TOPIC = "talk_to_person"
"""Asking for a person is how the customer reached the agent, not their problem."""


def problem_topic(current: str | None, promised: tuple[str, ...], earlier: tuple[str, ...] = ()) -> str | None:
    """The problem still on the table: the latest one the bot made an open promise about, else the latest topic the
    conversation was about ("I want a person" after a double charge is about the double charge)."""
    for topic in (*reversed(promised), current, *reversed(earlier)):
        if topic and topic != PERSON_TOPIC:
            return topic
    return current


def want_line(problem: str, refs: tuple[str, ...], amounts: tuple[str, ...], payments: Payments | None,
              words: tuple[str, ...]) -> str:
    """What the customer wants, in one line: the real problem and its key facts ("two charges for order #48213,
    59.99 GBP each — the double charge on their card"); without facts, their own latest words."""
    order = " and ".join(f"#{ref}" for ref in refs[:2])
    for_order = f" for order {order}" if order else ""
    one_amount = amounts[0] if len(amounts) == 1 else ""  # said inside the charge's words ("…, 59.99 GBP each")
    facts: list[str] = []
    if payments is not None and payments.double_charge:
        facts.append(f"two charges{for_order}" + (f", {one_amount} each" if one_amount else ""))
    elif payments is not None and payments.hold:
        facts.append(f"one charge{for_order} and a pending hold" + (f" of {one_amount}" if one_amount else ""))
    elif order:
        facts.append(f"order {order}")
    charge_named = payments is not None and (payments.double_charge or payments.hold)
    if amounts and not (charge_named and one_amount):
        facts.append(", ".join(amounts[:3]))
    about = for_the_agent(problem) if problem else ""
    if not facts:
        latest = next((flat for text in reversed(words) if len(flat := " ".join(text.split())) > 3), "")
        quoted = f"“{_clip(latest, WORDS_IN_WANT)}”" if latest else ""
        line = " — ".join(part for part in (about or "not clear yet", quoted) if part)
    else:
        line = ", ".join(facts) + (f" — {about}" if about else "")
    return _clip(line, WANT_LIMIT)


def promise_said(bot_texts: tuple[str, ...], deadlines: tuple[str, ...]) -> str:
    """The bot's own sentence that named a promise's time (and the one before it), from its latest message that
    did; "" when none did. ``deadlines`` are the times as the customer read them ("by 16:00 UTC on Tue 1 Dec")."""
    for text in reversed(bot_texts):
        for deadline in deadlines:
            if deadline and deadline in text:
                return _around(text, deadline)
    return ""


def _around(text: str, deadline: str) -> str:
    for paragraph in text.split("\n"):
        if deadline not in paragraph:
            continue
        sentences = [s for s in _SENTENCE_END.split(paragraph.strip()) if s]
        at = next((index for index, sentence in enumerate(sentences) if deadline in sentence), len(sentences) - 1)
        said = " ".join(sentences[max(0, at - 1):at + 1])
        return said if len(said) <= SAID_LIMIT else "…" + said[-(SAID_LIMIT - 1):]
    return ""


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
