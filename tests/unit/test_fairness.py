"""The per-customer reply bucket, the typing budget and burst arrivals, on an injected clock."""

from __future__ import annotations

import asyncio

import pytest

from bot.policy.fairness import Arrivals, Fairness, TokenBucket, TypingBudget, may_fold


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_customer_gets_five_replies_at_once_then_one_every_two_seconds() -> None:
    clock = FakeClock()
    bucket = TokenBucket(capacity=5, refill_seconds=2.0, clock=clock)
    assert [bucket.take("alex") for _ in range(5)] == [0.0] * 5
    assert bucket.take("alex") == pytest.approx(2.0)
    clock.now += 1.5
    assert bucket.take("alex") == pytest.approx(0.5), "a refused take leaves the bucket as it was"
    clock.now += 0.5
    assert bucket.take("alex") == 0.0
    assert bucket.take("alex") == pytest.approx(2.0)


def test_one_customers_empty_bucket_leaves_others_untouched() -> None:
    bucket = TokenBucket(capacity=5, refill_seconds=2.0, clock=FakeClock())
    for _ in range(200):
        bucket.take("flooder")
    assert bucket.take("flooder") > 0
    assert bucket.take("someone else") == 0.0


def test_a_quiet_customer_never_saves_up_more_than_the_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(capacity=5, refill_seconds=2.0, clock=clock)
    bucket.take("alex")
    clock.now += 3600
    assert [bucket.take("alex") for _ in range(6)][-1] == pytest.approx(2.0)


def test_a_bucket_needs_room_and_a_refill_time() -> None:
    with pytest.raises(ValueError):
        TokenBucket(capacity=0)
    with pytest.raises(ValueError):
        TokenBucket(refill_seconds=0)


def test_typing_is_shown_at_most_once_per_chat_every_four_seconds() -> None:
    clock = FakeClock()
    budget = TypingBudget(every=4.0, clock=clock)
    assert [budget.allow(7) for _ in range(30)].count(True) == 1
    assert budget.allow(8), "another chat has its own budget"
    clock.now += 3.9
    assert not budget.allow(7)
    clock.now += 0.1
    assert budget.allow(7)


async def test_an_earlier_text_learns_a_newer_one_arrived_and_a_late_older_one_changes_nothing() -> None:
    arrivals = Arrivals()
    with arrivals.arriving("telegram:1", 10) as first:
        assert arrivals.current("telegram:1") is first and arrivals.current("telegram:2") is None
        with arrivals.arriving("telegram:1", 9) as late:
            assert not first.newer.is_set(), "an older message redelivered does not silence a newer one"
            assert not late.newer.is_set(), "the newer one may be answered already: the late one is answered itself"
        with arrivals.arriving("telegram:2", 11):
            assert not first.newer.is_set(), "another customer's message is not part of this burst"
        with arrivals.arriving("telegram:1", 11):
            assert first.newer.is_set()
    assert arrivals.current("telegram:1") is None


async def test_a_waiting_text_is_folded_as_soon_as_a_newer_one_arrives() -> None:
    clock = FakeClock()
    fairness = Fairness(TokenBucket(capacity=1, refill_seconds=3600.0, clock=clock))
    assert await fairness.answer_now("telegram:1", "where is my order?")
    with fairness.arrivals.arriving("telegram:1", 1):
        waiting = asyncio.create_task(fairness.answer_now("telegram:1", "hello?"))
        await asyncio.sleep(0)
        assert not waiting.done(), "over the bucket: it waits"
        with fairness.arrivals.arriving("telegram:1", 2):
            assert await asyncio.wait_for(waiting, 5) is False


async def test_a_message_naming_self_harm_never_waits_for_the_bucket() -> None:
    fairness = Fairness(TokenBucket(capacity=1, refill_seconds=3600.0, clock=FakeClock()))
    assert await fairness.answer_now("telegram:1", "hi")
    assert await asyncio.wait_for(fairness.answer_now("telegram:1", "I want to kill myself"), 5)


@pytest.mark.parametrize(("text", "folds"), [
    ("where is my order?", True), ("/help", False), ("I want to talk to a human", False),
    ("I want to end my life", False), ("someone stole my money", False), ("   ", False),
])
def test_only_plain_text_with_nothing_a_person_must_read_is_folded(text: str, folds: bool) -> None:
    assert may_fold(text) is folds


async def test_an_overtaken_message_that_must_be_handled_on_its_own_still_waits_for_the_bucket() -> None:
    clock = FakeClock()
    fairness = Fairness(TokenBucket(capacity=1, refill_seconds=2.0, clock=clock))
    with fairness.arrivals.arriving("telegram:1", 1):
        with fairness.arrivals.arriving("telegram:1", 2):
            pass
        assert await fairness.answer_now("telegram:1", "hello?") is False
        assert await fairness.answer_now("telegram:1", "hello?", foldable=False) is True
        waiting = asyncio.create_task(fairness.answer_now("telegram:1", "hello?", foldable=False))
        await asyncio.sleep(0.05)
        assert not waiting.done(), "the bucket is empty: a relay in a person's conversation waits too"
        clock.now += 2.0
        assert await asyncio.wait_for(waiting, 10) is True
