"""The ``candor`` command as a user runs it: a separate process, its own environment."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.storage.conversations import ConversationRepository
from bot.storage.database import Database, alembic_config, upgrade_schema_async
from bot.storage.handoffs import HandoffRepository
from bot.storage.models import utc_now
from bot.testing.fake_bot_api import AGENTS_GROUP, FakeBotApi
from tests.conftest import CANDOR, database_url, query_rows, run_blocking, subprocess_env

pytestmark = pytest.mark.slow


def candor(tmp_path: Path, *args: str, stdin: str = "", timeout: float = 180, **env: str,
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CANDOR), *args], check=False, input=stdin, capture_output=True, text=True, timeout=timeout,
        cwd=tmp_path, env=subprocess_env(tmp_path, **env),
    )


def stored_rows(tmp_path: Path, query: str) -> list[tuple[object, ...]]:
    return query_rows(database_url(tmp_path), query)


def test_run_without_a_token_opens_the_local_chat_and_stores_the_message_with_scores(tmp_path: Path) -> None:
    result = candor(tmp_path, "run", stdin="my card was charged twice for order #48213 and I'm really worried\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "local chat" in result.stdout
    assert "the double charge on your card" in result.stdout
    assert re.search(r"by \d\d:\d\d UTC on \w{3} \d{1,2} \w{3}", result.stdout), result.stdout
    [(text, anxiety, labels)] = stored_rows(
        tmp_path, "select text, anxiety, labels from messages where sender = 'customer'"
    )
    assert text == "my card was charged twice for order #48213 and I'm really worried"
    assert isinstance(anxiety, float) and labels


def test_when_the_model_cannot_load_the_bot_answers_says_so_in_the_log_and_offers_a_person_sooner(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{ not json")
    result = candor(tmp_path, "chat", stdin="where is my order #48213?\nI still don't have my order, where is it?\n/quit\n",
                    CANDOR_MODEL_DIR=str(broken))
    assert result.returncode == 0, result.stderr
    assert "degraded mode" in result.stderr, "the operator can see the model is not in use"
    assert "Here's what I know about your order" in result.stdout
    assert "I'd like a person to take this" in result.stdout, "one unsolved try is enough without the model"
    [(reason, detail)] = stored_rows(tmp_path, "select reason, detail from handoffs")
    assert reason == "repeated_failure" and "emotion model unavailable" in detail


def test_local_chat_keeps_going_after_odd_input(tmp_path: Path) -> None:
    result = candor(tmp_path, "chat", stdin="\n/frobnicate\n" + "a" * 20000 + "\nwhere is my order #48213\n")
    assert result.returncode == 0, result.stderr
    assert "empty" in result.stdout
    assert "/frobnicate" in result.stdout
    assert "kept your whole message" in result.stdout
    assert "courier" in result.stdout
    assert "Bye" in result.stdout


def test_on_a_fresh_install_the_local_chat_looks_orders_up_in_the_labelled_demo_shop(tmp_path: Path) -> None:
    # CANDOR_SHOP empty is CANDOR_SHOP unset: the default a new user gets from ./scripts/run.sh.
    result = candor(tmp_path, "chat", stdin="Where is my order #50001? It should be here by now\n"
                    "emily.clarke@example.com\n", CANDOR_SHOP="")
    assert result.returncode == 0, result.stderr
    assert "demo shop" in result.stdout, "the first reply says the orders are sample data"
    assert "Hinckley Hub" in result.stdout and "DPD" in result.stdout
    assert "order lookups: backend=demo" in result.stderr
    assert "emily.clarke" not in result.stderr


async def test_run_with_a_token_long_polls_the_bot_api_and_answers(tmp_path: Path, fake_api: FakeBotApi) -> None:
    process = await asyncio.create_subprocess_exec(
        str(CANDOR), "run", "--poll-timeout", "1", cwd=tmp_path,
        env=subprocess_env(tmp_path, TELEGRAM_BOT_TOKEN=fake_api.token, TELEGRAM_API_BASE_URL=fake_api.base_url),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        fake_api.customer_sends_text(555, "Hi, I was charged twice for one order")
        [reply] = await fake_api.wait_for_messages(555, 1, timeout=120)
        assert "double charge" in reply.text
        assert "getUpdates" in fake_api.calls and "sendMessage" in fake_api.calls
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    assert fake_api.token.split(":")[1] not in stderr.decode()


def test_bad_configuration_stops_with_an_actionable_message(tmp_path: Path) -> None:
    result = candor(tmp_path, "run", TELEGRAM_BOT_TOKEN="oops")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr


def test_agents_registry_add_list_remove(tmp_path: Path) -> None:
    added = candor(tmp_path, "agents", "add", "--user-id", "42", "--name", "Marta",
                   "--role", "Customer care specialist", "--languages", "en,ru", "--timezone", "Europe/Warsaw",
                   "--hours", "08:00-16:00", "--days", "mon-sat", "--skills", "refund,double_charge", "--max-chats", "4")
    assert added.returncode == 0, added.stderr
    assert "Added Marta" in added.stdout and "up to 4 conversations" in added.stdout
    duplicate = candor(tmp_path, "agents", "add", "--user-id", "42", "--name", "Marta")
    assert duplicate.returncode == 2 and "already registered" in duplicate.stderr
    bad_hours = candor(tmp_path, "agents", "add", "--user-id", "43", "--name", "Ivan", "--hours", "9-5")
    assert bad_hours.returncode == 2 and "09:00-18:00" in bad_hours.stderr
    listed = candor(tmp_path, "agents", "list")
    assert listed.stdout.strip() == ("42\tMarta\tCustomer care specialist\ten,ru\tmon-sat 08:00-16:00 Europe/Warsaw\t"
                                     "max 4\trefund,double_charge\t-")
    removed = candor(tmp_path, "agents", "remove", "--user-id", "42")
    assert removed.returncode == 0 and "Removed Marta" in removed.stdout
    assert "No agents registered" in candor(tmp_path, "agents", "list").stdout
    missing = candor(tmp_path, "agents", "remove", "--user-id", "42")
    assert missing.returncode == 2 and "No agent" in missing.stderr


def test_db_upgrade_migrates_a_new_database(tmp_path: Path) -> None:
    result = candor(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    [(version,)] = stored_rows(tmp_path, "select version_num from alembic_version")
    url = database_url(tmp_path)
    assert version == ScriptDirectory.from_config(alembic_config(url)).get_current_head(), "the newest schema"


def test_nlu_predict_writes_one_json_object_per_input_line_in_order(tmp_path: Path) -> None:
    lines = ["I'm so scared my account was hacked", "thank you so much, you're great!", "",
             "Где мой заказ?", "Gdzie jest moje zamówienie?", "我的订单在哪里"]
    result = candor(tmp_path, "nlu", "predict", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(lines)
    for output in outputs:
        assert set(output) == {"language", "scores", "labels"}
        assert set(output["scores"]) == {"anger", "anxiety", "sadness", "confusion", "positive", "neutral"}
        assert all(0.0 <= value <= 1.0 for value in output["scores"].values())
        assert output["labels"]
    assert "anxiety" in outputs[0]["labels"]
    assert outputs[1]["labels"] == ["positive"]
    assert [o["language"] for o in outputs[3:]] == ["ru", "pl", "zh"]


def test_a_rejected_token_is_explained_not_dumped_as_a_traceback(tmp_path: Path, fake_api: FakeBotApi) -> None:
    result = candor(tmp_path, "run", TELEGRAM_BOT_TOKEN="999:WRONGtoken", TELEGRAM_API_BASE_URL=fake_api.base_url)
    assert result.returncode == 2
    assert "rejected TELEGRAM_BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr and "WRONGtoken" not in result.stderr


@pytest.mark.no_database  # its bot process answers on a throwaway SQLite file of its own
def test_nlu_benchmark_prints_latency_throughput_and_memory(tmp_path: Path) -> None:
    # A small run (the figures' presence is tested, not their values), with a ceiling a busy machine cannot reach.
    result = candor(tmp_path, "bench", "nlu", "--messages", "20", "--batch-messages", "128", "--bot-messages", "12",
                    timeout=900)
    assert result.returncode == 0, result.stderr
    for figure in ("load time", "artifact size", "p50", "p95", "messages/s", "peak RSS"):
        assert figure in result.stdout
    bot_peak = re.search(r"bot process peak RSS\s+(\d+) MB", result.stdout)
    assert bot_peak is not None and int(bot_peak.group(1)) > 100, result.stdout


def test_promises_made_in_the_local_chat_can_be_listed_and_marked_kept(tmp_path: Path) -> None:
    chat = candor(tmp_path, "chat", stdin="Where is my refund for order #48213? I sent the shoes back two weeks ago.\n/quit\n")
    assert chat.returncode == 0, chat.stderr

    listed = candor(tmp_path, "promises", "list")
    assert listed.returncode == 0, listed.stderr
    [line] = [row for row in listed.stdout.splitlines() if row.startswith("#")]
    promise_id = line.split("\t")[0].lstrip("#")
    assert "refund" in line and "open" in line and "a firm date for your refund" in line

    kept = candor(tmp_path, "promises", "keep", promise_id)
    assert kept.returncode == 0, kept.stderr
    assert "kept" in kept.stdout
    assert candor(tmp_path, "promises", "list").stdout.strip() == "No open promises."
    again = candor(tmp_path, "promises", "keep", promise_id)
    assert again.returncode == 2 and "no open promise" in again.stderr


def test_an_admin_exports_then_erases_one_customer_and_purges_by_retention(tmp_path: Path) -> None:
    chat = candor(tmp_path, "chat", stdin="Where is my refund? I sent the shoes back.\n/quit\n")
    assert chat.returncode == 0, chat.stderr
    [(external_id,)] = stored_rows(tmp_path, "select external_id from customers")

    exported = candor(tmp_path, "customers", "export", "--channel", "local", "--id", external_id)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["messages"][0] == {**data["messages"][0], "from": "customer",
                                   "text": "Where is my refund? I sent the shoes back."}
    assert len(data["messages"]) == 2

    assert candor(tmp_path, "customers", "purge", "--older-than-days", "30").stdout.startswith("Purged 0 messages")
    erased = candor(tmp_path, "customers", "erase", "--channel", "local", "--id", external_id)
    assert erased.returncode == 0 and "2 messages" in erased.stdout
    assert stored_rows(tmp_path, "select count(*) from messages") == [(0,)]
    assert stored_rows(tmp_path, "select count(*) from customers") == [(0,)]
    missing = candor(tmp_path, "customers", "export", "--channel", "local", "--id", external_id)
    assert missing.returncode == 2 and "No customer" in missing.stderr


async def a_customer_with_agents_topics(url: str, external_id: str, *thread_ids: int) -> None:
    await upgrade_schema_async(url)
    database = Database(url)
    try:
        async with database.session() as session:
            ref = await ConversationRepository(session).open_conversation("telegram", external_id, "Alex")
            handoffs = HandoffRepository(session)
            for thread_id in thread_ids:
                handoff_id = await handoffs.create(ref.conversation_id, "asked_for_person", "", "en", None, None, None,
                                                   utc_now())
                await handoffs.set_thread(handoff_id, thread_id)
    finally:
        await database.dispose()


def test_an_admin_erasing_a_customer_also_deletes_their_topics_in_the_agents_group(
    tmp_path: Path, fake_api: FakeBotApi,
) -> None:
    group = int(AGENTS_GROUP["id"])
    fake_api.topics.extend([(group, 701, "Alex · asked for a person"), (group, 702, "Alex · fraud")])
    fake_api.refuse_to_delete_topic(702)
    run_blocking(a_customer_with_agents_topics(database_url(tmp_path), "8001", 701, 702))
    erased = candor(tmp_path, "customers", "erase", "--id", "8001", TELEGRAM_BOT_TOKEN=fake_api.token,
                    TELEGRAM_API_BASE_URL=fake_api.base_url, CANDOR_AGENTS_CHAT_ID=str(group))
    assert erased.returncode == 0, erased.stderr
    assert fake_api.deleted_topics == [701] and (702, "Erased customer") in fake_api.renamed_topics
    assert "Erased customer 8001 on telegram and 0 messages" in erased.stdout
    assert "deleted 1 agents' topic" in erased.stdout and "702" in erased.stdout, erased.stdout
    assert stored_rows(tmp_path, "select count(*) from handoffs") == [(0,)]


def test_erasing_without_the_bot_configured_lists_the_topics_an_admin_must_delete(tmp_path: Path) -> None:
    run_blocking(a_customer_with_agents_topics(database_url(tmp_path), "8002", 703))
    erased = candor(tmp_path, "customers", "erase", "--id", "8002")
    assert erased.returncode == 0, erased.stderr
    assert "could not be removed" in erased.stdout and "703" in erased.stdout, erased.stdout
    assert stored_rows(tmp_path, "select count(*) from customers") == [(0,)]


CONVERSATIONS = Path(__file__).resolve().parents[1] / "conversations"


@pytest.mark.no_database  # the scripts run on a throwaway SQLite database of their own, whatever DATABASE_URL says
def test_the_shipped_conversation_scripts_pass_through_the_real_model_and_a_failing_one_shows_why(
    tmp_path: Path,
) -> None:
    shipped = candor(tmp_path, "test", "conversations", str(CONVERSATIONS), timeout=600)
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    assert re.search(r"\d+ conversations from \d+ file\(s\): \d+ passed, 0 failed", shipped.stdout), shipped.stdout

    failing = tmp_path / "failing.yaml"
    failing.write_text("- name: a refund answer that must name an order\n  turns:\n"
                       "    - customer: Where is my refund?\n      expect: {contains: ['48213']}\n")
    result = candor(tmp_path, "test", "conversations", str(failing), timeout=600)
    assert result.returncode == 1
    assert "customer: Where is my refund?" in result.stdout and "expected the reply to contain '48213'" in result.stdout

