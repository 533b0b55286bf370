"""The two keys a team's helpdesk holds: the secret our posts are signed with, and the token it posts back with.

The signing secret follows the Standard Webhooks form (``whsec_`` + base64 of random bytes), so a
helpdesk's stock verifier accepts it. The inbound token is a bearer token; only its SHA-256 is
stored, so a copy of the database cannot post task events.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
"""Standard Webhooks asks for 24 to 64 random bytes."""


def new_signing_secret() -> str:
    """A fresh Standard Webhooks signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def new_inbound_token() -> str:
    """A fresh bearer token for the helpdesk's posts to ``/helpdesk/tasks/{id}/events``."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of an inbound token and looked up when one arrives: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
