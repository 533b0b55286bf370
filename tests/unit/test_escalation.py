"""When the bot hands over to a person, and to whom: the rules and the assignment on plain data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.policy.assignment import AgentLoad, ScheduleError, assign, parse_days, parse_shift
from bot.policy.escalation import EscalationReason, EscalationRules, TurnFacts, load_rules, should_escalate
from knowledge.pack import KnowledgeError
from nlu.signals import Signals

RULES = EscalationRules()
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def reason(facts: TurnFacts, rules: EscalationRules = RULES) -> EscalationReason | None:
    found = should_escalate(facts, rules)
    return found.reason if found else None


def test_a_calm_question_stays_with_the_bot() -> None:
    assert reason(TurnFacts(Signals(), ((0.1, 0.2),), tries=0)) is None


def test_self_harm_goes_first_and_cannot_be_switched_off() -> None:
    rules = EscalationRules(enabled=frozenset())
    facts = TurnFacts(Signals(self_harm=True, asks_for_human=True))
    assert reason(facts, rules) is EscalationReason.SELF_HARM


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        (Signals(asks_for_human=True), EscalationReason.ASKED_FOR_PERSON),
        (Signals(money_lost=True), EscalationReason.SENSITIVE),
        (Signals(threat=True), EscalationReason.SENSITIVE),
    ],
)
def test_a_request_for_a_person_or_a_sensitive_topic_hands_off_at_once(signals: Signals, expected: EscalationReason) -> None:
    assert reason(TurnFacts(signals)) is expected


def test_a_disabled_reason_does_not_hand_off() -> None:
    rules = EscalationRules(enabled=frozenset({EscalationReason.SENSITIVE}))
    assert reason(TurnFacts(Signals(asks_for_human=True)), rules) is None


@pytest.mark.parametrize(
    ("feelings", "expected"),
    [
        (((0.1, 0.95),), None),  # one worried message: the bot reassures first
        (((0.1, 0.8), (0.1, 0.9)), EscalationReason.HIGH_EMOTION),  # high and rising
        (((0.1, 0.999), (0.1, 0.998)), EscalationReason.HIGH_EMOTION),  # high, and the dip is noise
        (((0.1, 0.95), (0.1, 0.72)), None),  # easing: the reply helped
        (((0.85, 0.1), (0.9, 0.1)), EscalationReason.HIGH_EMOTION),  # anger that stays high
        (((0.1, 0.5), (0.1, 0.9)), None),  # only the last turn is high
    ],
)
def test_strong_feeling_hands_off_only_when_it_stays_high(
    feelings: tuple[tuple[float, float], ...], expected: EscalationReason | None
) -> None:
    assert reason(TurnFacts(Signals(), feelings)) is expected


def test_the_card_says_which_feeling_and_how_it_moved() -> None:
    found = should_escalate(TurnFacts(Signals(), ((0.1, 0.4), (0.1, 0.8), (0.1, 0.9))), EscalationRules(high_turns=2))
    assert found is not None and found.detail == "anxiety 0.80 → 0.90"


@pytest.mark.parametrize(("tries", "same", "expected"), [(1, True, None), (2, True, EscalationReason.REPEATED_FAILURE),
                                                        (3, False, None)])
def test_two_failed_tries_on_the_same_problem_hand_off(tries: int, same: bool, expected: EscalationReason | None) -> None:
    assert reason(TurnFacts(Signals(), tries=tries, same_problem=same)) is expected


def test_without_the_model_a_person_is_offered_after_one_try_instead_of_two() -> None:
    assert reason(TurnFacts(Signals(), tries=1, same_problem=True)) is None
    found = should_escalate(TurnFacts(Signals(), tries=1, same_problem=True, degraded=True), RULES)
    assert found is not None and found.reason is EscalationReason.REPEATED_FAILURE
    assert "emotion model unavailable" in found.detail, "the agent's card says why it came sooner"


def test_without_the_model_one_strongly_worded_message_still_gets_an_answer_first() -> None:
    assert reason(TurnFacts(Signals(), ((0.1, 0.9),), degraded=True)) is None


def test_trainers_settings_are_read_and_bad_ones_explained(tmp_path: Path) -> None:
    folder = tmp_path
    good = folder / "escalation.yaml"
    good.write_text("enabled: [asked_for_person]\nemotion_high: 0.8\nhigh_turns: 3\ntries: 4\n", encoding="utf-8")
    rules = load_rules(good)
    assert rules.enabled == {EscalationReason.ASKED_FOR_PERSON, EscalationReason.SELF_HARM}
    assert (rules.emotion_high, rules.high_turns, rules.tries) == (0.8, 3, 4)
    bad = folder / "bad.yaml"
    bad.write_text("enabled: [whenever]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="asked_for_person"):
        load_rules(bad)
    assert load_rules(folder / "absent.yaml") == EscalationRules()


def agent(user_id: int, name: str, languages: tuple[str, ...], open_chats: int = 0, max_chats: int = 3,
          hours: str = "09:00-18:00", zone: str = "UTC", skills: tuple[str, ...] = (),
          last: dt.datetime | None = None) -> AgentLoad:
    return AgentLoad(user_id, name, "Customer care", languages, skills, parse_shift(zone, hours, "mon-fri"),
                     max_chats, open_chats, last)


def test_the_agent_who_speaks_the_language_takes_it() -> None:
    chosen = assign([agent(1, "Marta", ("en", "pl")), agent(2, "Ivan", ("ru",))], "ru", None, MONDAY_10)
    assert chosen.agent is not None and chosen.agent.name == "Ivan"
    assert chosen.expected_at == MONDAY_10 + dt.timedelta(minutes=15)


def test_load_is_shared_fairly_and_never_over_the_cap() -> None:
    team = [agent(1, "Marta", ("en",), open_chats=2), agent(2, "Anna", ("en",), open_chats=1)]
    assert assign(team, "en", None, MONDAY_10).agent.name == "Anna"  # type: ignore[union-attr]
    full = [agent(1, "Marta", ("en",), open_chats=3), agent(2, "Anna", ("en",), open_chats=3)]
    queued = assign(full, "en", None, MONDAY_10)
    assert queued.agent is None and queued.expected_at is not None


def test_equal_load_goes_to_whoever_waited_longest() -> None:
    earlier, later = MONDAY_10 - dt.timedelta(hours=2), MONDAY_10 - dt.timedelta(minutes=5)
    team = [agent(1, "Marta", ("en",), last=later), agent(2, "Anna", ("en",), last=earlier)]
    assert assign(team, "en", None, MONDAY_10).agent.name == "Anna"  # type: ignore[union-attr]


def test_a_skill_breaks_the_tie_between_speakers() -> None:
    team = [agent(1, "Marta", ("en",)), agent(2, "Anna", ("en",), skills=("double_charge",))]
    assert assign(team, "en", "double_charge", MONDAY_10).agent.name == "Anna"  # type: ignore[union-attr]


def test_after_hours_the_real_start_of_the_next_shift_is_given() -> None:
    friday_evening = dt.datetime(2026, 11, 27, 19, 0, tzinfo=dt.UTC)
    team = [agent(1, "Marta", ("pl",), hours="09:00-17:00", zone="Europe/Warsaw")]
    queued = assign(team, "pl", None, friday_evening)
    assert queued.agent is None and queued.next_agent is not None and queued.next_agent.name == "Marta"
    monday_9_warsaw = dt.datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert queued.expected_at == monday_9_warsaw + dt.timedelta(minutes=15)


def test_nobody_registered_means_nobody_is_promised() -> None:
    assert assign([], "en", None, MONDAY_10).expected_at is None


@pytest.mark.parametrize(("hours", "days"), [("9-17", "mon-fri"), ("18:00-09:00", "mon-fri"), ("09:00-17:00", "weekdays")])
def test_unreadable_hours_are_refused_with_the_expected_form(hours: str, days: str) -> None:
    with pytest.raises(ScheduleError, match="09:00|mon-fri|start before"):
        parse_shift("UTC", hours, days)


def test_working_days_wrap_around_the_week() -> None:
    assert parse_days("fri-mon") == {4, 5, 6, 0}
    assert parse_days("mon,wed") == {0, 2}
