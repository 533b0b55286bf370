"""``candor knowledge import`` and ``candor knowledge drafts ...`` as a trainer types and reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from knowledge.pack import CONTENT_DIR, load_pack
from tests.conftest import database_url, query_rows

HELP_CENTRE = Path(__file__).resolve().parents[1] / "fixtures" / "help_centre"

pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


@pytest.fixture
def help_centre(tmp_path: Path) -> Path:
    """The shop's Markdown help centre, in a folder the test may edit."""
    folder = tmp_path / "help"
    shutil.copytree(HELP_CENTRE / "markdown", folder)
    return folder


def candor(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_lists_the_new_drafts_and_shows_what_the_linter_found(
    capsys: pytest.CaptureFixture[str], content: Path, help_centre: Path
) -> None:
    code, out, err = candor(capsys, "knowledge", "import", str(help_centre), "--content", str(content))
    assert (code, err) == (0, "")
    assert "Imported 10 article(s)" in out and "as 5 draft(s)" in out
    assert "new       md_workshops  Repotting workshops in our Kraków studio (en, pl), 0 finding(s), draft" in out
    assert 'en answer: stock-phrase: md_pet_safe.answer: "apologise for any inconvenience"' in out
    assert "No live topic changed" in out
    code, out, _ = candor(capsys, "knowledge", "drafts", "list", "--content", str(content))
    assert out.splitlines()[0].split() == ["ID", "TITLE", "LANGUAGE", "SOURCE", "FINDINGS", "STATE"]
    assert [line.split()[0] for line in out.splitlines()[1:]] == [
        "md_gift_wrapping", "md_leaf_points", "md_pet_safe", "md_plant_guarantee", "md_workshops"]
    [pet_safe] = [line for line in out.splitlines() if line.startswith("md_pet_safe")]
    assert pet_safe.split()[-3:] == ["markdown", "3", "draft"]


def test_a_csv_without_languages_needs_language_and_the_format_can_be_named(
    capsys: pytest.CaptureFixture[str], content: Path, tmp_path: Path
) -> None:
    code, _, err = candor(capsys, "knowledge", "import", str(HELP_CENTRE / "faq.csv"), "--content", str(content))
    assert code == 2 and "no language" in err and "--language" in err
    renamed = tmp_path / "export.txt"
    shutil.copy(HELP_CENTRE / "faq.csv", renamed)
    code, out, err = candor(capsys, "knowledge", "import", str(renamed), "--format", "csv", "--language", "en",
                            "--content", str(content))
    assert (code, err) == (0, "")
    assert "csv_can_i_pay_with_blik  Can I pay with BLIK? (en)" in out


def test_publish_all_makes_clean_drafts_live_records_them_and_refuses_one_with_findings(
    capsys: pytest.CaptureFixture[str], content: Path, help_centre: Path, tmp_path: Path
) -> None:
    candor(capsys, "knowledge", "import", str(help_centre), "--content", str(content))
    code, out, err = candor(capsys, "knowledge", "drafts", "publish", "--all", "--content", str(content),
                            "--trainer", "marta")
    assert code == 1
    assert "Published md_workshops (en, pl)" in out and "Published md_leaf_points (en, pl)" in out
    assert "Draft md_pet_safe is not published" in err and "stock-phrase" in err
    pack = load_pack(content)
    assert pack.topic("md_leaf_points", "pl") is not None and pack.topic("md_pet_safe", "en") is None
    rows = query_rows(database_url(tmp_path), "select language, file, path, old_text, trainer from content_versions "
                                              "where path = 'md_leaf_points' order by language")
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [("en", "topics.yaml", "", "marta"), ("pl", "topics.yaml", "", "marta")]
    code, out, _ = candor(capsys, "knowledge", "drafts", "publish", "md_workshops", "--content", str(content))
    assert code == 0 and "live already" in out
    code, _, err = candor(capsys, "knowledge", "drafts", "publish", "md_nothing", "--content", str(content))
    assert code == 2 and "No draft 'md_nothing'" in err


def test_reimport_shows_a_diff_and_keeps_a_trainers_published_edits(
    capsys: pytest.CaptureFixture[str], content: Path, help_centre: Path
) -> None:
    candor(capsys, "knowledge", "import", str(help_centre), "--content", str(content))
    candor(capsys, "knowledge", "drafts", "publish", "md_workshops", "--content", str(content))
    live = content / "en" / "topics.yaml"
    live.write_text(live.read_text().replace("A place costs 89", "A seat costs 89"))
    article = help_centre / "workshops.en.md"
    article.write_text(article.read_text().replace("A place costs 89 zł", "A place costs 99 zł"))
    code, out, _ = candor(capsys, "knowledge", "import", str(help_centre), "--content", str(content))
    assert code == 0
    assert "updated   md_workshops" in out and "edited live" in out
    assert "-en.answer: Every Saturday at 11:00" in out and "+en.answer: Every Saturday" in out and "99 zł" in out
    assert "kept your published edits" in out
    assert "unchanged md_leaf_points" in out
    code, _, err = candor(capsys, "knowledge", "drafts", "publish", "md_workshops", "--content", str(content))
    assert code == 1 and "Kept your published edits" in err
    topic = load_pack(content).topic("md_workshops", "en")
    assert topic is not None and "A seat costs 89 zł" in topic.answer
