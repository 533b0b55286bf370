"""A content folder as an older release seeded it, then edited by the shop: for the upgrade tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.content_folder import seed_content

OWN_HELP = "I'm the Kwiatki helper: ask about your flowers and I'll tell you what happens next."


def older_folder(tmp_path: Path) -> Path:
    """No greeting and no drafts section (added by a newer release), the shop's own help text, and a handoff key
    under a name this release does not read."""
    folder = seed_content(tmp_path / "content")
    path = folder / "en" / "wording.yaml"
    wording = yaml.safe_load(path.read_text(encoding="utf-8"))
    del wording["greeting"], wording["drafts"]
    wording["help"] = OWN_HELP
    wording["handoff"]["old_holding"] = "A name this release renamed."
    path.write_text(yaml.safe_dump(wording, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder
