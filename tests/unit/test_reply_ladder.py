"""The late-reply ladder (bot/policy/reply_ladder.py): who is owed what, and when, for a customer waiting on a person."""

from __future__ import annotations

import datetime as dt

from bot.policy.assignment import AgentProfile
from bot.policy.reply_ladder import ReplyTiming, Rung, Wait, holding_time, leads_to_nudge, rungs_due, wait_starts

T = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
TIMING = ReplyTiming(agent_reply_minutes=10, lead_nudge_minutes=5)


def at(minutes: float) -> dt.datetime:
    return T + dt.timedelta(minutes=minutes)


def test_nothing_is_owed_before_the_reply_is_due() -> None:
    assert rungs_due(Wait(at(10), Rung.NONE), at(9), TIMING) == ()


def test_the_agent_is_nudged_when_the_reply_is_due_and_the_lead_and_customer_some_minutes_later() -> None:
    assert rungs_due(Wait(at(10), Rung.NONE), at(10), TIMING) == (Rung.AGENT,)
    assert rungs_due(Wait(at(10), Rung.AGENT), at(14), TIMING) == ()
    assert rungs_due(Wait(at(10), Rung.AGENT), at(15), TIMING) == (Rung.LEAD, Rung.CUSTOMER)


def test_a_missed_check_climbs_every_rung_due_at_once_and_a_finished_ladder_stays_quiet() -> None:
    assert rungs_due(Wait(at(10), Rung.NONE), at(30), TIMING) == (Rung.AGENT, Rung.LEAD, Rung.CUSTOMER)
    assert rungs_due(Wait(at(10), Rung.CUSTOMER), at(90), TIMING) == ()


def test_a_promised_time_is_announced_before_it_passes() -> None:
    promised = Wait(at(15), Rung.NONE, promised_at=at(15))
    assert rungs_due(promised, at(12), TIMING) == ()
    assert rungs_due(promised, at(13), TIMING) == (Rung.AGENT, Rung.LEAD, Rung.CUSTOMER)


def test_the_customer_hears_a_real_new_time() -> None:
    assert holding_time(Wait(at(10), Rung.AGENT), at(15), TIMING, dt.timedelta(minutes=15)) == at(25)
    assert holding_time(Wait(at(15), Rung.NONE, at(15)), at(13), TIMING, dt.timedelta(minutes=15)) == at(30)


def test_a_new_message_starts_a_wait_only_when_none_runs_and_a_queued_one_keeps_its_promised_time() -> None:
    assert wait_starts(None, None, T, TIMING) == at(10)
    assert wait_starts(at(3), None, at(5), TIMING) is None, "\"Are you still there?\" keeps the running timer"
    assert wait_starts(None, at(120), T, TIMING) == at(120), "queued: the time already told, no new promise"


def test_minutes_may_be_fractions_so_tests_need_not_wait() -> None:
    assert ReplyTiming(0.02, 0.02).reply_within == dt.timedelta(seconds=1.2)


def test_the_leads_nudged_are_the_active_leads_other_than_the_agent_who_has_the_chat() -> None:
    marta = AgentProfile(1, "Marta", "Care", ("en",), True)
    li = AgentProfile(2, "Li", "Payments", ("zh",), True, is_lead=True)
    ann = AgentProfile(3, "Ann", "Care", ("en",), True, is_lead=True)
    gone = AgentProfile(4, "Olek", "Care", ("pl",), False, is_lead=True)
    assert leads_to_nudge([marta, li, ann, gone], 1, T) == (li, ann)
    assert leads_to_nudge([marta, li, ann, gone], 2, T) == (ann,), "Li has the chat and was nudged as its agent"


def test_a_lead_on_shift_is_nudged_rather_than_one_off_shift_and_an_away_lead_never() -> None:
    # T is Monday 14:00 UTC: Ann works 09:00-18:00 UTC; Wei works 09:00-18:00 in Shanghai (UTC+8), so is off shift.
    ann = AgentProfile(3, "Ann", "Care", ("en",), True, is_lead=True)
    away = AgentProfile(5, "Ivan", "Care", ("ru",), True, is_lead=True, away=True)
    night = AgentProfile(6, "Wei", "Care", ("zh",), True, timezone="Asia/Shanghai", is_lead=True)
    assert leads_to_nudge([ann, away, night], 1, T) == (ann,), "Wei is not woken while Ann is at the desk"
    assert leads_to_nudge([away, night], 1, T) == (night,), "with no lead on shift, the on-call lead still hears it"
    assert leads_to_nudge([away], 1, T) == (), "a lead who said /away is never mentioned"
