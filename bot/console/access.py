"""Who may reach a console page, decided in one place for every route.

A page is served through ``trainer_page`` (signed-in trainers only) or ``open_page`` (anyone:
the sign-in forms, and the home page, which is the sign-in page when signed out). Both refuse a
form (any method but GET and HEAD) that does not carry this session's CSRF token before the
page's code runs. ``guarded_only`` refuses to build a console with a route made any other way,
so a new page cannot forget either check.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Collection, Iterable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.console.sessions import trainer_of
from bot.console.web import csrf_ok

SAFE_METHODS = frozenset({"GET", "HEAD"})
OpenPage = Callable[[Request], Awaitable[Response]]
TrainerPage = Callable[[Request, str], Awaitable[Response]]
"""A page for trainers gets the signed-in trainer's username with the request."""
Refusal = Callable[[Request], Response]
"""What a refused form answers."""


def form_refused(request: Request) -> Response:
    """A trainer's form without this session's token: signed out meanwhile, or sent from elsewhere."""
    return PlainTextResponse("Sign in again: the form expired or was not sent from the console.", status_code=403)


class GuardedRoute(Route):
    """A route whose page is reached only through the checks above."""


def trainer_page(path: str, page: TrainerPage, methods: Collection[str] = ("GET",)) -> GuardedRoute:
    """Signed out, a visit goes to the sign-in page and a form is refused with 403."""

    @functools.wraps(page)
    async def guarded(request: Request) -> Response:
        trainer = trainer_of(request)
        if trainer is None:
            return RedirectResponse("/", status_code=303) if request.method in SAFE_METHODS else form_refused(request)
        if not await _form_carries_token(request):
            return form_refused(request)
        return await page(request, trainer)

    return GuardedRoute(path, guarded, methods=list(methods))


def open_page(path: str, page: OpenPage, methods: Collection[str] = ("GET",),
              refused: Refusal = form_refused) -> GuardedRoute:
    """Anyone may visit; a form without the session's token gets ``refused`` instead."""

    @functools.wraps(page)
    async def guarded(request: Request) -> Response:
        if not await _form_carries_token(request):
            return refused(request)
        return await page(request)

    return GuardedRoute(path, guarded, methods=list(methods))


def guarded_only(routes: Iterable[BaseRoute]) -> list[BaseRoute]:
    """The routes, unchanged, once each is known to be a ``trainer_page`` or an ``open_page``."""
    routes = list(routes)
    unguarded = [getattr(route, "path", repr(route)) for route in routes if not isinstance(route, GuardedRoute)]
    if unguarded:
        raise TypeError(f"console routes not made by trainer_page or open_page: {', '.join(unguarded)}")
    return routes


async def _form_carries_token(request: Request) -> bool:
    """Safe methods carry no form; any other must send the session's token as the form's ``csrf``."""
    if request.method in SAFE_METHODS:
        return True
    form = await request.form()
    return csrf_ok(request, str(form.get("csrf", "")))
