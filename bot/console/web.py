"""What every console page shares: templates, the signed-in trainer, CSRF tokens, safe headers."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.console.sessions import SIGNED_IN

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def trainer_of(request: Request) -> str | None:
    """The signed-in trainer, as checked against the database for this request (``TrainerSessions``)."""
    trainer = request.scope.get(SIGNED_IN)
    return str(trainer) if trainer else None


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def csrf_ok(request: Request, sent: str) -> bool:
    expected = request.session.get("csrf")
    return bool(expected) and hmac.compare_digest(str(expected), sent)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response = TEMPLATES.TemplateResponse(request, template, {"csrf": csrf_token(request), **context},
                                          status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response
