"""A content folder seeded by an older release still loads after an upgrade: the keys it lacks are read from
the shipped pack, the shop's edits stay, and keys the release no longer reads are reported, not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli.main import main
from knowledge.content_folder import seed_content
from knowledge.pack import CONTENT_DIR, load_pack
from tests.integration.older_content import OWN_HELP, older_folder

pytestmark = pytest.mark.no_database

def test_keys_an_older_folder_lacks_are_read_from_the_package_and_the_shops_edits_stay(tmp_path: Path) -> None:
    pack = load_pack(older_folder(tmp_path))
    shipped = load_pack(CONTENT_DIR)

    assert pack.wording_for("en").greeting == shipped.wording_for("en").greeting
    assert pack.wording_for("en").drafts == shipped.wording_for("en").drafts
    assert pack.wording_for("en").help == OWN_HELP
    assert "en/wording.yaml: greeting" in pack.upgrade.filled
    assert "en/wording.yaml: drafts" in pack.upgrade.filled, "a whole new section is one key"
    assert not [key for key in pack.upgrade.filled if not key.startswith("en/")], "other languages lack nothing"
    assert pack.upgrade.unused == ("en/wording.yaml: handoff.old_holding",)


def test_a_topic_field_a_newer_release_requires_is_filled_from_the_same_topic(tmp_path: Path) -> None:
    folder = seed_content(tmp_path / "content")
    path = folder / "pl" / "topics.yaml"
    topics = yaml.safe_load(path.read_text(encoding="utf-8"))
    del topics[0]["reassurance"]
    path.write_text(yaml.safe_dump(topics, allow_unicode=True, sort_keys=False), encoding="utf-8")

    pack = load_pack(folder)

    topic_id = topics[0]["id"]
    assert pack.topic(topic_id, "pl") == load_pack(CONTENT_DIR).topic(topic_id, "pl")
    assert pack.upgrade.filled == (f"pl/topics.yaml: {topic_id}.reassurance",)


def test_lint_says_which_keys_came_from_the_package_defaults(
    cli_environment: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = older_folder(tmp_path)
    code = main(["knowledge", "lint", "--content", str(folder)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "read from the package defaults" in out and "  en/wording.yaml: greeting" in out
    assert "not read by this release" in out and "  en/wording.yaml: handoff.old_holding" in out
