"""What every console page shares: templates, CSRF tokens, safe headers."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def csrf_token(request: Request) -> str:
    """This session's token for the page's forms (made on first use; renewed at sign-in)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def csrf_ok(request: Request, sent: str) -> bool:
    """Whether ``sent`` is this session's token (compared in constant time, as bytes: any text may be sent)."""
    expected = request.session.get("csrf")
    return bool(expected) and hmac.compare_digest(str(expected).encode(), sent.encode())


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response = TEMPLATES.TemplateResponse(request, template, {"csrf": csrf_token(request), **context},
                                          status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response
