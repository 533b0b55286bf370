"""Telegram's refusals in the service's terms: permanent ones are never retried as if the network failed.

``BadRequest`` is a subclass of PTB's ``NetworkError``, so a message Telegram will never accept
(too long, a deleted topic) looked like a passing fault and was redelivered forever. Here every
``BadRequest`` and ``Forbidden`` becomes one of the service's delivery errors instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.error import BadRequest, Forbidden

from bot.channels.delivery import CustomerUnreachable, DeliveryRefused, TopicGone

TOPIC_GONE = ("message thread not found", "topic_deleted", "topic_closed", "topic not found")
CUSTOMER_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot can't initiate conversation",
                 "user not found")


@asynccontextmanager
async def refusals_translated(to_customer: bool) -> AsyncIterator[None]:
    """Inside: a Bot API call to a customer (``to_customer``) or to the agents' group."""
    try:
        yield
    except Forbidden as error:
        raise (CustomerUnreachable if to_customer else DeliveryRefused)(error.message) from None
    except BadRequest as error:
        said = error.message.lower()
        if not to_customer and any(sign in said for sign in TOPIC_GONE):
            raise TopicGone(error.message) from None
        if to_customer and any(sign in said for sign in CUSTOMER_GONE):
            raise CustomerUnreachable(error.message) from None
        raise DeliveryRefused(error.message) from None
