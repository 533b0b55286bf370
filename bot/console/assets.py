"""The console's own static files, served from the package with the pages' safe headers.

The pages' Content-Security-Policy allows scripts only from the console itself, so the one script
(``assets/conversation.js``) is served here rather than written into a page.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.console.access import GuardedRoute, trainer_page
from bot.console.web import SECURITY_HEADERS

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
MEDIA_TYPES = {"conversation.js": "text/javascript"}
"""Every file served, by name: nothing else in the folder (or outside it) can be asked for."""


def asset_routes() -> list[GuardedRoute]:
    return [trainer_page("/assets/{name}", serve_asset)]


async def serve_asset(request: Request, trainer: str) -> Response:
    """Only for signed-in trainers, as the pages that use them are."""
    name = request.path_params["name"]
    media_type = MEDIA_TYPES.get(name)
    if media_type is None:
        return PlainTextResponse("No such file.", status_code=404)
    return Response((ASSETS_DIR / name).read_bytes(), media_type=media_type,
                    headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})
