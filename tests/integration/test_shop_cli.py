"""``candor shop check`` and ``candor shop serve-demo``: what an operator sees before a customer asks."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import bot.cli.main
from bot.cli.main import main

pytestmark = pytest.mark.no_database

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "serve-demo-token-51c2"
NOT_FOUND = "not found (no such order, or not with that contact)\n"


@pytest.fixture(autouse=True)
def shop_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Default settings (no .env) in the shop's time zone, the test runner's logging left alone."""
    monkeypatch.chdir(tmp_path)
    for name in ("CANDOR_SHOP", "CANDOR_SHOP_URL", "CANDOR_SHOP_TOKEN", "CANDOR_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CANDOR_TIMEZONE", "Europe/Warsaw")
    monkeypatch.setattr(bot.cli.main, "configure_logging", lambda level: None)


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``candor shop serve-demo`` as an operator starts it, on a free port with a token; its base URL."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("CANDOR_", "TELEGRAM_"))}
    environment["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli.main", "shop", "serve-demo", "--port", "0", "--token",
                                TOKEN], cwd=tmp_path_factory.mktemp("serve-demo"), env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        found = re.search(r"on (http://127\.0\.0\.1:\d+) \(demo data\)", first)
        assert found, first + (process.stderr.read() if process.stderr else "")
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert TOKEN not in first


def yesterday_at(hour_minute: str, zone: str) -> set[str]:
    """The dates "yesterday" can print as: the demo builds it from the customer's own day in ``zone`` (so between
    23:00 and midnight UTC, a London customer's yesterday is two days before Warsaw's today), and a run that
    crosses the customer's midnight may see the day before."""
    today = dt.datetime.now(ZoneInfo(zone)).date()
    return {f"{today - dt.timedelta(days=days):%Y-%m-%d} {hour_minute}" for days in (1, 2)}


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(["shop", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_check_prints_the_demo_shops_late_parcel_with_its_last_scan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--ref", "#50012", "--contact", "+48 601 234 567")

    assert code == 0
    assert out.startswith("Backend: demo (built-in demo data, not a real shop)\n"
                          "Health: version demo-1; looks up orders, shipments, refunds\nOrder 50012: shipped\n")
    assert "  items: 1 × Wodoodporna kurtka trekkingowa; 1 × Ceramiczny zestaw do kawy\n" in out
    assert re.search(r"\n  DPD 1000\d{9}U: in_transit, expected \d{4}-\d\d-\d\d 18:00 CET\n", out)
    last = re.search(r"\n    last: (\d{4}-\d\d-\d\d 14:02) CET in Warszawa: Przesyłka w drodze", out)
    assert last and last.group(1) in yesterday_at("14:02", "Europe/Warsaw")
    assert out.endswith("Refunds: none\n")


def test_check_shows_both_payments_of_a_hold_and_a_refunds_expected_date(capsys: pytest.CaptureFixture[str]) -> None:
    _, hold, _ = run(capsys, "check", "--ref", "50005", "--contact", "oliver.bennett@example.com")
    _, refund, _ = run(capsys, "check", "--ref", "50008", "--contact", "grace.walsh@example.net")

    assert re.search(r"payment: (\d+\.\d\d) GBP settled, .*\n  payment: \1 GBP pending, ", hold)
    assert "Shipments: none\n" in hold
    assert re.search(r"Refunds: 1\n  38\.99 EUR pending, created .*, expected by \d{4}-\d\d-\d\d 19:00 CET\n$", refund)


def test_check_refuses_an_order_to_another_contact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--ref", "50012", "--contact", "emily.clarke@example.com")

    assert code == 1
    assert out.endswith("\n" + NOT_FOUND) and "Order" not in out


def test_check_without_a_reference_prints_the_health_or_the_contacts_orders(capsys: pytest.CaptureFixture[str]) -> None:
    code, health, _ = run(capsys, "check")
    _, orders, _ = run(capsys, "check", "--contact", "li.wei@example.net")

    assert code == 0
    assert health == ("Backend: demo (built-in demo data, not a real shop)\n"
                      "Health: version demo-1; looks up orders, shipments, refunds\n")
    assert "Orders of that contact: 3\n" in orders and "  50049: partially_shipped, placed " in orders


def test_a_reference_needs_a_contact(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--ref", "50001")

    assert (code, out) == (2, "")
    assert err.startswith("candor: --ref needs --contact")


def test_check_says_when_no_shop_is_configured(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_SHOP", "none")

    assert run(capsys, "check") == (
        1, "No shop backend (CANDOR_SHOP=none): the bot answers order questions in general terms.\n", "")


def test_check_over_http_reads_the_served_demo_shop(capsys: pytest.CaptureFixture[str], served_demo: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_SHOP", "http")
    monkeypatch.setenv("CANDOR_SHOP_URL", served_demo)
    monkeypatch.setenv("CANDOR_SHOP_TOKEN", TOKEN)

    code, out, _ = run(capsys, "check", "--ref", "50001", "--contact", "+447700900123")
    missing, elsewhere, _ = run(capsys, "check", "--ref", "50001", "--contact", "katarzyna.nowak@example.com")

    assert code == 0
    assert out.startswith("Backend: http\nHealth: version demo-1; looks up orders, shipments, refunds\n"
                          "Order 50001: shipped\n")
    last = re.search(r"\n    last: (\d{4}-\d\d-\d\d 15:02) CET in Hinckley Hub: Sorted at the hub", out)
    assert last and last.group(1) in yesterday_at("15:02", "Europe/London")  # 14:02 in London
    assert (missing, elsewhere) == (1, "Backend: http\nHealth: version demo-1; looks up orders, shipments, refunds\n"
                                       + NOT_FOUND)
    assert TOKEN not in out + elsewhere


def test_check_over_http_names_a_wrong_token_without_printing_it(capsys: pytest.CaptureFixture[str], served_demo: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_SHOP", "http")
    monkeypatch.setenv("CANDOR_SHOP_URL", served_demo)
    monkeypatch.setenv("CANDOR_SHOP_TOKEN", "an-old-token")

    code, out, err = run(capsys, "check", "--ref", "50001", "--contact", "+447700900123")

    assert code == 1
    assert out == "Backend: http\nunavailable: the shop refused the token (401); check CANDOR_SHOP_TOKEN\n"
    assert "an-old-token" not in out + err


def test_check_over_http_says_when_the_shop_cannot_be_reached(capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("CANDOR_SHOP", "http")
    monkeypatch.setenv("CANDOR_SHOP_URL", f"http://127.0.0.1:{port}")

    assert run(capsys, "check") == (1, "Backend: http\nunavailable: could not reach the shop (ConnectError)\n", "")


def test_serve_demo_says_so_when_its_port_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(capsys, "serve-demo", "--port", str(port))

    assert (code, out) == (2, "")
    assert err.startswith(f"candor: cannot listen on 127.0.0.1:{port} (") and err.endswith("choose another --port\n")
