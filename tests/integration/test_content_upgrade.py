"""A content folder seeded by an older release still loads after an upgrade: the keys it lacks are read from
the shipped pack, the shop's edits stay, and keys the release no longer reads are reported, not fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli.main import main
from knowledge.content_folder import seed_content
from knowledge.editing import editable_texts, replace_text
from knowledge.pack import CONTENT_DIR, load_pack, read_pack
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


def test_a_text_read_from_the_package_defaults_is_edited_into_the_shops_file_like_any_other(tmp_path: Path) -> None:
    folder = seed_content(tmp_path / "content")
    path = folder / "en" / "wording.yaml"
    source = path.read_text(encoding="utf-8")
    holding = source[source.index("  holding: >-"):source.index("  resolved_with_note:")]
    path.write_text(source.replace(holding, ""), encoding="utf-8")  # as an older release seeded it
    offered = {text.path: text for text in editable_texts(folder, "en", "wording.yaml")}
    assert offered["handoff.holding"].from_defaults and not offered["handoff.assigned"].from_defaults

    mine = "{agent} has every message you sent and answers {deadline}. Urgent? Email {support_email}."
    old = replace_text(folder, "en", "wording.yaml", "handoff.holding", mine)

    assert old == offered["handoff.holding"].text, "the version records the package's words as the text before"
    assert load_pack(folder).upgrade.filled == ()
    assert read_pack(folder).wording_for("en").handoff.holding == mine
    edited = path.read_text(encoding="utf-8")
    assert edited.count("\n") == source.count("\n") - holding.count("\n") + 1, "one line added, no other touched"
    handoff = edited.split("\nhandoff:\n", 1)[1].split("\nagents:", 1)[0]
    assert f'\n  holding: "{mine}"\n\n# Notes for the agents' in handoff, "at the end of its section, before the next one's notes"
    assert not any(text.from_defaults for text in editable_texts(folder, "en", "wording.yaml"))


def test_a_whole_section_a_newer_release_added_is_written_as_a_new_part_of_the_file(tmp_path: Path) -> None:
    folder = older_folder(tmp_path)  # no greeting, no drafts section

    replace_text(folder, "en", "wording.yaml", "drafts.owner", "the Kwiatki team")
    replace_text(folder, "en", "wording.yaml", "greeting", OWN_HELP)

    pack = read_pack(folder)
    assert pack.wording_for("en").drafts.owner == "the Kwiatki team" and pack.wording_for("en").greeting == OWN_HELP
    assert "en/wording.yaml: drafts.more" in pack.upgrade.filled, "the section's other parts still come from the package"
    assert "en/wording.yaml: greeting" not in pack.upgrade.filled


def test_the_words_of_a_detail_a_newer_release_added_are_not_filled_into_a_folder_without_it(tmp_path: Path) -> None:
    folder = seed_content(tmp_path / "content")
    details = folder / "details.yaml"
    details.write_text("\n".join(line for line in details.read_text(encoding="utf-8").splitlines()
                                 if not line.startswith("size:")) + "\n", encoding="utf-8")
    for language in ("en", "pl", "ru", "zh"):  # the folder of a release before 'size' existed
        path = folder / language / "wording.yaml"
        wording = yaml.safe_load(path.read_text(encoding="utf-8"))
        del wording["details"]["size"]
        path.write_text(yaml.safe_dump(wording, allow_unicode=True, sort_keys=False), encoding="utf-8")

    pack = load_pack(folder)

    assert "size" not in pack.details and "size" not in pack.wording_for("en").details
    assert not [key for key in pack.upgrade.filled if "size" in key]
    assert not [text for text in editable_texts(folder, "en", "wording.yaml") if text.from_defaults]
