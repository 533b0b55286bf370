"""Whether the contact a customer gave is the one on an order: the one rule the backends that check it themselves share.

An email matches in any letter case; a phone matches by its digits (the customer's E.164 number against the
shop's, however the shop punctuated it), and fewer than seven digits are no phone number at all.
"""

from __future__ import annotations

import re

MIN_PHONE_DIGITS = 7


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def same_email(stored: str | None, contact: str) -> bool:
    return stored is not None and bool(stored.strip()) and stored.strip().casefold() == contact.strip().casefold()


def same_phone(stored: str | None, contact: str) -> bool:
    digits = phone_digits(contact)
    return stored is not None and len(digits) >= MIN_PHONE_DIGITS and phone_digits(stored) == digits
