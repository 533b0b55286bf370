"""When a running bot reads its content folder again."""

from __future__ import annotations

from knowledge.content_version import ContentVersion, needs_reload

LOADED = (("en/wording.yaml", 1, 100), ("topics.yaml", 1, 50))
SAVED = (("en/wording.yaml", 2, 104), ("topics.yaml", 1, 50))
BROKEN = (("en/wording.yaml", 3, 20), ("topics.yaml", 1, 50))


def test_an_unchanged_folder_is_not_read_again() -> None:
    assert not needs_reload(ContentVersion(LOADED), LOADED)


def test_a_saved_file_is_read_again() -> None:
    assert needs_reload(ContentVersion(LOADED), SAVED)


def test_a_refused_state_is_not_tried_on_every_turn_but_the_next_save_is() -> None:
    refused = ContentVersion(LOADED, refused=BROKEN)
    assert not needs_reload(refused, BROKEN)
    assert needs_reload(refused, SAVED)
    assert not needs_reload(refused, LOADED), "put back as it was: the loaded content is that state"
