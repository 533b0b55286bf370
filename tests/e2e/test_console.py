"""The trainers' console over real HTTP on 127.0.0.1: sign-in, CSRF, the review queue, corrections."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import yaml
from sqlalchemy import func, select

from bot.policy.feelings_in_context import feelings_in_context
from bot.policy.tasks import TaskState
from bot.service.corrections import write_corrections_tsv
from bot.storage.conversations import ConversationRepository
from bot.storage.models import ContentVersion
from bot.storage.tasks import TaskRepository
from knowledge.pack import CONTENT_DIR, load_pack
from nlu.training.dataset import default_data_dir
from nlu.training.finetune import read_corrections
from nlu.types import SUPPORT_CLASSES, Analysis, EmotionScores
from tests.e2e.console_server import CSRF, PASSWORD, ConsoleServer, serve_console, sign_in
from tests.integration.test_knowledge_fields import BROKEN_TEXTS
from tests.integration.test_task_figures_stored import ANNA, at, stored_task


async def test_signed_out_the_console_shows_only_the_sign_in_page(console: ConsoleServer) -> None:
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        home = await client.get("/")
        assert home.status_code == 200 and "Sign in" in home.text and "Review queue" not in home.text
        assert home.headers["x-frame-options"] == "DENY" and "default-src 'self'" in home.headers["content-security-policy"]
        conversation = await client.get("/conversations/1")
        assert conversation.status_code == 303 and conversation.headers["location"] == "/"


async def test_wrong_password_and_missing_csrf_are_refused(console: ConsoleServer) -> None:
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        token = CSRF.search((await client.get("/")).text)
        assert token is not None
        wrong = await client.post("/login", data={"csrf": token.group(1), "username": "anna", "password": "guess"})
        assert wrong.status_code == 401 and "do not match" in wrong.text
        forged = await client.post("/login", data={"username": "anna", "password": PASSWORD})
        assert forged.status_code == 400 and "Review queue" not in (await client.get("/")).text


async def test_review_queue_ranks_what_needs_attention_and_a_correction_is_stored(console: ConsoleServer) -> None:
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        queue = await client.get("/")
        assert "Review queue" in queue.text and "emotion rose instead of fell" in queue.text
        page = await client.get("/conversations/1")
        assert "<svg" in page.text and 'data-series="anxiety"' in page.text
        assert "Why: answered from topic refund (confidence 0.82)" in page.text, "the policy's decision and why"
        assert "Case: refund; order_ref=48213; waiting for: -; settled" in page.text, "the case beside the turn"
        assert "My refund still hasn&#39;t come and I&#39;m scared" in page.text
        token = CSRF.search(page.text)
        assert token is not None
        saved = await client.post("/messages/1/labels", data={"csrf": token.group(1), "conversation": "1",
                                                              "labels": ["anxiety"]})
        assert saved.status_code == 303
        after = await client.get(saved.headers["location"])
        assert "Correction saved" in after.text and re.search(r'class="corrected">anxiety<', after.text)
        forged = await client.post("/messages/1/labels", data={"csrf": "forged", "conversation": "1",
                                                               "labels": ["positive"]})
        assert forged.status_code == 403
        nonsense = await client.post("/messages/1/labels", data={"csrf": token.group(1), "labels": ["joyful"]})
        assert nonsense.status_code == 400

    exported = console.models.parent / "corrections.tsv"
    assert await write_corrections_tsv(console.database_url, exported) == 1
    training = read_corrections(exported, default_data_dir() / "goemotions" / "labels.txt")
    assert training.texts == ["My refund still hasn't come and I'm scared"]
    assert [name for name, on in zip(SUPPORT_CLASSES, training.targets[0], strict=True) if on] == ["anxiety"]


async def test_signing_out_needs_the_sessions_token(console: ConsoleServer) -> None:
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        await client.post("/logout", data={"csrf": "forged"})
        assert "Review queue" in (await client.get("/")).text
        token = CSRF.search((await client.get("/")).text)
        assert token is not None
        await client.post("/logout", data={"csrf": token.group(1)})
        assert "Sign in" in (await client.get("/")).text


async def test_a_wording_edit_shows_lint_findings_before_saving_and_can_be_reverted(console: ConsoleServer) -> None:
    button_file = console.content / "en" / "wording.yaml"
    original = button_file.read_text(encoding="utf-8")
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        page = await client.get("/knowledge/en/wording.yaml/edit", params={"path": "button"})
        token = CSRF.search(page.text)
        assert page.status_code == 200 and token is not None
        form = {"csrf": token.group(1), "path": "button", "text": "We apologise for any inconvenience. Try again."}
        checked = await client.post("/knowledge/en/wording.yaml/edit", data={**form, "action": "check"})
        assert "stock-phrase" in checked.text and "apologise once for something specific" in checked.text
        refused = await client.post("/knowledge/en/wording.yaml/edit", data={**form, "action": "save"})
        assert refused.status_code == 400 and "Not saved" in refused.text
        assert button_file.read_text(encoding="utf-8") == original

        better = {**form, "text": "That button has stopped working. Tell me what you need and I'll help."}
        saved = await client.post("/knowledge/en/wording.yaml/edit", data={**better, "action": "save"})
        assert saved.status_code == 200 and "Saved." in saved.text
        assert load_pack(console.content).wording_for("en").button == better["text"]
        assert "# Wording parts for English." in button_file.read_text(encoding="utf-8"), "comments are kept"
        assert "anna" in saved.text, "the history says who changed it"

        version = re.search(r'action="/knowledge/versions/(\d+)/revert"', saved.text)
        assert version is not None
        reverted = await client.post(f"/knowledge/versions/{version.group(1)}/revert", data={"csrf": token.group(1)})
        assert reverted.status_code == 303
    assert load_pack(console.content).wording_for("en").button == load_pack(CONTENT_DIR).wording_for("en").button


async def test_wording_the_bot_cannot_fill_is_refused_at_save_with_the_reason_and_nothing_is_stored(
    console: ConsoleServer,
) -> None:
    files = {name: console.content / "ru" / name for name in ("wording.yaml", "topics.yaml")}
    originals = {name: path.read_text(encoding="utf-8") for name, path in files.items()}
    cases = [(p.values[0], p.values[1], p.values[2]) for p in BROKEN_TEXTS]
    cases.append(("refund.next_step", "Сейчас: ничего. Дальше: проверка. Когда: {deadline:>9999}.",
                  "refund.next_step (ru): {deadline:>9999} formats the field"))
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        page = await client.get("/knowledge/ru/wording.yaml/edit", params={"path": "handoff.assigned"})
        token = CSRF.search(page.text)
        assert token is not None
        assert "Fields this text can use: {agent}, {role}, {deadline}; it must contain {agent}, {deadline}." in page.text
        assert "any text may also name {shop_name}, {support_email}, {support_phone} and {support_hours}" in page.text
        for path, text, message in cases:
            file = "topics.yaml" if path.startswith("refund.") else "wording.yaml"
            form = {"csrf": token.group(1), "path": path, "text": text}
            checked = await client.post(f"/knowledge/ru/{file}/edit", data={**form, "action": "check"})
            assert message in html.unescape(checked.text), (path, text)
            refused = await client.post(f"/knowledge/ru/{file}/edit", data={**form, "action": "save"})
            assert refused.status_code == 400 and "Not saved" in refused.text, (path, text)
            assert message in html.unescape(refused.text), (path, text)
    assert {name: path.read_text(encoding="utf-8") for name, path in files.items()} == originals
    async with console.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(ContentVersion)) == 0, "no version recorded"
    load_pack(console.content)


async def test_dashboard_draws_its_charts(console: ConsoleServer) -> None:
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        page = await client.get("/dashboard")
    assert page.status_code == 200 and "1 conversations" in page.text
    assert page.text.count("<svg") >= 3 and 'class="bar"' in page.text


async def test_dashboard_counts_team_tasks_and_the_transcript_shows_each_task_with_its_events(tmp_path: Path) -> None:
    async with serve_console(tmp_path, now=lambda: at(6)) as console, httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        empty = await client.get("/dashboard")
        assert "Team tasks" in empty.text and "No tasks yet" in empty.text
        assert "No tasks: the bot committed no team" in (await client.get("/conversations/1")).text

        done = await stored_task(console.database, 1, "payments", "double_charge", 4, TaskState.DONE, 0.5, 3)
        await stored_task(console.database, 1, "payments", "refund_missing", 3, TaskState.TAKEN, touched=1)
        async with console.database.session() as session:
            await TaskRepository(session).add_event(done, "note", ANNA, "<b>hold</b> released by Thursday", at(3.5))
        dashboard = await client.get("/dashboard")
        transcript = await client.get("/conversations/1")

    assert "No tasks yet" not in dashboard.text and "done by the due time the customer was" in dashboard.text
    row = re.search(r'<tr data-team="payments">(.*?)</tr>', dashboard.text, re.DOTALL)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.DOTALL)
    assert [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells] == [
        "payments", "0", "1", "1", "1 (1 still open, 0 done late)", "0", "45 min", "3.0 h"]
    assert f"Task #{done} · payments · double_charge" in transcript.text
    assert "2026-12-01 09:30 UTC taken — Anna (Payments specialist)" in transcript.text
    assert "due 2026-12-01 13:00 UTC" in transcript.text and "Outcome:" not in transcript.text
    assert "&lt;b&gt;hold&lt;/b&gt; released by Thursday" in transcript.text and "<b>hold" not in transcript.text


async def test_the_transcript_shows_each_messages_own_scores_and_those_in_context_when_they_differ(
    console: ConsoleServer,
) -> None:
    angry = EmotionScores(anger=0.93, sadness=0.32, positive=0.05, neutral=0.1)
    calm = EmotionScores(anger=0.02, positive=0.28, neutral=0.79)
    async with console.database.session() as session:
        conversations = ConversationRepository(session)
        ref = await conversations.open_conversation("telegram", "78", "Piotr")
        first = feelings_in_context(angry, ("anger",), "My parcel is a week late and nobody answers!", ())
        await conversations.add_customer_message(ref, "text", "My parcel is a week late and nobody answers!",
                                                 Analysis("en", angry, ("anger",)), 11, in_context=first)
        ok = feelings_in_context(calm, ("neutral",), "ok", (angry,))
        await conversations.add_customer_message(ref, "text", "ok", Analysis("en", calm, ("neutral",)), 12,
                                                 in_context=ok)
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        page = await client.get(f"/conversations/{ref.conversation_id}")
    rows = re.findall(r'<tr id="message-\d+" class="customer">(.*?)</tr>', page.text, re.DOTALL)
    lines = [[html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found))).strip()
              for found in re.findall(r'<div class="scores[^"]*">(.*?)</div>', row, re.DOTALL)] for row in rows]
    assert lines == [
        ["this message: anger 0.93 · anxiety 0.00 · sadness 0.32 · confusion 0.00 · positive 0.05 · neutral 0.10"],
        ["this message: anger 0.02 · anxiety 0.00 · sadness 0.00 · confusion 0.00 · positive 0.28 · neutral 0.79",
         ("in context: anger 0.74 · anxiety 0.00 · sadness 0.00 · confusion 0.00 · positive 0.28 · neutral 0.26"
          " — anger carried from the earlier message")],
    ], "the first message has no context; the 'ok' after it shows both readings and why"


async def test_the_wording_page_names_keys_read_from_the_package_defaults_and_keys_not_read(
        console: ConsoleServer) -> None:
    path = console.content / "en" / "wording.yaml"
    wording = yaml.safe_load(path.read_text(encoding="utf-8"))
    del wording["greeting"]  # as a folder an older release seeded
    wording["handoff"]["old_holding"] = "A key this release renamed."
    path.write_text(yaml.safe_dump(wording, allow_unicode=True, sort_keys=False), encoding="utf-8")
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        page = (await client.get("/knowledge")).text
    defaults = page.split('id="from-defaults"', 1)[1].split("</section>", 1)[0]
    unused = page.split('id="unused-keys"', 1)[1].split("</section>", 1)[0]
    assert "<code>en/wording.yaml: greeting</code>" in defaults
    assert "<code>en/wording.yaml: handoff.old_holding</code>" in unused
    assert '<a href="/knowledge/en/wording.yaml"><code>en/wording.yaml: greeting</code></a>' in defaults
    async with httpx.AsyncClient(base_url=console.url, timeout=60) as client:
        await sign_in(client)
        texts = (await client.get("/knowledge/en/wording.yaml")).text
        form = await client.get("/knowledge/en/wording.yaml/edit", params={"path": "greeting"})
        token = CSRF.search(form.text)
        assert token is not None
        mine = "Hi, I'm Candor, the shop's bot. Tell me what went wrong, and I'll say what happens next."
        saved = await client.post("/knowledge/en/wording.yaml/edit", data={
            "csrf": token.group(1), "path": "greeting", "text": mine, "action": "save"})
        after = (await client.get("/knowledge")).text
    row = texts.split("<code>greeting</code>", 1)[1].split("</tr>", 1)[0]
    assert "package default" in row, "the trainer sees which words are the package's"
    assert saved.status_code == 200 and "Saved." in saved.text
    assert load_pack(console.content).wording_for("en").greeting == mine
    assert 'id="from-defaults"' not in after, "once saved, the words are the shop's own"
