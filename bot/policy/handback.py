"""After a person hands the customer back: the case goes on where the person left it (pure functions).

Details the customer gave the person (an order number, an email) are read into the case, so the
bot never asks for them again; a thank-you that names the person ("Thank you Marta, that
helps!") is still a thank-you; and ``/resolve`` reads its one option here.
"""

from __future__ import annotations

import re

from bot.policy.details import DetailReader
from bot.policy.model import Case

KEEP_TASKS = "--keep-tasks"
"""``/resolve --keep-tasks NOTE``: the teams' open tasks stay open (the agent settled only the conversation)."""


_KEEP_TASKS_WORD = re.compile(rf"(?<!\S){re.escape(KEEP_TASKS)}(?!\S)[ \t]*")


def resolve_options(argument: str) -> tuple[str, bool]:
    """The note for the customer and whether the open tasks are kept, from what follows /resolve; the note keeps
    the agent's lines as they wrote them."""
    note, found = _KEEP_TASKS_WORD.subn("", argument)
    return note.strip(), found > 0


def details_given(case: Case, texts: tuple[str, ...], kinds: dict[str, str], reader: DetailReader) -> Case:
    """The case with every shaped detail (order reference, email, phone…) found in the customer's texts; a later
    message wins, as it corrects an earlier one."""
    for text in texts:
        for name, value in reader.find_given(kinds, text).items():
            case = case.with_value(name, value)
    if case.awaiting is not None and case.value(case.awaiting) is not None:
        case = Case(case.topic_id, case.slots, None, 0, case.settled, case.verified, case.failed_proofs)
    return case


def without_names(text: str, names: tuple[str, ...]) -> str:
    """The text with the agents' names (and their inflected forms: "Марте", "Marto") taken out, so that
    "Thank you Marta!" reads as the thanks it is."""
    for name in names:
        for written in {name, in_cyrillic(name)}:
            text = name_pattern(written).sub(" ", text)
    return " ".join(text.split())


_LETTER = "a-zA-Z\u00c0-\u024f\u0400-\u04ff"
"""Latin and Cyrillic letters: the ones a name is inflected with and bounded by (Chinese writes names straight on)."""
_VOWELS = "aeiouyаяоеиыьй"
_ENDINGS = "owi|ie|em|om|a|y|e|u|o|i|ę|ą|ой|ою|ей|ем|ом|а|ы|е|у|и|я|ю"
"""The case endings a first name takes in Russian and Polish ("Мартой", "Marto", "Ivanowi"); "Martina" is another name."""


def name_pattern(name: str) -> re.Pattern[str]:
    """A name as a customer writes it: capitalised, with a Russian or Polish case ending ("Марта", "Мартой",
    "Martą"), never inside another word; "will" or "may" in lower case is no "Will" or "May"."""
    if not name[:1] or name[:1].upper() == name[:1].lower():  # a Chinese name has no case and no inflection
        return re.compile(re.escape(name))
    stem = name[:-1] if len(name) >= 4 and name[-1].lower() in _VOWELS else name
    return re.compile(rf"(?<![{_LETTER}]){re.escape(stem)}(?:{_ENDINGS})?(?![{_LETTER}])")


_LATIN, _RUSSIAN = "abcdefghijklmnopqrstuvwyz", "абцдефгхийклмнопкрстуввйз"
_CYRILLIC = str.maketrans({**dict(zip(_LATIN + _LATIN.upper(), _RUSSIAN + _RUSSIAN.upper(), strict=True)),
                           "x": "кс", "X": "Кс"})


def in_cyrillic(name: str) -> str:
    """A Latin name as a Russian customer writes it, letter by letter ("Marta" → "Марта", "Li" → "Ли"); rough,
    but the registry's names are short first names."""
    return name.translate(_CYRILLIC) if name.isascii() else name
