"""Each commitment of a reply becomes work for a named team, due by that team's own hours and target."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.policy.assignment import parse_shift
from bot.policy.decide import decide
from bot.policy.model import Clock, ConversationState, CustomerTurn, Decision, TeamTiming, TurnKind
from knowledge import load_pack
from knowledge.retrieval import Retrieval, TopicMatch
from nlu.signals import Signals
from nlu.types import Analysis, EmotionScores

PACK = load_pack()
MONDAY_4PM = dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC)
PAYMENTS = TeamTiming(parse_shift("UTC", "09:00-17:00", "mon-fri"), 4.0)
DELIVERY = TeamTiming(parse_shift("Europe/Warsaw", "08:00-16:00", "mon-fri"), 2.0)


def answer(topic_id: str, emotion: str = "neutral", score: float = 0.9, language: str = "en",
           teams: dict[str, TeamTiming] | None = None, state: ConversationState | None = None) -> Decision:
    topic = PACK.topic(topic_id, language)
    assert topic is not None
    scores = {"neutral": 0.1, emotion: score}
    reading = Analysis(language=language, scores=EmotionScores.from_mapping(scores), labels=(emotion,))
    clock = Clock(MONDAY_4PM, ZoneInfo("UTC"), parse_shift("UTC", "09:00-18:00", "mon-fri"), teams or {})
    return decide(CustomerTurn(TurnKind.TEXT, text="… order #48213"), reading, Signals(),
                  Retrieval(best=TopicMatch(topic, 0.9), candidates=(TopicMatch(topic, 0.9),)),
                  state or ConversationState(7, language), PACK, clock)


def test_the_commitment_goes_to_the_topics_team_due_by_its_working_hours_and_target() -> None:
    decision = answer("double_charge", teams={"payments": PAYMENTS})
    [task] = decision.tasks
    # One working hour is left on Monday (16:00–17:00), the other three come on Tuesday from 09:00.
    assert (task.team, task.kind, task.order_ref, task.keeps_promise) == ("payments", "double_charge", "48213", True)
    assert task.due_at == dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    assert decision.promise is not None and decision.promise.due_at == task.due_at
    assert "12:00" in decision.reply.text and "Tue 24 Nov" in decision.reply.text


def test_a_team_not_configured_still_gets_the_task_timed_by_the_topic_and_support_hours() -> None:
    [task] = answer("double_charge").tasks
    assert task.team == "payments"
    assert task.due_at == dt.datetime(2026, 11, 24, 16, 0, tzinfo=dt.UTC), "24 h later, inside the support hours"


def test_priority_the_bot_grants_itself_is_real_the_task_goes_first_and_sooner() -> None:
    decision = answer("double_charge", "anger", 0.8, teams={"payments": TeamTiming(PAYMENTS.shift, 8.0)})
    assert decision.gesture is not None and decision.gesture.rule.id == "priority"
    [task] = decision.tasks
    assert task.priority == 1
    assert task.due_at == dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC), "the gesture's 4 hours, not the team's 8"


@pytest.mark.parametrize("language", ("en", "ru", "pl", "zh"))
def test_a_gesture_only_a_team_can_carry_out_is_asked_for_with_its_time_and_becomes_their_task(language: str) -> None:
    decision = answer("order_status", "anger", 0.8, language=language, teams={"delivery": DELIVERY})
    assert decision.gesture is not None and decision.gesture.rule.id == "delivery_upgrade"
    upgrade = next(task for task in decision.tasks if task.kind == "gesture:delivery_upgrade")
    # Warsaw is UTC+1 in November: 16:00 UTC is after the team's 16:00 local end; Tuesday 08:00 local + 2 h.
    assert upgrade.team == "delivery" and upgrade.due_at == dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    assert upgrade.promised in decision.reply.text and "09:00" in upgrade.promised
    assert not upgrade.keeps_promise


def test_the_announcement_never_says_the_upgrade_was_done() -> None:
    decision = answer("order_status", "anger", 0.8, teams={"delivery": DELIVERY})
    assert "I've asked our delivery team to upgrade" in decision.reply.text
    assert "I've upgraded" not in decision.reply.text


def test_a_case_already_promised_makes_no_second_task() -> None:
    earlier = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    state = ConversationState(7, "en", "double_charge", open_promises=(("double_charge", earlier),))
    assert answer("double_charge", state=state, teams={"payments": PAYMENTS}).tasks == ()
