"""Fuzz tests of the wording preview's text matching: any draft, any stored reply, no crash, no wrong values.

A trainer's draft and a customer's stored reply can hold anything (lone braces, format specs,
newlines, any script); the preview must never fail on them, and where a text is found its
fields must hold exactly what was filled in.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.preview_fill import SAMPLE, SAMPLES, fill_pieces, joined
from knowledge.text_match import find_use

FUZZ = settings(max_examples=400, derandomize=True, database=None, deadline=None)
WORDS = st.text(alphabet="abcdefghij :,", min_size=5, max_size=20).filter(lambda s: s.strip() and "  " not in s)
VALUES = st.text(alphabet="0123456789#", min_size=1, max_size=8)
NAMES = st.sampled_from(["order_ref", "deadline", "agent", "amount"])


@FUZZ
@given(st.text(max_size=80), st.text(max_size=200))
def test_any_template_and_reply_are_matched_without_a_crash(template: str, reply: str) -> None:
    use = find_use(template, reply)
    assert use is None or 0 <= use.start <= use.end <= len(reply)


@FUZZ
@given(st.text(max_size=120))
def test_any_draft_is_filled_without_a_crash(draft: str) -> None:
    pieces = fill_pieces(draft, [(SAMPLE, SAMPLES)])
    assert isinstance(joined(pieces), str)


@FUZZ
@given(st.lists(st.tuples(WORDS, NAMES, VALUES), min_size=1, max_size=3, unique_by=lambda part: part[1]), WORDS,
       st.text(alphabet="xyz. \n", max_size=20), st.text(alphabet="xyz. \n", max_size=20))
def test_a_filled_text_is_found_with_the_values_it_was_filled_with(
    parts: list[tuple[str, str, str]], tail: str, before: str, after: str,
) -> None:
    template = "".join(f"{words}{{{name}}}" for words, name, _ in parts) + tail
    filled = "".join(f"{words}{value}" for words, _, value in parts) + tail
    reply = f"{before}\n\n{filled}\n\n{after}"
    use = find_use(template, reply)
    assert use is not None
    assert reply[use.start:use.end].strip() == filled.strip()
    assert use.values == {name: value for _, name, value in parts}
