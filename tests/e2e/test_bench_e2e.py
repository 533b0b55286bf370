"""``candor bench e2e``: real workers answer closed-loop customers, and the figures are printed."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from bot.bench.e2e import LevelFigures, ceiling, rate_within, steady_window
from bot.bench.shop import LookupFigures, order_conversations
from bot.bench.stats import percentile
from bot.shop.demo_data import demo_orders
from tests.conftest import CANDOR, subprocess_env

pytestmark = pytest.mark.no_database  # each benchmark level's worker has a fresh SQLite file of its own

NUMBER = r"\d+(?:\.\d+)?"


def test_percentiles_take_the_nearest_rank_and_survive_an_empty_level() -> None:
    latencies = [float(ms) for ms in range(1, 101)]
    assert (percentile(latencies, 50), percentile(latencies, 95), percentile([7.0], 95)) == (50.0, 95.0, 7.0)
    assert percentile([], 50) != percentile([], 50)  # NaN: printed as such, not a crash


def test_the_sustained_rate_leaves_out_the_burst_at_the_start_and_the_stragglers_at_the_end() -> None:
    burst, steady, stragglers = [0.01 * n for n in range(10)], [0.1 + 0.5 * n for n in range(1, 11)], [5.2, 5.3, 5.4]
    completions = burst + steady + stragglers
    window = steady_window(completions, last_start=5.15)
    assert window is not None and rate_within(completions, window) == pytest.approx(2.0)
    assert steady_window([0.1, 0.2, 0.3], last_start=0.3) is None


def test_a_level_at_the_rate_limiters_30_calls_per_second_names_it_as_the_ceiling() -> None:
    level = LevelFigures(chats=50, messages=500, answered=500, quiet=0, errors=0, timeouts=0, p50_ms=900.0,
                         p95_ms=1500.0, max_ms=2000.0, handled_p50_ms=950.0, per_second=14.8, api_per_second=29.6,
                         calls_per_message=2.0, model_share=0.5, model_texts_per_second=40.0, worker_cores=1.0,
                         bench_cores=0.3, other_cores=0.0, peak_rss_mb=700.0, worker_errors=0)
    assert "AIORateLimiter" in ceiling(level)


@pytest.mark.slow
def test_the_benchmark_prints_latency_rate_memory_and_model_share_for_each_level(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(CANDOR), "bench", "e2e", "--chats", "1,3", "--messages", "4,9", "--warmup", "2"],
        check=False, capture_output=True, text=True, timeout=120, cwd=tmp_path, env=subprocess_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "p50 ms   p95 ms" in out and "peak RSS" in out
    for chats, messages in ((1, 4), (3, 9)):
        row = re.search(rf"^\s+{chats}\s+{messages}\s+(\d+)\s+(\d+)\s+0/0\s+({NUMBER})\s+({NUMBER})\s+{NUMBER}"
                        rf"\s+({NUMBER})\s+{NUMBER}\s+({NUMBER}) %\s+{NUMBER} cores\s+(\d+) MB$", out, re.MULTILINE)
        assert row is not None, out
        answered, quiet, p50, p95, per_second, share, peak = row.groups()
        assert int(answered) + int(quiet) == messages
        assert 0 < float(p50) <= float(p95) and float(per_second) > 0
        assert 0 < float(share) <= 100 and int(peak) > 100
    assert re.search(rf"1 chat: model thread busy {NUMBER} %", out), out
    assert out.count("ceiling:") == 2


@pytest.mark.slow
def test_the_benchmark_prints_the_machine_and_what_each_message_costs_including_an_open_loop_level(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [str(CANDOR), "bench", "e2e", "--chats", "2", "--messages", "6", "--warmup", "2", "--rate", "2",
         "--duration", "3"],
        check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=subprocess_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^CPU: .+, \d+ cores; flags: ", out, re.MULTILINE), out
    assert re.search(r"^model precision used by the workers: (float32|bfloat16|int8|\S+)$", out, re.MULTILINE), out
    assert re.search(r"^\s+2/s\s+6\s+\d+\s+\d+\s+0/0\s", out, re.MULTILINE), "3 s at 2 messages a second: 6 posted"
    for level in ("2", "2/s"):
        row = re.search(rf"^\s+{re.escape(level)}\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})"
                        rf"\s+(.+)$", out, re.MULTILINE)
        assert row is not None, out
        cpu_ms, model_ms, ratio, queries, transactions, calls = row.groups()
        assert min(float(cpu_ms), float(model_ms), float(ratio)) > 0 and float(queries) >= float(transactions) > 0
        assert re.fullmatch(rf"sendMessage {NUMBER}(, \w+ {NUMBER})*|(\w+ {NUMBER}, )+sendMessage {NUMBER}.*", calls), calls
    assert "open loop: " in out and "customers wrote" in out


def test_the_shop_customers_name_every_demo_order_with_its_own_email_in_four_languages() -> None:
    now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    conversations = order_conversations(now)
    assert {(c[0].split("#")[1][:5], c[1]) for c in conversations} == {(d.order.ref, d.email) for d in demo_orders(now)}
    openings = [c[0] for c in conversations[:4]]
    assert [any(word in line for line in openings) for word in ("order", "zamówienie", "заказ", "订单")] == [True] * 4


def test_lookup_figures_leave_out_the_warm_up_and_count_what_the_shop_could_not_answer() -> None:
    lines = (
        "INFO bot.service.lookups: order lookup conversation=1 backend=http found=True unavailable=- ms=900",
        "INFO bot.service.turns: turn conversation=2",
        "INFO bot.service.lookups: order lookup conversation=2 backend=http found=True unavailable=- ms=12",
        "INFO bot.service.lookups: order lookup conversation=3 backend=http found=False unavailable=- ms=30",
        "INFO bot.service.lookups: order lookup conversation=4 backend=http found=False unavailable=timed out ms=6001",
    )
    figures = LookupFigures.from_log(chats=2, log="\n".join(lines), skip=1, replies=6)
    assert (figures.milliseconds, figures.not_found, figures.unavailable) == ((12.0, 30.0, 6001.0), 2, 1)


@pytest.mark.slow
def test_the_shop_level_prints_how_many_lookups_the_worker_made_and_how_long_they_took(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(CANDOR), "bench", "e2e", "--shop", "--chats", "2", "--messages", "12", "--warmup", "2"],
        check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=subprocess_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    print(out)
    assert re.search(r"^\s+2\s+12\s+\d+\s+\d+\s+0/0\s", out, re.MULTILINE), out
    assert "order lookups in the demo shop over HTTP" in out and "replies with a lookup" in out
    row = re.search(rf"^\s+2\s+(\d+)\s+(\d+)\s+\d+\s+({NUMBER})\s+({NUMBER})\s+({NUMBER})\s+(\d+) % of (\d+)$",
                    out, re.MULTILINE)
    assert row is not None, out
    lookups, not_found, p50, p95, slowest, share, replies = row.groups()
    assert int(lookups) >= 1 and int(not_found) == 0, "every customer gives the email on their order"
    assert 0 < float(p50) <= float(p95) <= float(slowest)
    assert int(share) > 0 and 0 < int(replies) <= 12


@pytest.mark.slow
def test_the_handoff_benchmark_prints_the_crisis_reply_apart_from_the_others_and_its_card_first(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [str(CANDOR), "bench", "handoffs", "--handoffs", "6"],
        check=False, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=subprocess_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(rf"crisis customer's reply\s+{NUMBER} s", out), out
    assert re.search(rf"the others' replies\s+p50 {NUMBER} s\s+p95 {NUMBER} s\s+max {NUMBER} s\s+\(5 replies\)", out), out
    assert re.search(rf"crisis card in the group\s+after {NUMBER} s, topic \d+ of \d+", out), out
