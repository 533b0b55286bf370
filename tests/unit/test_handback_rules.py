"""After a handback (bot/policy/handback.py, bot/policy/same_person.py): the case's details, thanks that name the
person, /resolve's options, and asking for the same person again in four languages."""

from __future__ import annotations

import pytest

from bot.policy.details import DEFAULT_READER
from bot.policy.handback import details_given, resolve_options, without_names
from bot.policy.model import Case
from bot.policy.same_person import asks_for_same_person
from nlu.intents import Intent, read_intent

NAMES = ("Marta", "Li", "Will", "May")
KINDS = {"order_ref": "order_ref", "email": "email", "address": "text"}


def test_details_the_customer_gave_the_agent_join_the_case_and_a_later_one_corrects_an_earlier() -> None:
    case = Case("double_charge", (("email", "old@example.com"),), awaiting="order_ref")
    texts = ("It is order #60311", "sorry, my email is olga@example.com", "actually the order is #60312")
    after = details_given(case, texts, KINDS, DEFAULT_READER)
    assert dict(after.slots) == {"email": "olga@example.com", "order_ref": "60312"}
    assert after.awaiting is None, "the bot no longer waits on a detail it now has"


def test_free_text_is_never_guessed_out_of_a_sentence() -> None:
    assert details_given(Case(), ("I live at 5 Long Street",), KINDS, DEFAULT_READER).slots == ()


@pytest.mark.parametrize("text", ["Thank you Marta, that helps!", "Спасибо, Марта, это помогло!",
                                  "Dzięki Marto, to pomogło", "谢谢Li，帮了大忙"])
def test_thanks_that_name_the_agent_are_thanks(text: str) -> None:
    assert read_intent(without_names(text, NAMES)) is Intent.THANKS


def test_a_name_inside_another_word_or_in_lower_case_is_left_alone() -> None:
    assert without_names("I will call Martina tomorrow, may I?", NAMES) == "I will call Martina tomorrow, may I?"


def test_resolve_reads_its_note_and_keep_tasks() -> None:
    assert resolve_options("") == ("", False)
    assert resolve_options("  The hold drops off Friday. ") == ("The hold drops off Friday.", False)
    assert resolve_options("--keep-tasks Payments still check it") == ("Payments still check it", True)


@pytest.mark.parametrize(("text", "wanted"), [
    ("I'd like to talk to Marta again", "Marta"),
    ("Can I speak with the same person?", "Marta"),
    ("Could I get the agent I talked to before?", "Marta"),
    ("Хочу снова поговорить с Мартой", "Marta"),
    ("Можно тот же оператор?", "Marta"),
    ("Chcę znowu porozmawiać z Martą", "Marta"),
    ("Poproszę tę samą osobę", "Marta"),
    ("我想再找Li", "Li"),
    ("还是刚才那位客服吧", "Marta"),
    ("Can I talk to Will again?", "Will"),
])
def test_asking_for_the_same_person_again_is_understood(text: str, wanted: str) -> None:
    assert asks_for_same_person(text, NAMES, "Marta") == wanted


@pytest.mark.parametrize("text", [
    "Will this happen again?", "I will talk to you later", "May I ask something else?",
    "Thanks Marta, I need the refund by Friday", "谢谢Li", "Where is my refund?", "I want to talk to a person",
])
def test_a_name_that_is_also_a_word_or_only_mentioned_does_not_misfire(text: str) -> None:
    assert asks_for_same_person(text, NAMES, "Marta") is None


def test_without_an_earlier_person_the_same_person_means_nobody() -> None:
    assert asks_for_same_person("Can I speak with the same person?", NAMES, None) is None


def test_a_note_with_keep_tasks_keeps_its_lines_as_the_agent_wrote_them() -> None:
    note = "--keep-tasks Your refund left us today.\nThe payments team still checks the second charge."
    assert resolve_options(note) == (
        "Your refund left us today.\nThe payments team still checks the second charge.", True)
    assert resolve_options("Sorted, --keep-tasks  thanks") == ("Sorted, thanks", True)
