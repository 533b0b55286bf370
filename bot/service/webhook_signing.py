"""Standard Webhooks signatures (https://www.standardwebhooks.com): make them, and check them — pure.

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; the key is the secret's
base64 after its ``whsec_`` prefix; the signature is HMAC-SHA256, base64, sent as
``webhook-signature: v1,<signature>`` (several may be sent, space-separated, while a secret is
rotated). A receiver refuses a timestamp more than five minutes from its clock, so a captured
request cannot be replayed later. Any Standard Webhooks library verifies what is signed here.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping

from nlu.errors import CandorError

SECRET_PREFIX = "whsec_"
TOLERANCE = dt.timedelta(minutes=5)
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


class WebhookSignatureError(CandorError):
    """A request's signature headers are missing, malformed, too old or too new, or do not match."""


def signing_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_…`` secret (the prefix is optional, as the spec's libraries allow)."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookSignatureError("the signing secret is not base64 after its whsec_ prefix") from None
    if not key:
        raise WebhookSignatureError("the signing secret is empty")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``{message_id}.{timestamp}.{body}``."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(secret: str, message_id: str, at: dt.datetime, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for sending ``body`` at ``at``."""
    timestamp = int(at.timestamp())
    return {ID_HEADER: message_id, TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(secret, message_id, timestamp, body)}


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: dt.datetime,
           tolerance: dt.timedelta = TOLERANCE) -> None:
    """Raise ``WebhookSignatureError`` unless ``body`` was signed with ``secret`` within ``tolerance`` of ``now``.

    ``body`` must be the raw bytes received: parsing and re-serialising the JSON changes them.
    """
    found = {name.lower(): value for name, value in headers.items()}
    message_id, sent_at, signatures = (found.get(ID_HEADER), found.get(TIMESTAMP_HEADER),
                                       found.get(SIGNATURE_HEADER))
    if not message_id or not sent_at or not signatures:
        raise WebhookSignatureError("the webhook-id, webhook-timestamp and webhook-signature headers are required")
    if not sent_at.isdigit():
        raise WebhookSignatureError("webhook-timestamp must be whole Unix seconds")
    timestamp = int(sent_at)
    if abs(now.timestamp() - timestamp) > tolerance.total_seconds():
        raise WebhookSignatureError("webhook-timestamp is too far from now (an old request replayed, or a bad clock)")
    expected = signature(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected.encode(), sent.encode()) for sent in signatures.split(" ")):
        raise WebhookSignatureError("no v1 signature in webhook-signature matches")
