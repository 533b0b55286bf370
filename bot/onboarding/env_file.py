"""Writing settings into ``.env`` without disturbing the lines a person put there.

``candor init`` owns only the variables it asks about; comments, blank lines and every other
variable stay exactly as they were, so re-running it on a configured bot changes what was
asked and nothing else.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
_PLAIN = re.compile(r"^[A-Za-z0-9_./:@+,-]*$")


def updated_env(text: str, values: dict[str, str]) -> str:
    """``text`` (a .env file) with each of ``values`` set: in place where it was, appended where it was not.

    A variable set twice in ``text`` keeps only its first line (dotenv would read the last, so a stale
    second line would silently win).
    """
    lines: list[str] = []
    written: set[str] = set()
    for line in text.splitlines():
        found = _ASSIGNMENT.match(line)
        name = found.group(1) if found else ""
        if name in values:
            if name not in written:
                lines.append(f"{name}={quoted(values[name])}")
            written.add(name)
        else:
            lines.append(line)
    missing = [name for name in values if name not in written]
    if missing and lines and lines[-1].strip():
        lines.append("")
    lines += [f"{name}={quoted(values[name])}" for name in missing]
    return "\n".join(lines) + "\n"


def write_env(path: Path, values: dict[str, str]) -> None:
    """Set ``values`` in the .env at ``path`` (created if absent), readable by its owner only: it holds secrets."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    draft = path.with_name(f".{path.name}.new")
    draft.unlink(missing_ok=True)  # a leftover from an interrupted run may have other rights
    # Created with owner-only rights, never written first and restricted after: the token is in it.
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(updated_env(text, values))
    draft.replace(path)


def quoted(value: str) -> str:
    """A value as dotenv reads it back unchanged: bare when plain, else in single quotes (no escapes inside)."""
    if _PLAIN.match(value):
        return value
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
