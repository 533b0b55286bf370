"""The shop profile: support hours as a shop writes them, said naturally in each language, and
every value checked with a message that shows a good one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.pack import CONTENT_DIR, read_pack
from knowledge.shop_profile import (
    ProfileError,
    WorkingDay,
    check_email,
    check_languages,
    check_order_pattern,
    check_shop_name,
    check_timezone,
    format_hours,
    parse_hours,
    read_profile,
)
from knowledge.shop_wording import hours_in_words

WEEK_AND_SATURDAY = "Mon-Fri 09:00-18:00,Sat 10:00-14:00"


def test_hours_are_read_per_weekday_and_written_back_the_way_a_shop_wrote_them() -> None:
    hours = parse_hours(WEEK_AND_SATURDAY)
    assert [day.weekday for day in hours] == [0, 1, 2, 3, 4, 5]
    assert hours[5] == WorkingDay(5, dt.time(10), dt.time(14))
    assert format_hours(hours) == WEEK_AND_SATURDAY
    assert format_hours(parse_hours("sat 10:00-14:00, mon-fri 9:00-18:00")) == WEEK_AND_SATURDAY
    assert format_hours(parse_hours("Mon 00:00-24:00")) == "Mon 00:00-24:00"


@pytest.mark.parametrize(("text", "problem"), [
    ("Mon-Fri 9-5", "should look like Mon-Fri 09:00-18:00"),
    ("Mon-Fry 09:00-18:00", "should look like Mon-Fri 09:00-18:00"),
    ("Mon-Fri 18:00-09:00", "must start before they end"),
    ("Mon-Fri 09:00-18:00,Fri 10:00-12:00", "name Fri twice"),
    ("", "should look like"),
])
def test_hours_that_cannot_be_read_say_how_to_write_them(text: str, problem: str) -> None:
    with pytest.raises(ProfileError, match=problem):
        parse_hours(text)


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Monday to Friday, 9:00–18:00; Saturday, 10:00–14:00"),
    ("ru", "пн–пт, 9:00–18:00; сб, 10:00–14:00"),
    ("pl", "pon.–pt., 9:00–18:00; sob., 10:00–14:00"),
    ("zh", "周一至周五 9:00–18:00；周六 10:00–14:00"),
])
def test_customers_read_the_hours_in_their_own_language(language: str, said: str) -> None:
    words = read_pack(CONTENT_DIR).wording[language].support_hours
    assert hours_in_words(parse_hours(WEEK_AND_SATURDAY), words) == said


def test_days_apart_with_the_same_hours_are_said_one_by_one() -> None:
    words = read_pack(CONTENT_DIR).wording["en"].support_hours
    hours = parse_hours("Mon 09:00-17:00,Wed 09:00-17:00,Sun 00:00-24:00")
    assert hours_in_words(hours, words) == "Monday, 9:00–17:00; Wednesday, 9:00–17:00; Sunday, 0:00–24:00"


@pytest.mark.parametrize(("check", "text", "problem"), [
    (check_email, "support at shop", "not an email address"),
    (check_email, "a{b}@shop.com", "not an email address"),
    (check_timezone, "Europe/Warsw", "unknown time zone 'Europe/Warsw'"),
    (check_shop_name, "{shop}", "without braces"),
    (check_shop_name, "  ", "1 to 80 characters"),
    (check_order_pattern, "(\\d+", "not a regular expression"),
    (check_order_pattern, "\\d*", "matches empty text"),
])
def test_a_value_the_bot_could_not_use_is_refused_with_an_example(check: Callable[[str], object], text: str,
                                                                  problem: str) -> None:
    with pytest.raises(ProfileError, match=problem):
        check(text)


def test_good_values_come_back_cleaned() -> None:
    assert check_email(" help@kwiatki.pl ") == "help@kwiatki.pl"
    assert check_timezone("Europe/Warsaw") == "Europe/Warsaw"
    assert check_shop_name("  Kwiatki   & Co ") == "Kwiatki & Co"
    assert check_languages("PL, en,pl", ("en", "ru", "pl", "zh")) == ("pl", "en")
    with pytest.raises(ProfileError, match="comma-separated list of en, ru"):
        check_languages("en,de", ("en", "ru"))


def test_a_profile_with_a_bad_value_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text("shop_name: Kwiatki\nsupport_email: nope\nhours: Mon-Fri 09:00-18:00\n")
    with pytest.raises(ProfileError, match=r"shop\.yaml: support email 'nope' is not an email address"):
        read_profile(tmp_path, ("en",))


def test_a_missing_profile_says_to_run_candor_init(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="Run 'candor init'"):
        read_profile(tmp_path, ("en",))


def test_the_shipped_demo_profile_keeps_the_demo_shops_details() -> None:
    profile = read_profile(CONTENT_DIR, ("en", "ru", "pl", "zh"))
    assert (profile.support_email, profile.timezone, format_hours(profile.hours)) == (
        "support@example.shop", "UTC", "Mon-Fri 09:00-18:00")
