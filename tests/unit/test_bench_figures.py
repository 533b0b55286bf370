"""The per-message figures and the open-loop schedule of ``candor bench e2e``, on plain data."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.bench.machine import cpu_model, key_flags, precision_used
from bot.bench.open_loop import OpenChats, arrival_offsets
from bot.bench.per_message import format_per_message, per_message
from bot.storage.statement_count import DatabaseUsage
from nlu.runtime import ModelUsage


def test_an_offered_rate_posts_evenly_spaced_messages_for_the_whole_duration() -> None:
    assert arrival_offsets(25, 60)[:3] == [0.0, 0.04, 0.08]
    assert len(arrival_offsets(25, 60)) == 1500 and arrival_offsets(25, 60)[-1] == pytest.approx(59.96)
    assert arrival_offsets(0, 60) == [] and arrival_offsets(2.5, 0.1) == [0.0]


def test_the_next_open_loop_message_comes_from_a_customer_not_waiting_for_a_reply() -> None:
    chats = OpenChats(itertools.count(1), scripts=(("hello", "it's #{order}", "thanks"),))
    first, text, left = chats.next_message()
    second, _, _ = chats.next_message()  # the first one still waits: a new customer writes
    assert (first, text, second, chats.started) == (1, "hello", 2, 2)
    chats.answered(first, left, replied=True)
    assert chats.next_message() == (1, "it's #40001", ["thanks"])
    chats.answered(second, ["it's #40002", "thanks"], replied=False)  # handed off: that customer stops
    assert chats.next_message()[0] == 3


def test_costs_per_message_divide_cpu_model_time_statements_and_api_calls_by_what_they_cover() -> None:
    model = ModelUsage(scoring_seconds=2.0, scored_texts=100, batches=80)
    database = DatabaseUsage(2600, 530) - DatabaseUsage(100, 30)
    costs = per_message("25", worker_cpu_seconds=9.0, messages=90, replies=80, usage=model, database=database,
                        handled=100, api_methods=["sendMessage"] * 80 + ["sendChatAction"] * 20)
    assert (costs.cpu_ms, costs.model_ms, costs.queries, costs.transactions) == (100.0, 20.0, 25.0, 5.0)
    assert costs.api_calls == (("sendMessage", 1.0), ("sendChatAction", 0.25))
    assert format_per_message(costs).split() == ["25", "100.0", "20.0", "5.0", "25.0", "5.0", "sendMessage", "1.00,",
                                                 "sendChatAction", "0.25"]


def test_without_the_workers_log_lines_the_figures_say_not_available_instead_of_guessing() -> None:
    costs = per_message("1", 1.0, 10, 0, None, None, 10, [])
    assert format_per_message(costs).split() == ["1", "100.0", "n/a", "n/a", "n/a", "n/a", "none"]


def test_the_workers_database_use_is_read_back_from_its_log_lines() -> None:
    log = "\n".join([DatabaseUsage(40, 9).describe("ready"), "INFO turn", DatabaseUsage(340, 69).describe("stopped")])
    assert DatabaseUsage.parse(log, "stopped") - DatabaseUsage.parse(log, "ready") == DatabaseUsage(300, 60)  # type: ignore[operator]
    assert DatabaseUsage.parse("no such line", "ready") is None


def test_the_machine_line_names_the_cpu_and_the_flags_it_lacks(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse avx2 fma\n")
    assert cpu_model(cpuinfo) == "AMD EPYC 7B13"
    assert key_flags(frozenset({"avx2", "fma"})).startswith("avx2 (no avx512f,")
    assert precision_used("INFO nlu.model: emotion model loaded version=lora-1 precision=float32 multilingual=x") \
        == "float32"


def test_the_open_loop_level_follows_the_default_levels_and_only_a_given_rate_adds_it_to_chosen_ones() -> None:
    from bot.cli.bench import _open_rate

    assert (_open_rate(None, None), _open_rate(None, (1, 3)), _open_rate(5.0, (1, 3)), _open_rate(0.0, None)) \
        == (25.0, 0.0, 5.0, 0.0)
