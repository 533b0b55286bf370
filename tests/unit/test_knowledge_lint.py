"""The style linter: the shipped pack passes, and each rule catches a bad edit in every language."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from knowledge.lint import check_text, lint_content
from knowledge.pack import CONTENT_DIR
from tests.conftest import CANDOR, subprocess_env


def rules(key: str, text: str, language: str) -> set[str]:
    return {rule for rule, *_ in check_text(key, text, language)}


def test_the_shipped_pack_has_no_findings() -> None:
    assert [str(finding) for finding in lint_content(CONTENT_DIR)] == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("We apologise for any inconvenience.", "en"),
        ("Your call is important to us.", "en"),
        ("Приносим извинения за доставленные неудобства.", "ru"),
        ("Przepraszamy za wszelkie niedogodności.", "pl"),
        ("给您带来不便，敬请谅解。", "zh"),
    ],
)
def test_stock_placation_is_refused_in_every_language(text: str, language: str) -> None:
    assert "stock-phrase" in rules("answer", text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mistakes were made with your order.", "en"),
        ("Были допущены ошибки при обработке заказа.", "ru"),
        ("Popełniono błędy przy realizacji zamówienia.", "pl"),
        ("处理订单时出现了一些失误。", "zh"),
    ],
)
def test_a_passive_that_hides_who_acted_is_refused(text: str, language: str) -> None:
    assert "passive-evasion" in rules("answer", text, language)


@pytest.mark.parametrize(
    ("text", "language", "rule"),
    [
        ("You'll get an email with the result.", "en", "promise-without-time"),
        ("Письмо с результатом придёт вам по почте.", "ru", "promise-without-time"),
        ("Mail z wynikiem dostaniesz od nas.", "pl", "promise-without-time"),
        ("您会收到一封结果邮件。", "zh", "promise-without-time"),
        ("We'll look into it soon.", "en", "vague-time"),
        ("Мы ответим в ближайшее время.", "ru", "vague-time"),
        ("Odpowiemy wkrótce.", "pl", "vague-time"),
        ("我们会尽快处理。", "zh", "vague-time"),
    ],
)
def test_a_commitment_must_say_when(text: str, language: str, rule: str) -> None:
    assert rule in rules("answer", text, language)


def test_a_commitment_with_a_time_passes() -> None:
    assert rules("next_step", "Now: send me the number. When: you'll get an email {deadline}.", "en") == set()
    assert rules("answer", "Вы получите код в течение 5 минут.", "ru") == set()


def test_jargon_and_long_sentences_are_flagged() -> None:
    assert "jargon" in rules("answer", "Going forward, we will leverage our processes.", "en")
    assert "jargon" in rules("answer", "В рамках данного обращения мы осуществим проверку.", "ru")
    long_sentence = " ".join(["word"] * 31) + "."
    assert "long-sentence" in rules("answer", long_sentence, "en")
    assert "long-sentence" in rules("answer", "我" * 61 + "。", "zh")
    assert "long-sentence" not in rules("answer", "我" * 40 + "。", "zh")


@pytest.mark.parametrize(("language", "text"), [("en", "Our team checks it."), ("pl", "Nasz zespół to sprawdzi.")])
def test_a_topic_next_step_must_say_what_happens_now(language: str, text: str) -> None:
    assert "missing-next-step" in rules("next_step", text, language)


def test_lint_command_fails_on_a_planted_stock_apology_and_says_where_and_how_to_fix(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    wording = content / "en" / "wording.yaml"
    lines = wording.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("button:"))
    lines[number] = 'button: "We apologise for any inconvenience. That button no longer works."'
    wording.write_text("\n".join(lines) + "\n", encoding="utf-8")

    planted = subprocess.run([str(CANDOR), "knowledge", "lint", "--content", str(content)], capture_output=True,
                             text=True, timeout=120, env=subprocess_env(tmp_path), check=False)
    shipped = subprocess.run([str(CANDOR), "knowledge", "lint"], capture_output=True, text=True, timeout=120,
                             env=subprocess_env(tmp_path), check=False)

    assert planted.returncode == 1
    assert f"{wording}:{number + 1}: stock-phrase" in planted.stderr
    assert "apologise once for something specific" in planted.stderr
    assert shipped.returncode == 0, shipped.stderr
    assert "no findings" in shipped.stdout


def test_lint_command_reports_a_broken_pack_without_a_traceback(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    (content / "ru" / "wording.yaml").write_text("greeting: [unclosed\n", encoding="utf-8")
    result = subprocess.run([str(CANDOR), "knowledge", "lint", "--content", str(content)], capture_output=True,
                            text=True, timeout=120, env=subprocess_env(tmp_path), check=False)
    assert result.returncode == 2
    assert "wording.yaml" in result.stderr and "Traceback" not in result.stderr


def test_lint_command_reports_fields_the_bot_cannot_fill_with_file_and_line(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    wording = content / "ru" / "wording.yaml"
    lines = wording.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("thanks_rating:"))
    lines[number] = '  thanks_rating: "Спасибо за оценку {score:>5000}."'
    wording.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = subprocess.run([str(CANDOR), "knowledge", "lint", "--content", str(content)], capture_output=True,
                            text=True, timeout=120, env=subprocess_env(tmp_path), check=False)

    assert result.returncode == 1, result.stderr
    assert f"{wording}:{number + 1}: fields: closing.thanks_rating (ru): {{score:>5000}} formats the field" in result.stderr
    assert "write each field bare" in result.stderr
