"""The shop's content lives in its own folder (CANDOR_CONTENT_DIR), seeded once from the shipped pack, and
every shop detail a customer reads comes from that folder's profile."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli.main import main
from knowledge.content_folder import seed_content
from knowledge.pack import CONTENT_DIR, load_pack

pytestmark = pytest.mark.no_database

KWIATKI = """shop_name: Kwiatki
support_email: pomoc@kwiatki.pl
timezone: Europe/Warsaw
hours: Mon-Fri 08:00-16:00,Sat 10:00-13:00
languages: [pl, en]
"""


def test_the_first_start_copies_the_shipped_pack_and_later_starts_keep_the_shops_edits(tmp_path: Path) -> None:
    folder = seed_content(tmp_path / "var" / "content")
    assert (folder / "shop.yaml").read_text() == (CONTENT_DIR / "shop.yaml").read_text()
    assert {p.name for p in folder.iterdir()} >= {"en", "ru", "pl", "zh", "topics.yaml", "escalation.yaml"}
    (folder / "shop.yaml").write_text(KWIATKI)
    assert seed_content(folder) == folder
    assert (folder / "shop.yaml").read_text() == KWIATKI, "an upgrade or restart never overwrites the shop's content"
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["content"], "no half-made copy is left beside it"


def test_every_shop_detail_in_every_language_comes_from_the_profile(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    (content / "shop.yaml").write_text(KWIATKI)
    pack = load_pack(content)
    texts = list(pack.texts())
    assert not [(language, path) for language, path, text in texts
                if "example.shop" in text or "Example Shop" in text or "9:00–18:00" in text]
    assert pack.languages == ("en", "pl"), "the shop's languages, and English to fall back on"
    assert pack.wording_for("ru") is pack.wording_for("en"), "a Russian customer of this shop is answered in English"
    assert "Monday to Friday, 8:00–16:00; Saturday, 10:00–13:00" in pack.wording_for("en").conversation.unknown
    assert "pon.–pt., 8:00–16:00; sob., 10:00–13:00" in pack.wording_for("pl").handoff.unavailable
    assert pack.wording_for("pl").introduction == "Cześć, jestem Candor, bot obsługi klienta sklepu Kwiatki."
    (content / "shop.yaml").write_text(KWIATKI.replace("[pl, en]", "[ru, zh]"))
    pack = load_pack(content)
    assert pack.wording_for("ru").introduction == "Здравствуйте, я Кандор, бот поддержки магазина «Kwiatki»."
    assert "pomoc@kwiatki.pl" in pack.wording_for("zh").conversation.unknown


def test_lint_without_a_folder_checks_the_shops_content_folder_seeding_it_first(
    cli_environment: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("CANDOR_CONTENT_DIR")
    assert main(["knowledge", "lint"]) == 0
    assert capsys.readouterr().out.startswith("var/content: no findings")
    assert (tmp_path / "var" / "content" / "shop.yaml").is_file()


def test_lint_refuses_a_profile_the_wording_cannot_use(
    cli_environment: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    (content / "shop.yaml").write_text(KWIATKI.replace("Mon-Fri 08:00-16:00", "weekdays 8 to 4"))
    assert main(["knowledge", "lint", "--content", str(content)]) == 2
    assert "shop.yaml: support hours 'weekdays 8 to 4' should look like Mon-Fri 09:00-18:00" in capsys.readouterr().err


def test_an_empty_folder_such_as_a_fresh_docker_volume_is_seeded_too(tmp_path: Path) -> None:
    volume = tmp_path / "var" / "content"
    volume.mkdir(parents=True)  # Docker mounts a new named volume as an empty directory

    seed_content(volume)

    assert (volume / "shop.yaml").read_text() == (CONTENT_DIR / "shop.yaml").read_text()
    assert load_pack(volume).languages
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["content"], "no half-made copy is left beside it"
