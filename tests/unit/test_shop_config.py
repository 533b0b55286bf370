"""CANDOR_SHOP, CANDOR_SHOP_URL and CANDOR_SHOP_TOKEN: the demo shop by default, every mistake named with its fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.shop.demo import DemoShop
from bot.shop.factory import open_shop
from bot.shop.http import HttpShop

TOKEN = "shpat_0123456789abcdef"


@pytest.fixture(autouse=True)
def no_shop_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("CANDOR_SHOP", "CANDOR_SHOP_URL", "CANDOR_SHOP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def problems(monkeypatch: pytest.MonkeyPatch, **environment: str) -> str:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    return str(caught.value)


def test_the_demo_shop_is_the_default() -> None:
    settings = load_settings()

    assert (settings.shop, settings.shop_url, settings.shop_token) == ("demo", None, None)


def test_the_kind_is_read_in_any_letter_case_and_the_url_without_its_last_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_SHOP", " HTTP ")
    monkeypatch.setenv("CANDOR_SHOP_URL", "http://127.0.0.1:8720/")
    monkeypatch.setenv("CANDOR_SHOP_TOKEN", TOKEN)

    settings = load_settings()

    assert (settings.shop, settings.shop_url) == ("http", "http://127.0.0.1:8720")
    assert settings.shop_token is not None and settings.shop_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.shop_token)


def test_an_unknown_backend_lists_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    message = problems(monkeypatch, CANDOR_SHOP="magento")

    assert "CANDOR_SHOP: expected one of none, demo, http, shopify, woocommerce" in message


@pytest.mark.parametrize("kind", ["http", "shopify", "woocommerce"])
def test_a_real_backend_needs_the_shops_url(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    message = problems(monkeypatch, CANDOR_SHOP=kind, CANDOR_SHOP_TOKEN=TOKEN)

    assert f"CANDOR_SHOP_URL: CANDOR_SHOP={kind} needs the shop's base URL" in message
    assert TOKEN not in message


@pytest.mark.parametrize("kind", ["shopify", "woocommerce"])
def test_a_platform_needs_its_access_token(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    message = problems(monkeypatch, CANDOR_SHOP=kind, CANDOR_SHOP_URL="https://shop.example.com")

    assert f"CANDOR_SHOP_TOKEN: CANDOR_SHOP={kind} needs an access token" in message


def test_the_http_backend_may_go_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_SHOP", "http")
    monkeypatch.setenv("CANDOR_SHOP_URL", "https://orders.internal.example.com/api")

    assert load_settings().shop_token is None


@pytest.mark.parametrize("url", ["shop.example.com", "ftp://shop.example.com", "https://", "https://shop example.com"])
def test_a_url_that_is_not_http_is_refused_without_being_repeated(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    message = problems(monkeypatch, CANDOR_SHOP="http", CANDOR_SHOP_URL=url, CANDOR_SHOP_TOKEN=TOKEN)

    assert "CANDOR_SHOP_URL: expected an http(s) URL such as https://shop.example.com" in message
    assert TOKEN not in message


def test_none_turns_lookups_off_and_each_kind_opens_its_backend() -> None:
    def now() -> dt.datetime:
        return dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)

    assert open_shop("none", None, None, now) is None
    assert isinstance(open_shop("demo", None, None, now), DemoShop)
    assert isinstance(open_shop("http", "http://127.0.0.1:8720", TOKEN, now), HttpShop)
