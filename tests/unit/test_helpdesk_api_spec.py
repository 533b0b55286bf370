"""docs/helpdesk-api.yaml says what a helpdesk receives and may send, and the code keeps to it (issue 17, item 5).

A shop builds its desk's side from this file alone, so what the bot sends must validate against
it, and what the endpoint accepts and refuses must be what the file lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.channels.helpdesk_inbound import ACTIONS, EVENTS_PATH, REFUSED, WORDS_FIELD
from bot.policy.tasks import NOTE_LIMIT, Member, TaskState
from bot.policy.teams import TeamProfile
from bot.service.helpdesk_payload import EVENT_TYPES, TASK_CREATED, TASK_UPDATED, task_json, webhook_event
from bot.storage.tasks import TaskEventView, TaskView
from tests.unit.openapi_doc import load_openapi, resolve, schema_problems

PATH = EVENTS_PATH.replace(":int", "")
SIGNED_HEADERS = {"webhook-id", "webhook-timestamp", "webhook-signature", "Idempotency-Key"}
AT = dt.datetime(2026, 11, 30, 14, 2, tzinfo=dt.UTC)
ANNA = Member(501, "Anna", "Payments specialist")
TEAM = TeamProfile("payments", -100123, 7, "Europe/Warsaw", "09:00-17:00", "mon-fri", 4.0, members=(ANNA,),
                   webhook_url="https://desk.example.com/hooks")


def a_task(**changes: Any) -> TaskView:
    task = TaskView(
        id=42, conversation_id=7, channel="telegram", external_id="555000111", customer_name="Olga",
        team_name="payments", kind="double_charge", topic_id="double_charge", promised="Our payments team checks.",
        order_ref="50001", facts="two charges of 64.99 EUR", verified=True, transcript="customer: charged twice",
        language="pl", priority=1, state=TaskState.TAKEN, created_at=AT, original_due_at=AT + dt.timedelta(hours=4),
        due_at=AT + dt.timedelta(hours=5), warn_at=AT + dt.timedelta(hours=4), late_count=0, taken_by=ANNA.user_id,
        first_touch_at=AT, closed_at=None, outcome="", lead_alerted_at=None, card_chat_id=None, card_message_id=None,
        pending_action=None, pending_by=None, question="", promise_id=None, handoff_id=None)
    return TaskView(**{**task.__dict__, **changes})


EVENTS = [TaskEventView(42, AT, "created", "", "", "due 2026-11-30 18:02 UTC", AT + dt.timedelta(hours=4)),
          TaskEventView(42, AT, "take", "Anna", "Payments specialist", "", None),
          TaskEventView(42, AT, "more1", "Anna", "Payments specialist", "", AT + dt.timedelta(hours=5))]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_openapi("helpdesk-api.yaml")


def schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return spec["components"]["schemas"][name]


def test_the_contract_is_openapi_3_1_with_the_two_task_webhooks_and_the_inbound_path(spec: dict[str, Any]) -> None:
    assert str(spec["openapi"]).startswith("3.1")
    assert tuple(spec["webhooks"]) == EVENT_TYPES
    assert set(spec["paths"]) == {PATH} and set(spec["paths"][PATH]) == {"post"}


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_each_webhook_is_signed_and_keyed_by_the_task_id(spec: dict[str, Any], event_type: str) -> None:
    post = spec["webhooks"][event_type]["post"]
    headers = {p["name"]: p for p in (resolve(spec, p) for p in post["parameters"]) if p["in"] == "header"}
    assert set(headers) == SIGNED_HEADERS and all(header["required"] for header in headers.values())
    assert "task's id" in headers["Idempotency-Key"]["description"]
    assert "same on every retry" in headers["webhook-id"]["description"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert resolve(spec, body) is schema(spec, "WebhookEvent")
    assert {"2XX", "410", "default"} <= set(post["responses"])


@pytest.mark.parametrize(("event_type", "task"), [
    (TASK_CREATED, a_task(state=TaskState.OPEN, taken_by=None, first_touch_at=None)),
    (TASK_UPDATED, a_task()),
    (TASK_UPDATED, a_task(state=TaskState.DONE, order_ref=None, outcome="The hold is released by Thursday.")),
    (TASK_UPDATED, a_task(taken_by=999)),
])
def test_what_the_bot_sends_validates_against_the_contract(spec: dict[str, Any], event_type: str,
                                                           task: TaskView) -> None:
    event = webhook_event(event_type, TEAM, task, EVENTS, AT)

    assert schema_problems(spec, schema(spec, "WebhookEvent"), event) == []
    assert set(event["data"]["task"]) == set(schema(spec, "Task")["properties"])


def test_the_task_names_who_took_it_and_carries_nothing_that_identifies_the_customer() -> None:
    sent = task_json(TEAM, a_task(), EVENTS)

    assert sent["taken_by"] == {"user_id": 501, "name": "Anna", "role": "Payments specialist"}
    assert sent["events"][1]["by"] == {"name": "Anna", "role": "Payments specialist"}
    assert sent["events"][0]["by"] is None
    assert "555000111" not in repr(sent) and "Olga" not in repr(sent)


def test_the_check_catches_a_payload_that_breaks_the_contract(spec: dict[str, Any]) -> None:
    task = task_json(TEAM, a_task(), EVENTS)
    broken = {**task, "id": "42", "state": "lost", "due_at": "2026-11-30T18:02:00", "taken_by": {"name": "Anna"}}
    del broken["events"]

    assert sorted(schema_problems(spec, schema(spec, "Task"), broken, "task")) == [
        "task.due_at has no offset", "task.events is missing", "task.id is not integer", "task.state is off the list",
        "task.taken_by matches 0 of oneOf"]


def test_the_inbound_event_takes_exactly_what_the_endpoint_understands(spec: dict[str, Any]) -> None:
    post = spec["paths"][PATH]["post"]
    assert post["security"] == [{"bearer": []}]
    bearer = spec["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    body = schema(spec, "TaskEvent")
    assert set(body["properties"]["action"]["enum"]) == {*ACTIONS, "more_time"}
    assert body["properties"]["hours"]["enum"] == [1, 4] and body["properties"]["next_day"]["type"] == "boolean"
    assert body["required"] == ["action", "member_user_id"]
    assert {name: body["properties"][name]["maxLength"] for name in WORDS_FIELD.values()} == dict.fromkeys(
        WORDS_FIELD.values(), NOTE_LIMIT)
    for example in post["requestBody"]["content"]["application/json"]["examples"].values():
        assert schema_problems(spec, body, example["value"]) == []


def test_every_answer_of_the_endpoint_is_documented(spec: dict[str, Any]) -> None:
    responses = spec["paths"][PATH]["post"]["responses"]
    assert {"200", "401", "403", "404", "409", "413", "422"} <= set(responses)
    assert "WWW-Authenticate" in responses["401"]["headers"]
    for code, (status, _) in REFUSED.items():
        assert f"`{code}`" in responses[str(status)]["description"], code
    assert resolve(spec, responses["200"]["content"]["application/json"]["schema"]) is schema(spec, "TaskResult")
    ok = {"task": task_json(TEAM, a_task(), EVENTS)}
    assert schema_problems(spec, schema(spec, "TaskResult"), ok) == []
