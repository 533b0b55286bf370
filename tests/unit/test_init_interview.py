"""``candor init``'s questions: a person who mistypes is told why and asked again; a script is stopped
at the first bad answer; the promised-time window follows the hours most days share."""

from __future__ import annotations

import argparse

import pytest

from bot.cli.init import FlagAsker, PromptAsker
from bot.cli.main import build_parser
from bot.config import Settings
from bot.onboarding.checks import OnlineChecks, SetupError
from bot.onboarding.interview import interview
from bot.onboarding.profile_settings import promise_hours, settings_unlike_profile
from knowledge.pack import CONTENT_DIR
from knowledge.shop_profile import parse_hours, read_profile

LANGUAGES = ("en", "ru", "pl", "zh")
NO_TELEGRAM = OnlineChecks("http://127.0.0.1:9")
"""Never called: these answers give no token (a refused port, were it called)."""


def flags(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["init", "--non-interactive", *argv])


class Terminal:
    """A person at the terminal: answers typed in order, and what they were shown."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        self.shown: list[str] = []

    def read(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


def test_a_mistyped_answer_is_explained_and_asked_again_then_the_defaults_fill_the_rest() -> None:
    terminal = Terminal("Kwiatki", "help at kwiatki", "help@kwiatki.pl", "", "Europe/Warsw", "Europe/Warsaw",
                        "Mon-Fri 8-16", "Mon-Fri 08:00-16:00,Sat 10:00-14:00", "pl,en", "", "demo", "")
    asker = PromptAsker(read=terminal.read, read_secret=terminal.read, say=terminal.shown.append)
    setup = interview(asker, LANGUAGES, NO_TELEGRAM)
    assert (setup.profile.shop_name, setup.profile.support_email, setup.profile.timezone) == (
        "Kwiatki", "help@kwiatki.pl", "Europe/Warsaw")
    assert setup.profile.languages == ("pl", "en") and setup.profile.order_pattern == r"#?\d{5,}"
    refusals = [line for line in terminal.shown if line.startswith("  ✗")]
    assert len(refusals) == 3
    assert "not an email address" in refusals[0] and "unknown time zone" in refusals[1]
    assert "Mon-Fri 09:00-18:00" in refusals[2], "the person sees how hours are written"
    assert any("Shop backend: demo" in line for line in terminal.shown), "the backend's health check ran"
    assert setup.telegram_token == "" and setup.agents_chat_id is None
    assert terminal.answers == []


def test_without_a_terminal_the_first_bad_answer_stops_init_naming_its_flag() -> None:
    args = flags("--shop-name", "Kwiatki", "--support-email", "help@kwiatki.pl", "--timezone", "Mars/Olympus")
    with pytest.raises(SetupError, match=r"--timezone: unknown time zone 'Mars/Olympus'.*nothing was written"):
        interview(FlagAsker(args, say=lambda line: None), LANGUAGES, NO_TELEGRAM)


def test_without_a_terminal_a_required_answer_must_be_given() -> None:
    args = flags("--shop-name", "Kwiatki")
    with pytest.raises(SetupError, match="--support-email is required with --non-interactive"):
        interview(FlagAsker(args, say=lambda line: None), LANGUAGES, NO_TELEGRAM)


def test_a_platform_backend_without_its_token_is_refused() -> None:
    args = flags("--shop-name", "Kwiatki", "--support-email", "help@kwiatki.pl", "--shop", "shopify",
                 "--shop-url", "https://kwiatki.myshopify.com")
    with pytest.raises(SetupError, match="--shop-token: the shopify backend needs an access token"):
        interview(FlagAsker(args, say=lambda line: None), LANGUAGES, NO_TELEGRAM)


def test_promised_times_follow_the_hours_most_days_share() -> None:
    assert promise_hours(parse_hours("Mon-Fri 09:00-18:00,Sat 10:00-14:00")) == ("09:00-18:00", "mon,tue,wed,thu,fri")
    assert promise_hours(parse_hours("Sun 00:00-24:00")) == ("00:00-24:00", "sun")


def test_settings_edited_apart_from_the_profile_are_named_so_the_bot_can_warn_at_start() -> None:
    profile = read_profile(CONTENT_DIR, LANGUAGES)
    assert settings_unlike_profile(profile, Settings(_env_file=None)) == [], "the shipped defaults agree"  # type: ignore[call-arg]  # _env_file: pydantic-settings
    drifted = Settings(_env_file=None, CANDOR_TIMEZONE="Europe/Warsaw", CANDOR_SUPPORT_DAYS="mon-sat")  # type: ignore[call-arg]  # _env_file: pydantic-settings
    assert settings_unlike_profile(profile, drifted) == ["CANDOR_TIMEZONE", "CANDOR_SUPPORT_HOURS/CANDOR_SUPPORT_DAYS"]


def test_the_five_profile_flags_are_enough_the_rest_takes_its_defaults() -> None:
    args = flags("--shop-name", "Kwiatki", "--support-email", "pomoc@kwiatki.pl", "--timezone", "Europe/Warsaw",
                 "--hours", "Mon-Fri 08:00-16:00", "--languages", "pl")
    setup = interview(FlagAsker(args, say=lambda line: None), LANGUAGES, NO_TELEGRAM)
    assert setup.profile.languages == ("pl",) and setup.backend.kind == "demo" and setup.telegram_token == ""
    assert setup.env()["CANDOR_SUPPORT_HOURS"] == "08:00-16:00" and "TELEGRAM_BOT_TOKEN" not in setup.env()
