"""A shop connects in one sitting: ``candor init --non-interactive`` against the fake Bot API and the demo
shop, then ``candor run`` answers a customer in the shop's own name, with its email and hours."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from bot.testing.fake_bot_api import AGENTS_GROUP_ID, FakeBotApi
from tests.conftest import CANDOR, subprocess_env

pytestmark = pytest.mark.slow

SHOP = ("--shop-name", "Kwiatki", "--support-email", "pomoc@kwiatki.pl", "--timezone", "Europe/Warsaw",
        "--hours", "Mon-Fri 08:00-16:00,Sat 10:00-13:00", "--languages", "en,pl", "--shop", "demo")


def fresh_install(tmp_path: Path, api: FakeBotApi) -> dict[str, str]:
    """The environment of a new install: no content folder, no .env; only where Telegram is comes from outside."""
    env = subprocess_env(tmp_path, TELEGRAM_API_BASE_URL=api.base_url)
    for name in ("CANDOR_CONTENT_DIR", "CANDOR_SHOP"):  # from .env and the defaults, as for a shop
        env.pop(name)
    return env


def candor_init(tmp_path: Path, api: FakeBotApi, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CANDOR), "init", "--non-interactive", *flags], check=False, capture_output=True,
                          text=True, timeout=180, cwd=tmp_path, env=fresh_install(tmp_path, api))


async def test_init_then_run_answers_with_the_shops_name_email_and_hours(tmp_path: Path, fake_api: FakeBotApi) -> None:
    done = candor_init(tmp_path, fake_api, *SHOP, "--telegram-token", fake_api.token,
                       "--agents-group", str(AGENTS_GROUP_ID))
    assert done.returncode == 0, done.stderr
    assert "'Support agents' has topics" in done.stdout and "Shop backend: demo" in done.stdout
    assert fake_api.token.split(":")[1] not in done.stdout + done.stderr, "the token is never printed"
    assert f"CANDOR_AGENTS_CHAT_ID={AGENTS_GROUP_ID}" in (tmp_path / ".env").read_text()
    assert "pomoc@kwiatki.pl" in (tmp_path / "var" / "content" / "shop.yaml").read_text()

    process = await asyncio.create_subprocess_exec(
        str(CANDOR), "run", "--poll-timeout", "1", cwd=tmp_path, env=fresh_install(tmp_path, fake_api),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        fake_api.customer_sends_text(555, "/start")
        [greeting] = await fake_api.wait_for_messages(555, 1, timeout=120)
        assert "Candor, Kwiatki's support bot" in greeting.text
        fake_api.customer_sends_text(555, "What's the weather like on Mars?")
        await fake_api.wait_for_messages(555, 2, timeout=60)
        fake_api.customer_sends_text(555, "Which jazz records do you like best?")
        answer = (await fake_api.wait_for_messages(555, 3, timeout=60))[-1]
        assert "pomoc@kwiatki.pl (Monday to Friday, 8:00–16:00; Saturday, 10:00–13:00)" in answer.text
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()


def test_a_failed_check_stops_init_with_the_reason_and_writes_nothing(tmp_path: Path, fake_api: FakeBotApi) -> None:
    fake_api.chats[AGENTS_GROUP_ID]["is_forum"] = False
    done = candor_init(tmp_path, fake_api, *SHOP, "--telegram-token", fake_api.token,
                       "--agents-group", str(AGENTS_GROUP_ID))
    assert done.returncode == 2
    assert "--agents-group: the group 'Support agents' has no topics" in done.stderr
    assert "nothing was written" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / ".env").exists() and not (tmp_path / "var" / "content").exists()
