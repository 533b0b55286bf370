"""The agent's handoff card: act at a glance. Who has it and by when, what the customer wants in one line, the
reason once, feelings in words, the order and its proof, the bot's promise in its own words, the teams' tasks,
the photos sent before the handoff, the agents' notes and a next step; Telegram's limit kept, the least urgent cut."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from bot.policy.card_context import CardContext, CardMedia, CardNote, CardPromise, CardTask
from bot.policy.escalation import EscalationReason
from bot.policy.handoff_card import HandoffCard, render_card, topic_title
from bot.policy.handoff_status import HandoffStatus
from bot.policy.tasks import TaskState

NOW = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)
EVENTS = ("2026-12-01 13:00 UTC created: due 2026-12-01 16:00 UTC",
          "2026-12-01 13:30 UTC taken — Anna (Payments specialist)",
          "2026-12-01 13:40 UTC need_info — Anna (Payments specialist): Which card did you pay with?",
          "2026-12-01 14:10 UTC answered: the Visa ending 4242")
DOUBLE = "payments settled=2 pending=0 failed=0: a real double charge"
HOLD = "payments settled=1 pending=1 failed=0: the second is a hold"
SAID = ("You're right: I see two settled payments of 59.99 GBP on order #48213, one at 09:12 today and one at "
        "09:13 today. Now: our payments team checks both charges on order #48213. When: you'll hear the result "
        "here, from the person who checked, by 16:00 UTC on Tue 1 Dec.")


EMPTY = CardContext()


def card(context: CardContext = EMPTY, **changes: object) -> str:
    base = HandoffCard(5, "Olga", "en", EscalationReason.ASKED_FOR_PERSON, "asked to talk to a person",
                       HandoffStatus.ACTIVE, "Marta", "the double charge on your card", context, NOW,
                       ZoneInfo("UTC"), "Customer care specialist", NOW + dt.timedelta(minutes=15))
    return render_card(dataclasses.replace(base, **changes))  # type: ignore[arg-type]


def line(text: str, start: str) -> str:
    [found] = [row for row in text.splitlines() if row.startswith(start)]
    return found


def test_the_card_says_who_has_it_and_when_the_first_reply_is_due() -> None:
    text = card()
    assert text.startswith("Handoff #5: Olga · with Marta (language: en)\nStatus: with Marta, Customer care specialist")
    assert "First reply due by 14:15 UTC on Tue 1 Dec" in text


def test_after_a_transfer_the_new_owners_reply_is_due_until_they_write() -> None:
    transferred = card(CardContext(replied_last="Li"), first_reply_at=NOW - dt.timedelta(minutes=20))
    assert "Marta's first reply due by 14:15 UTC on Tue 1 Dec (as the customer was told)" in transferred
    answered = card(CardContext(replied_last="Marta"), first_reply_at=NOW - dt.timedelta(minutes=20))
    assert "reply due" not in answered


def test_a_waiting_customer_shows_since_when_and_the_reply_now_due() -> None:
    text = card(CardContext(replied_last="Marta"), first_reply_at=NOW, waiting_since=NOW - dt.timedelta(minutes=7), reply_due_at=NOW + dt.timedelta(minutes=8))
    assert "First reply due" not in text, "the first reply is done"
    assert "Customer waiting since 13:53 UTC on Tue 1 Dec; reply due by 14:08 UTC on Tue 1 Dec" in text


def test_queued_and_resolved_cards_say_so() -> None:
    queued = card(status=HandoffStatus.QUEUED, agent="", agent_role="")
    assert "Status: waiting for an agent, nobody on shift has it; the customer was told a person looks by 14:15 UTC" in queued
    assert "Next step: nobody has this yet: /take it if you can help now" in queued
    resolved = card(status=HandoffStatus.RESOLVED, resolution_note="refunded the second charge")
    assert "Status: resolved by Marta. Note: refunded the second charge" in resolved and "Next step" not in resolved


def test_the_reason_is_given_once() -> None:
    text = card()
    assert text.count("asked for a person") == 1 and "asked to talk to a person" not in text
    declined = card(reason=EscalationReason.TASK_DECLINED, detail="team payments declined task #3: not ours")
    assert "Why a person: a team declined the task the bot committed to (team payments declined task #3: not ours)" in declined


def test_the_order_amounts_proof_and_shop_data_are_pulled_out() -> None:
    context = CardContext(customer_words=("I was charged twice for order #48213, £59.99 each time",),
                          details=(("order_ref", "48213"), ("email", "olga@example.com")), verified=("48213",),
                          shop_notes=(DOUBLE,), shop_texts=(SAID,))
    text = card(context)
    assert line(text, "Wants:") == "Wants: two charges for order #48213, 59.99 GBP each — the double charge on their card"
    assert "Order: #48213; verified: yes, #48213 matches their email or phone" in text
    assert line(text, "Amounts:") == "Amounts: 59.99 GBP", "one figure once, as the shop's data gave it"
    assert "Shop data: payments: 2 settled, 0 pending (a real double charge)" in text
    assert "Also given: email olga@example.com" in text


def test_an_order_nobody_proved_is_said_to_be_unproved_and_the_next_step_asks_for_proof() -> None:
    text = card(CardContext(details=(("order_ref", "50003"),), failed_proofs=3))
    assert "verified: no: 3 failed proof(s), do not share order details until they prove it" in text
    assert "Next step: ask for the email or phone on the order before you share anything about it" in text


def test_the_promise_is_in_the_bots_own_words_with_its_time_never_a_code() -> None:
    promise = CardPromise("the result of the check", DUE, "en", DUE, said="When: you'll hear the result here, by 16:00 UTC on Tue 1 Dec.")
    text = card(CardContext(promises=(promise,), topic_id="double_charge"))
    assert "  “the result of the check” by 16:00 UTC on Tue 1 Dec" in text
    assert "    it said: “When: you'll hear the result here, by 16:00 UTC on Tue 1 Dec.”" in text
    assert "double_charge:" not in text


def test_their_own_words_are_quoted_and_a_line_of_theirs_cannot_pass_for_the_cards() -> None:
    text = card(CardContext(customer_words=("Hello?", "Status: resolved\nplease")))
    assert "Their words:\n  “Hello?”\n  “Status: resolved please”" in text


def test_notes_photos_and_tasks_are_listed() -> None:
    context = CardContext(
        media=(CardMedia("photo", "the box", NOW - dt.timedelta(minutes=5), 77),),
        notes=tuple(CardNote("Li", f"note {n}", NOW) for n in range(5)),
        tasks=(CardTask(12, "payments", "double_charge", TaskState.TAKEN, "Anna", DUE, None, EVENTS),))
    text = card(context)
    assert "Sent before the handoff (copied below this card): photo 13:55 UTC “the box”" in text
    assert "Agents' notes (private):\n  Li, 14:00 UTC: note 2\n  Li, 14:00 UTC: note 3\n  Li, 14:00 UTC: note 4" in text
    assert "Task #12 payments (double_charge): taken by Anna, due Tue 1 Dec 16:00 UTC" in text
    assert EVENTS[0] not in text and all(f"    {event}" in text for event in EVENTS[1:]), "the last three events"
    assert text.index("Task #12") < text.index("Reply in this topic"), "the commands' help stays last"


def test_open_waiting_done_and_declined_tasks_each_say_where_they_stand() -> None:
    closed = DUE - dt.timedelta(hours=1)
    text = card(CardContext(tasks=(
        CardTask(1, "delivery", "gesture:delivery_upgrade", TaskState.OPEN, "", DUE, None, ()),
        CardTask(2, "payments", "double_charge", TaskState.WAITING, "Anna", DUE, None, ()),
        CardTask(3, "payments", "refund_missing", TaskState.DONE, "Anna", DUE, closed, ()),
        CardTask(4, "delivery", "lost_parcel", TaskState.DECLINED, "Tomasz", DUE, closed, ()))))
    assert "Task #1 delivery (gesture:delivery_upgrade): open, nobody has taken it yet, due Tue 1 Dec 16:00 UTC" in text
    assert "Task #2 payments (double_charge): taken by Anna, waiting for the customer's answer, due" in text
    assert "Task #3 payments (refund_missing): done by Anna Tue 1 Dec 15:00 UTC (was due Tue 1 Dec 16:00 UTC)" in text
    assert "Task #4 delivery (lost_parcel): declined by Tomasz Tue 1 Dec 15:00 UTC" in text


def test_a_card_with_nothing_yet_still_reads_well() -> None:
    text = card(CardContext(), customer_name="", problem="")
    assert "Tasks: none" in text and "Handoff #5: Customer · with Marta" in text
    assert "Wants: not clear yet" in text and "Feelings: not known" in text and "Promised: nothing open" in text


def test_a_huge_case_stays_within_telegrams_limit_cutting_the_least_urgent_first() -> None:
    many = tuple(CardTask(n, "payments", "double_charge", TaskState.TAKEN, "Anna", DUE, None, EVENTS) for n in range(60))
    context = CardContext(customer_words=tuple("word " * 100 for _ in range(5)), tasks=many,
                          notes=(CardNote("Li", "x" * 500, NOW),))
    text = card(context)
    assert len(text.encode("utf-16-le")) // 2 <= 4000
    for kept in ("Status: with Marta", "Wants:", "Why a person:", "Feelings:", "Next step:", "Their words:",
                 "Agents' notes", "Reply in this topic"):
        assert kept in text, kept
    assert text.count("Task #") < 60, "the tasks' list is what gives way"


def test_topic_titles_carry_the_status_and_the_handoff_number() -> None:
    assert topic_title("Alex", 12, HandoffStatus.QUEUED) == "Alex · waiting · #12"
    assert topic_title("Alex", 12, HandoffStatus.ACTIVE, "Marta") == "Alex · with Marta · #12"
    assert topic_title("Alex", 12, HandoffStatus.RESOLVED, "Marta") == "Alex · resolved · #12"
    assert topic_title("  ", 3, HandoffStatus.CUSTOMER_GONE) == "Customer · customer left · #3"
    long = topic_title("A" * 300, 123456, HandoffStatus.ACTIVE, "M" * 64)
    assert len(long) <= 128 and long.endswith(f" · with {'M' * 40} · #123456")
