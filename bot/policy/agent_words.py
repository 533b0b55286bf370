"""What an agent's words in the agents' group are: a private note, or a reply meant for a customer.

Pure decisions, no I/O: the desk asks them before anything could reach a customer, so a note is
recognised first and never sent, and a customer-looking reply typed outside any customer's topic is
caught instead of silently dropped.
"""

from __future__ import annotations

import re

NOTE_PREFIX = "!"
NOTE_COMMAND = "/note"

_GREETING = re.compile(
    r"\b(hi|hello|hey|dear|good (morning|afternoon|evening)|thanks for (waiting|your patience)"
    r"|здравствуйте|добрый (день|вечер)|доброе утро|привет"
    r"|dzień dobry|witam|cześć|dobry wieczór)\b|您好|你好", re.IGNORECASE)
_YOU = re.compile(
    r"\b(you|your|yours|вы|вас|вам|ваш\w*|pan|pani|pana|państwo|twoj\w*|twoje)\b|您|你的", re.IGNORECASE)
_APOLOGY = re.compile(r"\b(sorry|apologi[sz]e\w*|извин\w*|простите|przepraszam\w*)\b|抱歉|对不起|不好意思",
                      re.IGNORECASE)
_ORDER = re.compile(
    r"\b(order\w*|refund\w*|parcel|package|delivery|shipp\w*|tracking|payment|charge\w*"
    r"|заказ\w*|возврат\w*|посылк\w*|доставк\w*|оплат\w*"
    r"|zamówieni\w*|zwrot\w*|paczk\w*|przesyłk\w*|dostaw\w*|płatnoś\w*)\b|订单|退款|包裹|快递|发货|付款",
    re.IGNORECASE)
_SIGNS = (_GREETING, _YOU, _APOLOGY, _ORDER)
REPLY_SIGNS_NEEDED = 2
"""Two kinds of sign ("Hi … your order", "sorry … you"): one alone is colleagues' talk as often as not."""


def note_text(text: str) -> str | None:
    """The note's words when ``text`` is an internal note (``!…`` or ``/note …``), else None.

    A bare ``!`` or ``/note`` is a note with no words: still never sent.
    """
    stripped = text.lstrip()
    if stripped.startswith(NOTE_PREFIX):
        return stripped[len(NOTE_PREFIX):].strip()
    head, _, rest = stripped.partition(" ")
    if head.split("@")[0].lower() == NOTE_COMMAND:
        return rest.strip()
    return None


def looks_like_customer_reply(text: str) -> bool:
    """Whether words typed outside any customer's topic read as meant for a customer (en, ru, pl, zh).

    "Hi Ola, your refund left us yesterday" does; "lunch?" or "who has the Polish chats?" does not.
    """
    if not text.strip() or note_text(text) is not None or text.lstrip().startswith("/"):
        return False
    return sum(1 for sign in _SIGNS if sign.search(text)) >= REPLY_SIGNS_NEEDED
