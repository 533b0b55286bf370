"""A shop's content folder read against the pack this release ships: what the folder lacks comes from the package.

A folder seeded by an older release lacks the wording keys and topic fields a newer release added;
without them the bot would refuse to start or lack a text a customer needs. So every key the shop's
file lacks is taken from the shipped file of the same language, and only those: a key the shop
has, edited or not, is never replaced. What was filled, and which of the shop's keys this release
no longer reads (renamed or removed), is said to the operator, never silently.

Pure functions over the parsed YAML; the loader (knowledge/pack.py) does the reading.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ContentUpgrade", "fill_missing", "fill_topic_fields", "fill_wording"]


@dataclass(frozen=True)
class ContentUpgrade:
    """What reading a shop's folder took from the package's defaults, and what of it the release ignores."""

    filled: tuple[str, ...] = ()
    """"en/wording.yaml: handoff.holding": keys the shop's file lacks, read from the shipped pack."""
    unused: tuple[str, ...] = ()
    """"en/wording.yaml: handoff.old_name": keys of the shop's file this release does not read."""

    def __bool__(self) -> bool:
        return bool(self.filled or self.unused)

    def __add__(self, other: ContentUpgrade) -> ContentUpgrade:
        return ContentUpgrade(self.filled + other.filled, self.unused + other.unused)

    def report(self) -> str:
        """The operator's summary: one line per key, filled first."""
        lines = []
        if self.filled:
            lines.append(f"{len(self.filled)} key(s) missing from the content folder are read from the package "
                         "defaults (edit them in the console to make them the shop's own):")
            lines += [f"  {key}" for key in self.filled]
        if self.unused:
            lines.append(f"{len(self.unused)} key(s) of the content folder are not read by this release (renamed or "
                         "removed; move their words to the new key, then delete them):")
            lines += [f"  {key}" for key in self.unused]
        return "\n".join(lines)


def fill_missing(own: Any, shipped: Any, where: str = "") -> tuple[Any, tuple[str, ...]]:
    """``own`` with every mapping key of ``shipped`` it lacks, at any depth, and the dotted paths of those keys.

    Only mappings are merged: a list or a text the shop has is the shop's, whole. A shop value of another
    shape than the shipped one is kept as it is (the loader then says what is wrong with it).
    """
    if not isinstance(own, dict) or not isinstance(shipped, dict):
        return own, ()
    merged = dict(own)
    filled: list[str] = []
    for key, value in shipped.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in own:
            merged[key] = value
            filled.append(path)
        else:
            merged[key], deeper = fill_missing(own[key], value, path)
            filled += deeper
    return merged, tuple(filled)


def fill_wording(own: Any, shipped: Any, named: Mapping[str, Collection[str]]) -> tuple[Any, tuple[str, ...]]:
    """A wording file filled from the shipped one; in the sections keyed by the shop's own names (``named``:
    "details" → the details of its details.yaml, "gestures" → those of its gestures.yaml), only those names.

    A detail or gesture a newer release added is not one the shop's topics use; the words of a detail the
    shop's details.yaml does not list would even stop the pack loading.
    """
    if isinstance(shipped, dict):
        shipped = {key: {name: words for name, words in value.items() if name in named[key]}
                   if key in named and isinstance(value, dict) else value for key, value in shipped.items()}
    return fill_missing(own, shipped)


def fill_topic_fields(own: Any, shipped: Any, required: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
    """A topics file (a list of topics by id) with each topic's missing ``required`` fields taken from the shipped
    topic of the same id, and the paths of those fields ("refund.reassurance").

    Only required fields: an optional one (a promise, the details a topic needs) that the shop left out or
    removed in the console says what the shop wants. Topics the shop does not have are not added either:
    which topics a shop answers is its own choice.
    """
    if not isinstance(own, list) or not isinstance(shipped, list):
        return own, ()
    by_id = {str(item["id"]): item for item in shipped if isinstance(item, dict) and "id" in item}
    merged: list[Any] = []
    filled: list[str] = []
    for item in own:
        if isinstance(item, dict) and str(item.get("id", "")) in by_id:
            wanted = {name: value for name, value in by_id[str(item["id"])].items() if name in required}
            item, fields = fill_missing(item, wanted, str(item["id"]))
            filled += fields
        merged.append(item)
    return merged, tuple(filled)
