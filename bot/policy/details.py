"""Reading the details a case needs out of what the customer wrote: pure functions, four languages.

Two ways in. An answer to the bot's own question is read whole (``read_answer``): free text such
as an address is taken as it is. A value given before it was asked for ("charged twice for
order #60311") is found only when it has an unmistakable shape (``find_given``): an order
reference in the shop's pattern, an email, a phone number with its country code, a discount code
named as one. Guessing free text out of a sentence would put words in the customer's mouth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

DEFAULT_ORDER_REF_PATTERN = r"#?\d{5,}"
"""An order reference as most shops print it: an optional # and at least five digits."""
TEXT_LIMIT = 200

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ()-]{6,}\d")
_AMOUNT = re.compile(r"\d+(?:[.,]\d{1,2})?")
_CODE_WORD = re.compile(r"\bcode|\bcoupon|\bvoucher|\bpromo|\bкод|\bпромокод|\bkod|\bkupon|优惠码|折扣码|券码|代码",
                        re.IGNORECASE)
_CODE_NEAR = 40
"""Characters after "code" in which the code itself is looked for ("Kod rabatowy LATO20", "code is WINTER10")."""
_CODE_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])(?:(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{3,32}"
                         r"|[A-Z]{4,32})(?![A-Za-z0-9_-])")
"""A code's shape: letters with digits, or capitals; bounded by ASCII only, as Chinese writes it straight on."""
_DATE_WORDS = re.compile(
    r"\d|\b(today|yesterday|ago|last|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
    r"|сегодня|вчера|назад|понедельник|вторник|сред|четверг|пятниц|суббот|воскресень|январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр"
    r"|dziś|dzisiaj|wczoraj|temu|poniedział|wtor|środ|czwart|piąt|sobot|niedziel|stycz|lut|mar|kwie|maj|czerw|lip|sierp|wrze|październik|listopad|grud)"
    r"|今天|昨天|前天|上周|星期|周[一二三四五六日]|月|号|日",
    re.IGNORECASE)

KINDS = ("order_ref", "email", "phone", "contact", "date", "amount", "code", "text", "photo")
"""How an answer is checked; every detail in the knowledge pack has one of these kinds."""
SHAPED_KINDS = frozenset({"order_ref", "email", "phone", "contact", "code"})
"""Kinds with a shape clear enough to pick out of a sentence before the bot asked for them."""


@dataclass(frozen=True)
class DetailReader:
    """The shop's shapes for details; the order-reference pattern is the shop's configuration."""

    order_ref_pattern: str = DEFAULT_ORDER_REF_PATTERN

    @cached_property
    def _order_ref(self) -> re.Pattern[str]:
        # Not inside a longer Latin word or number, and not a phone number's digits ("+48 600…"); Chinese
        # writes the number straight after its characters ("订单号60311"), so only ASCII letters count.
        return re.compile(rf"(?<![A-Za-z0-9_+#/.,-])(?:{self.order_ref_pattern})(?![A-Za-z0-9_/]|[.,]\d)",
                          re.IGNORECASE)

    def read_answer(self, kind: str, text: str) -> str | None:
        """The value in an answer to the bot's question for a detail of this kind, or None if there is none."""
        flat = " ".join(text.split())
        if kind == "text":
            return flat[:TEXT_LIMIT] if sum(ch.isalnum() for ch in flat) >= 2 else None
        if kind == "date":
            return flat[:60] if _DATE_WORDS.search(flat) else None
        if kind == "amount":
            found = _AMOUNT.search(flat)
            return found.group(0).replace(",", ".") if found else None
        if kind == "code":
            if (named := _named_code(flat)) is not None:
                return named
            tokens = flat.split()
            if len(tokens) == 1 and 3 <= len(tokens[0].strip(".,!?\"'")) <= 32:
                return tokens[0].strip(".,!?\"'").upper()
            token = _CODE_TOKEN.search(flat)
            return token.group(0).upper() if token else None
        return self.find(kind, flat)

    def find(self, kind: str, text: str) -> str | None:
        """A value of a shaped kind anywhere in the text, or None."""
        if kind == "order_ref":
            found = self._order_ref.search(text)
            return found.group(0).lstrip("#") if found else None
        if kind == "email":
            found = _EMAIL.search(text)
            return found.group(0).rstrip(".").lower() if found else None
        if kind == "phone":
            for found in _PHONE.finditer(text):
                digits = re.sub(r"\D", "", found.group(0))
                if found.group(0).startswith("+") and 8 <= len(digits) <= 15:
                    return f"+{digits}"
            return None
        if kind == "code":
            return _named_code(text)
        if kind == "contact":
            return self.find("email", text) or self.find("phone", text)
        return None

    def find_given(self, wanted: dict[str, str], text: str) -> dict[str, str]:
        """Values of shaped details (name -> kind) the customer gave without being asked."""
        given: dict[str, str] = {}
        for name, kind in wanted.items():
            if kind in SHAPED_KINDS and (value := self.find(kind, text)) is not None:
                given[name] = value
        return given


def _named_code(text: str) -> str | None:
    """A code written just after a word for it: a token with a digit, or in capitals, so "rabatowy" is not one."""
    for word in _CODE_WORD.finditer(text):
        token = _CODE_TOKEN.search(text, word.end(), word.end() + _CODE_NEAR)
        if token is not None:
            return token.group(0).upper()
    return None


DEFAULT_READER = DetailReader()
"""The reader for a shop that configured nothing: order references such as #48213."""


def shown(detail_kind: str, value: str) -> str:
    """A value as the reply names it: an order reference of digits gets its # back ("#48213")."""
    return f"#{value}" if detail_kind == "order_ref" and value.isdigit() else value
