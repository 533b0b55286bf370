"""Every route of the console over real HTTP: only the sign-in pages open without a trainer, and no
form acts without the session's CSRF token. The routes are read from the app itself, so a page
added later is held to the same rules without this file naming it."""

from __future__ import annotations

import re

import httpx
from starlette.routing import Route

from bot.storage.models import utc_now
from bot.storage.trainers import TrainerRepository
from tests.e2e.console_server import PASSWORD, ConsoleServer, csrf_of, sign_in, visitor

OPEN_TO_ANYONE = {
    ("GET", "/"),  # the sign-in page when signed out
    ("POST", "/login"),
    ("GET", "/login/link/{token}"),
    ("POST", "/login/link/{token}"),
    ("POST", "/logout"),
}
"""Reviewed one by one: a route that joins this list is a decision, not an accident."""
FORGED_TOKENS = ({}, {"csrf": ""}, {"csrf": "forged"}, {"csrf": "подделка"})


def every_route(server: ConsoleServer) -> set[tuple[str, str]]:
    """(method, path) of each route the console serves; HEAD goes with GET."""
    found: set[tuple[str, str]] = set()
    for route in server.app.routes:
        assert isinstance(route, Route), f"{route!r}: walk into it too"
        found |= {(method, route.path) for method in route.methods or ("GET",) if method != "HEAD"}
    return found


def example(path: str, **values: str) -> str:
    """The path with its parameters filled: numbers for ``{...:int}``, ``values`` or "x" for the rest."""
    return re.sub(r"\{(\w+)(:int)?\}", lambda m: "1" if m.group(2) else values.get(m.group(1), "x"), path)


async def signed_in(client: httpx.AsyncClient) -> bool:
    return "Review queue" in (await client.get("/")).text


async def test_every_page_but_the_sign_in_pages_sends_a_stranger_to_sign_in_and_refuses_their_forms(
    console: ConsoleServer,
) -> None:
    routes = every_route(console)
    assert OPEN_TO_ANYONE < routes, "the list above names routes the console serves"
    async with visitor(console) as stranger:
        own_token = await csrf_of(stranger)
        for method, path in sorted(routes - OPEN_TO_ANYONE):
            if method == "GET":
                answer = await stranger.get(example(path))
                assert (answer.status_code, answer.headers.get("location")) == (303, "/"), (method, path)
            else:
                for form in ({"csrf": own_token}, *FORGED_TOKENS):
                    answer = await stranger.request(method, example(path), data=form)
                    assert answer.status_code == 403 and "Sign in again" in answer.text, (method, path, form)
        assert not await signed_in(stranger)


async def test_no_form_of_a_signed_in_trainer_reaches_its_page_without_the_sessions_token(
    console: ConsoleServer,
) -> None:
    forms = sorted(route for route in every_route(console) - OPEN_TO_ANYONE if route[0] != "GET")
    assert forms, "the console has trainers' forms"
    async with visitor(console) as anna:
        await sign_in(anna)
        for method, path in forms:
            for form in FORGED_TOKENS:
                answer = await anna.request(method, example(path), data=form)
                assert answer.status_code == 403 and "Sign in again" in answer.text, (method, path, form)
            reached = await anna.request(method, example(path), data={"csrf": await csrf_of(anna)})
            assert reached.status_code != 403, f"{method} {path}: with the token the form reaches its page"
        assert await signed_in(anna)


async def test_the_sign_in_forms_do_nothing_without_the_sessions_token_even_with_the_right_password_or_link(
    console: ConsoleServer,
) -> None:
    async with console.database.session() as session:
        link_token = await TrainerRepository(session).login_link_token("anna", utc_now())
    open_forms = sorted(route for route in OPEN_TO_ANYONE if route[0] != "GET")
    async with visitor(console) as stranger, visitor(console, "127.0.0.2") as anna:
        await sign_in(anna)
        await csrf_of(stranger)
        for method, path in open_forms:
            for client in (stranger, anna):
                for form in FORGED_TOKENS:
                    answer = await client.request(method, example(path, token=link_token),
                                                  data={**form, "username": "anna", "password": PASSWORD})
                    assert answer.status_code in (303, 400), (method, path, form)
        assert not await signed_in(stranger) and await signed_in(anna), "nobody signed in or out"
        link = example("/login/link/{token}", token=link_token)
        used = await stranger.post(link, data={"csrf": await csrf_of(stranger, link)})
        assert used.status_code == 303 and await signed_in(stranger), "the link was not used up by forged forms"
