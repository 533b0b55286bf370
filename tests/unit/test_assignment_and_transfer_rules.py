"""Who may be given a customer, and to whom an agent may pass one: language, shift, away, cap."""

from __future__ import annotations

import datetime as dt

from bot.policy.assignment import AgentLoad, already_told, assign, assign_asked_for, parse_shift
from bot.policy.transfer import TransferRefusal, decide_transfer, parse_transfer

MONDAY_0034 = dt.datetime(2026, 11, 23, 0, 34, tzinfo=dt.UTC)
"""01:34 in Warsaw, 08:34 in Shanghai."""


def agent(user_id: int, name: str, languages: tuple[str, ...], zone: str = "UTC", hours: str = "00:00-24:00",
          open_chats: int = 0, max_chats: int = 3, away: bool = False, skills: tuple[str, ...] = ()) -> AgentLoad:
    return AgentLoad(user_id, name, "Customer care", languages, skills, parse_shift(zone, hours, "mon-sun"),
                     max_chats, open_chats, away=away)


MARTA_ON = agent(1, "Marta", ("en", "pl"))
LI_LATER = agent(2, "Li", ("zh", "en"), "Asia/Shanghai", "10:00-19:00")
"""Li's shift starts at 02:00 UTC."""


def test_an_agent_without_the_language_is_not_given_the_customer_while_a_speaker_has_a_shift_to_come() -> None:
    chosen = assign([MARTA_ON, LI_LATER], "zh", None, MONDAY_0034)
    assert chosen.agent is None, "Marta is free but cannot read Chinese; Li starts at 02:00"
    assert chosen.next_agent == LI_LATER
    assert chosen.expected_at == dt.datetime(2026, 11, 23, 2, 15, tzinfo=dt.UTC)


def test_when_nobody_speaks_the_language_anyone_on_shift_takes_it() -> None:
    assert assign([MARTA_ON, LI_LATER], "ru", None, MONDAY_0034).agent == MARTA_ON


def test_an_away_agent_gets_nothing_new_and_is_never_the_next_agent() -> None:
    away = agent(1, "Marta", ("en", "pl"), away=True)
    chosen = assign([away, LI_LATER], "en", None, MONDAY_0034)
    assert chosen.agent is None and chosen.next_agent == LI_LATER


def test_the_shift_is_read_in_the_agents_own_time_zone() -> None:
    warsaw = agent(3, "Ola", ("pl",), "Europe/Warsaw", "01:00-09:00")
    assert assign([warsaw], "pl", None, MONDAY_0034).agent == warsaw, "01:34 in Warsaw is on shift"


def test_the_next_agent_for_a_queued_customer_is_the_first_who_speaks_the_language() -> None:
    early_non_speaker = agent(4, "Ivan", ("ru",), "UTC", "01:00-09:00")
    chosen = assign([early_non_speaker, LI_LATER], "zh", None, MONDAY_0034)
    assert chosen.next_agent == LI_LATER


def test_a_skill_is_preferred_among_speakers_on_shift() -> None:
    plain, skilled = agent(5, "Anna", ("en",)), agent(6, "Ben", ("en",), skills=("refund",))
    assert assign([plain, skilled], "en", "refund", MONDAY_0034).agent == skilled


def test_the_person_a_queued_customer_was_told_about_taking_it_in_time_is_nothing_new() -> None:
    told = dt.datetime(2026, 11, 23, 2, 15, tzinfo=dt.UTC)
    at_start = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    assert already_told(LI_LATER, MONDAY_0034, told, at_start)
    assert not already_told(LI_LATER, MONDAY_0034, told, at_start + dt.timedelta(minutes=5)), "later than told"
    assert not already_told(agent(7, "Kim", ("zh",), "UTC", "03:00-09:00"), MONDAY_0034, told, at_start)


def test_a_transfer_to_someone_off_shift_is_refused_with_their_start_and_allowed_anyway_with_the_true_time() -> None:
    refused = decide_transfer([MARTA_ON, LI_LATER], parse_transfer("li"), MARTA_ON.user_id, "en", MONDAY_0034)
    assert refused.refusal is TransferRefusal.OFF_SHIFT
    assert refused.starts_at == dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    anyway = decide_transfer([MARTA_ON, LI_LATER], parse_transfer("Li --anyway"), MARTA_ON.user_id, "en",
                             MONDAY_0034)
    assert anyway.refusal is None and anyway.target == LI_LATER
    assert anyway.expected_at == dt.datetime(2026, 11, 23, 2, 15, tzinfo=dt.UTC), "not 00:49"


def test_a_transfer_is_refused_for_each_reason_and_anyway_overrides_only_shift_language_and_away() -> None:
    li_on = agent(2, "Li", ("zh", "en"))
    full = agent(8, "Ann", ("en",), open_chats=3, max_chats=3)
    away = agent(9, "Bo", ("en",), away=True)
    team = [MARTA_ON, li_on, full, away]
    cases = {"nobody": TransferRefusal.UNKNOWN, "marta": TransferRefusal.SAME, "ann": TransferRefusal.FULL,
             "bo": TransferRefusal.AWAY}
    for name, reason in cases.items():
        assert decide_transfer(team, parse_transfer(name), MARTA_ON.user_id, "en", MONDAY_0034).refusal is reason
        anyway = decide_transfer(team, parse_transfer(f"{name} --anyway"), MARTA_ON.user_id, "en", MONDAY_0034)
        assert (anyway.refusal is None) == (reason is TransferRefusal.AWAY), name
    to_marta = decide_transfer(team, parse_transfer("marta"), li_on.user_id, "zh", MONDAY_0034)
    assert to_marta.refusal is TransferRefusal.LANGUAGE
    assert decide_transfer(team, parse_transfer("marta --anyway"), li_on.user_id, "zh", MONDAY_0034).expected_at == \
        MONDAY_0034 + dt.timedelta(minutes=15)


def test_the_agent_asked_for_by_name_takes_it_when_free_even_past_a_lighter_colleague() -> None:
    busy_marta = agent(1, "Marta", ("en", "pl"), open_chats=2)
    idle_ann = agent(3, "Ann", ("en",))
    chosen = assign_asked_for([busy_marta, idle_ann], "Marta", "en", MONDAY_0034)
    assert chosen.agent == busy_marta and chosen.expected_at == MONDAY_0034 + dt.timedelta(minutes=15)


def test_an_agent_asked_for_while_away_leaves_the_customer_to_a_colleague_who_reads_them_or_to_the_queue() -> None:
    away_li = agent(2, "Li", ("zh", "en"), away=True)
    assert assign_asked_for([away_li, MARTA_ON], "Li", "en", MONDAY_0034).agent == MARTA_ON
    waits = assign_asked_for([away_li, MARTA_ON], "Li", "zh", MONDAY_0034)
    assert waits.agent is None and waits.next_agent == away_li, "Marta reads no Chinese; Li comes back"
