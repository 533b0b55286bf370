"""Signing in to the console over real HTTP: guessing is slowed, sessions can be ended, links are used once."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import threading
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.console.throttle import ADDRESS_FAILURES_BEFORE_LOCK, FIRST_LOCK, NAME_FAILURES_BEFORE_LOCK
from bot.policy.passwords import verify_password
from bot.storage.models import Correction, utc_now
from bot.storage.trainers import TrainerRepository
from bot.testing.webhook_client import free_port
from tests.conftest import CANDOR, subprocess_env
from tests.e2e.console_server import (
    CSRF,
    PASSWORD,
    ConsoleServer,
    csrf_of,
    serve_console,
    sign_in,
    try_password,
    visitor,
)


class Clock:
    """The console's clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class CountedCheck:
    """The real password check, counting how often it runs."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, password: str, stored: str) -> bool:
        self.calls += 1
        return verify_password(password, stored)


class HeldCheck:
    """The real password check, held until the test releases it."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, password: str, stored: str) -> bool:
        self.started.set()
        self.release.wait(timeout=60)
        return verify_password(password, stored)


async def test_wrong_passwords_lock_that_name_for_a_growing_while_without_checking_passwords(tmp_path: Path) -> None:
    clock, check = Clock(), CountedCheck()
    first_lock = int(FIRST_LOCK.total_seconds())
    async with serve_console(tmp_path, now=clock, verify=check) as console, \
            visitor(console) as guesser, visitor(console, "127.0.0.2") as anna:
        guess = await csrf_of(guesser)
        for _ in range(NAME_FAILURES_BEFORE_LOCK):
            assert (await try_password(guesser, guess, "anna", "guess-guess")).status_code == 401
        checked = check.calls
        refused = await try_password(anna, await csrf_of(anna), "anna", PASSWORD)
        assert refused.status_code == 429, "locked for everyone, even with the right password from elsewhere"
        assert f"Try again in {first_lock} s" in refused.text and refused.headers["retry-after"] == str(first_lock)
        assert check.calls == checked, "a refused attempt costs no password check"
        assert (await try_password(guesser, guess, "bob", "guess-guess")).status_code == 401, "other names are open"

        clock.advance(first_lock + 1)
        assert (await try_password(guesser, guess, "anna", "guess-guess")).status_code == 401
        longer = await try_password(guesser, guess, "anna", "guess-guess")
        assert longer.status_code == 429 and f"Try again in {2 * first_lock} s" in longer.text

        clock.advance(2 * first_lock + 1)
        assert (await try_password(anna, await csrf_of(anna), "anna", PASSWORD)).status_code == 303
        assert "Review queue" in (await anna.get("/")).text


async def test_a_burst_of_simultaneous_guesses_gets_only_the_free_password_checks(tmp_path: Path) -> None:
    check = CountedCheck()
    async with serve_console(tmp_path, verify=check) as console, visitor(console) as guesser:
        guess = await csrf_of(guesser)
        answers = await asyncio.gather(*(try_password(guesser, guess, "anna", f"guess-{number}")
                                         for number in range(20)))
    assert sorted(answer.status_code for answer in answers) == [401] * NAME_FAILURES_BEFORE_LOCK + [429] * (
        20 - NAME_FAILURES_BEFORE_LOCK)
    assert check.calls == NAME_FAILURES_BEFORE_LOCK


async def test_wrong_passwords_from_one_address_lock_that_address(tmp_path: Path) -> None:
    clock = Clock()
    async with serve_console(tmp_path, now=clock) as console, \
            visitor(console) as guesser, visitor(console, "127.0.0.2") as anna:
        guess = await csrf_of(guesser)
        for number in range(ADDRESS_FAILURES_BEFORE_LOCK):
            assert (await try_password(guesser, guess, f"name{number}", "guess-guess")).status_code == 401
        refused = await try_password(guesser, guess, "anna", PASSWORD)
        assert refused.status_code == 429 and "Try again in" in refused.text
        assert (await try_password(anna, await csrf_of(anna), "anna", PASSWORD)).status_code == 303, \
            "other addresses are not locked"

        clock.advance(FIRST_LOCK.total_seconds() + 1)
        assert (await try_password(guesser, guess, "anna", PASSWORD)).status_code == 303


async def test_a_guessers_password_check_does_not_hold_up_another_trainers_pages(tmp_path: Path) -> None:
    check = HeldCheck()
    check.release.set()
    async with serve_console(tmp_path, verify=check) as console, \
            visitor(console) as anna, visitor(console, "127.0.0.2") as guesser:
        await sign_in(anna)
        check.started.clear()
        check.release.clear()
        guess = asyncio.create_task(try_password(guesser, await csrf_of(guesser), "anna", "guess-guess"))
        assert await asyncio.to_thread(check.started.wait, 60), "the guess reached the password check"
        page = await anna.get("/")
        answered_while_checking = not guess.done()
        check.release.set()
        assert (await guess).status_code == 401
    assert "Review queue" in page.text and answered_while_checking, "the page did not wait for the guess"


async def test_signing_out_ends_every_session_of_that_trainer(console: ConsoleServer) -> None:
    async with visitor(console) as desk, visitor(console, "127.0.0.2") as laptop:
        await sign_in(desk)
        await sign_in(laptop)
        assert (await laptop.post("/logout", data={"csrf": await csrf_of(laptop)})).status_code == 303
        assert "Review queue" not in (await desk.get("/")).text
        assert (await desk.get("/conversations/1")).status_code == 303
        await sign_in(desk)
        assert "Review queue" in (await desk.get("/")).text, "signing in again works"


async def test_removing_a_trainer_ends_their_sessions_and_refuses_their_next_request(
    console: ConsoleServer, tmp_path: Path
) -> None:
    async with visitor(console) as anna:
        await sign_in(anna)
        form = await csrf_of(anna, "/conversations/1")
        labels = {"csrf": form, "conversation": "1", "labels": ["anxiety"]}
        assert (await anna.post("/messages/1/labels", data=labels)).status_code == 303
        removed = await candor(tmp_path, console, "trainers", "remove", "--username", "anna")
        assert removed.returncode == 0 and "Removed trainer anna" in removed.stdout, removed.stderr
        assert (await anna.post("/messages/3/labels", data=labels)).status_code == 403
        assert "Sign in" in (await anna.get("/")).text
    async with console.database.session() as session:
        kept = (await session.execute(select(Correction.message_id, Correction.trainer_id))).all()
    assert kept == [(1, None)], "the earlier correction stays as training data; the refused one is not stored"
    missing = await candor(tmp_path, console, "trainers", "remove", "--username", "anna")
    assert missing.returncode == 2 and "No trainer called anna" in missing.stderr


async def test_opening_a_sign_in_link_only_asks_and_confirming_it_signs_in_once(console: ConsoleServer) -> None:
    link = await login_link(console)
    async with visitor(console) as preview, visitor(console) as first, visitor(console) as second:
        shown = await preview.get(link)
        assert shown.status_code == 200 and "Sign in" in shown.text and CSRF.search(shown.text)
        assert "Review queue" not in (await preview.get("/")).text, "opening the link does not sign in"
        assert (await preview.post(link, data={"csrf": "forged"})).status_code == 400
        used = await first.post(link, data={"csrf": await csrf_of(first, link)})
        assert used.status_code == 303 and "Review queue" in (await first.get("/")).text
        again = await second.post(link, data={"csrf": await csrf_of(second, link)})
        assert again.status_code == 401 and "used already or has expired" in again.text


async def test_ten_simultaneous_confirmations_of_one_link_sign_in_once(console: ConsoleServer) -> None:
    link = await login_link(console)
    async with AsyncExitStack() as stack:
        browsers = [await stack.enter_async_context(visitor(console)) for _ in range(10)]
        forms = [await csrf_of(browser, link) for browser in browsers]
        answers = await asyncio.gather(*(browser.post(link, data={"csrf": form})
                                         for browser, form in zip(browsers, forms, strict=True)))
    assert sorted(answer.status_code for answer in answers) == [303] + [401] * 9


@pytest.mark.slow
async def test_the_session_cookie_is_secure_unless_the_console_is_started_with_insecure_cookie(
    tmp_path: Path
) -> None:
    for flags, secure in (((), True), (("--insecure-cookie",), False)):
        port = free_port()
        process = subprocess.Popen([str(CANDOR), "console", "--port", str(port), *flags], cwd=tmp_path,
                                   env=subprocess_env(tmp_path), stderr=subprocess.PIPE, text=True)
        try:
            home = await first_answer(f"http://127.0.0.1:{port}/", process)
        finally:
            process.terminate()
            _, printed = await asyncio.to_thread(process.communicate, timeout=60)
        attributes = [part.strip().lower() for part in home.headers["set-cookie"].split(";")]
        assert "httponly" in attributes and "samesite=strict" in attributes
        assert ("secure" in attributes) is secure, flags
        assert ("--insecure-cookie" in printed) is secure, "the hint is printed only when the cookie is Secure"


async def login_link(console: ConsoleServer) -> str:
    async with console.database.session() as session:
        token = await TrainerRepository(session).login_link_token("anna", utc_now())
    return f"/login/link/{token}"


async def candor(tmp_path: Path, console: ConsoleServer, *args: str) -> subprocess.CompletedProcess[str]:
    """``candor`` as a user runs it, on the console's database (off the loop the console is served on)."""
    return await asyncio.to_thread(subprocess.run, [str(CANDOR), *args], capture_output=True, text=True, timeout=180,
                                   cwd=tmp_path, env=subprocess_env(tmp_path, DATABASE_URL=console.database_url))


async def first_answer(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    """The console's first answer, polled until it listens (a minute at most on a busy machine)."""
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(600):
            assert process.poll() is None, "the console stopped"
            try:
                return await client.get(url)
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"the console did not answer at {url} within a minute")
