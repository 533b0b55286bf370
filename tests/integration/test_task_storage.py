"""Teams and tasks as stored: which task a member's next words are for, which cards are owed, what comes first."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.policy.tasks import Member, TaskAction, TaskState
from bot.policy.teams import TeamProfile
from bot.service.helpdesk_keys import token_hash
from bot.storage.database import Database
from bot.storage.tasks import TaskRepository
from bot.storage.teams import TeamRegistryError, TeamRepository
from tests.integration.task_data import close, new_task, take

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
ANNA = Member(42, "Anna", "Payments specialist")
PIOTR = Member(44, "Piotr", "Payments specialist")


def team(name: str, chat_id: int = -1001, thread_id: int | None = None) -> TeamProfile:
    return TeamProfile(name, chat_id, thread_id, "Europe/Warsaw", "09:00-17:00", "mon-fri", 4.0)


def hours(count: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=count)


async def test_teams_sharing_a_forum_are_found_by_its_chat_each_with_its_topic(database: Database) -> None:
    async with database.session() as session:
        teams = TeamRepository(session)
        await teams.add(team("payments", thread_id=7))
        await teams.add(team("delivery", thread_id=9))
        await teams.add(team("returns", chat_id=-2002))
        await teams.add_member("payments", ANNA)

    async with database.session() as session:
        found = await TeamRepository(session).in_chat(-1001)

    assert [(t.name, t.thread_id) for t in found] == [("delivery", 9), ("payments", 7)]
    assert found[1].members == (ANNA,)


async def test_a_helpdesk_is_found_by_its_tokens_hash_and_keeps_its_signing_secret(database: Database) -> None:
    async with database.session() as session:
        teams = TeamRepository(session)
        await teams.add(team("payments"))
        await teams.add_member("payments", ANNA)
        await teams.add(team("delivery"))
        await teams.set_helpdesk("payments", "https://desk.example.com/hook", "whsec_c2VjcmV0", token_hash("t0ken"))

    async with database.session() as session:
        teams = TeamRepository(session)
        found = await teams.by_inbound_token(token_hash("t0ken"))
        assert found is not None and found.name == "payments" and found.members == (ANNA,)
        assert found.webhook_url == "https://desk.example.com/hook"
        assert await teams.by_inbound_token(token_hash("guess")) is None
        assert await teams.signing_secret("payments") == "whsec_c2VjcmV0"
        assert await teams.signing_secret("delivery") is None


async def test_an_invalid_team_is_refused_by_the_repository_itself(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(TeamRegistryError, match="should be short and lower case"):
            await TeamRepository(session).add(team("Payments Team"))
        await TeamRepository(session).add(team("payments"))
        with pytest.raises(TeamRegistryError, match="--name must not be empty"):
            await TeamRepository(session).add_member("payments", Member(1, " ", ""))


async def test_the_listing_puts_priority_first_then_the_earliest_due_time(database: Database) -> None:
    async with database.session() as session:
        later = await new_task(session, "1", "payments", hours(5), NOW)
        sooner = await new_task(session, "2", "payments", hours(2), NOW)
        priority = await new_task(session, "3", "payments", hours(8), NOW, priority=1)
        other_team = await new_task(session, "4", "delivery", hours(1), NOW)
        done = await new_task(session, "5", "payments", hours(1), NOW)
        await close(session, done, TaskState.DONE, ANNA, "Refunded.", NOW)

    async with database.session() as session:
        tasks = TaskRepository(session)
        assert [t.id for t in await tasks.listing()] == [priority, other_team, sooner, later]
        assert [t.id for t in await tasks.open_tasks()] == [priority, other_team, sooner, later]
        assert [t.id for t in await tasks.listing("payments")] == [priority, sooner, later]
        assert [t.id for t in await tasks.listing("payments", include_closed=True)] == [priority, done, sooner, later]
        assert await tasks.count_open("payments") == 3
        assert await tasks.count_open("returns") == 0


async def test_cards_are_owed_for_open_tasks_of_these_teams_that_have_none_yet(database: Database) -> None:
    async with database.session() as session:
        tasks = TaskRepository(session)
        first = await new_task(session, "1", "payments", hours(2), NOW)
        posted = await new_task(session, "2", "payments", hours(2), NOW)
        row = await tasks.row(posted)
        assert row is not None
        row.card_message_id = 555
        urgent = await new_task(session, "3", "payments", hours(6), NOW, priority=1)
        await new_task(session, "4", "delivery", hours(2), NOW)
        declined = await new_task(session, "5", "payments", hours(2), NOW)
        await close(session, declined, TaskState.DECLINED, ANNA, "Not ours.", NOW)

    async with database.session() as session:
        tasks = TaskRepository(session)
        assert await tasks.without_card(["payments"]) == [urgent, first]
        assert len(await tasks.without_card(["payments", "delivery"])) == 3
        assert await tasks.without_card([]) == []


async def test_a_members_next_words_go_to_the_task_they_tapped_last_in_their_teams(database: Database) -> None:
    async with database.session() as session:
        tasks = TaskRepository(session)
        ids = [await new_task(session, str(n), "payments", hours(2), NOW) for n in range(4)]
        elsewhere = await new_task(session, "9", "delivery", hours(2), NOW)
        for task_id, (action, member) in zip([*ids, elsewhere], [
            (TaskAction.DONE, ANNA), (TaskAction.NEED_INFO, ANNA), (TaskAction.DECLINE, PIOTR), (None, ANNA),
            (TaskAction.DONE, ANNA),
        ], strict=True):
            row = await tasks.row(task_id)
            assert row is not None
            row.pending_action, row.pending_by = (action.value if action else None), member.user_id

    async with database.session() as session:
        tasks = TaskRepository(session)
        pending = await tasks.pending_words(ANNA.user_id, ["payments"])
        assert pending is not None and pending.id == ids[1] and pending.pending_action == "info"
        piotrs = await tasks.pending_words(PIOTR.user_id, ["payments"])
        assert piotrs is not None and piotrs.id == ids[2]
        in_delivery = await tasks.pending_words(ANNA.user_id, ["delivery"])
        assert in_delivery is not None and in_delivery.id == elsewhere
        assert await tasks.pending_words(ANNA.user_id, []) is None
        assert await tasks.pending_words(7, ["payments"]) is None
        await close(session, ids[1], TaskState.DONE, ANNA, "Done.", NOW)

    async with database.session() as session:
        found = await TaskRepository(session).pending_words(ANNA.user_id, ["payments"])
        assert found is not None and found.id == ids[0]


async def test_a_customers_answer_goes_to_the_task_that_waits_for_it(database: Database) -> None:
    async with database.session() as session:
        tasks = TaskRepository(session)
        asked = await new_task(session, "1", "payments", hours(2), NOW)
        await new_task(session, "2", "payments", hours(2), NOW)
        row = await tasks.row(asked)
        assert row is not None
        row.state, row.question = TaskState.WAITING.value, "Which card did you pay with?"
        await tasks.add_event(asked, "asked", ANNA, row.question, NOW)

    async with database.session() as session:
        tasks = TaskRepository(session)
        view = await tasks.get(asked)
        assert view is not None
        waiting = await tasks.waiting_for(view.conversation_id)
        assert waiting is not None and waiting.id == asked and waiting.question == "Which card did you pay with?"
        others = [t for t in await tasks.listing() if t.id != asked]
        assert await tasks.waiting_for(others[0].conversation_id) is None


async def test_a_task_reads_back_with_its_customer_and_its_events_in_order(database: Database) -> None:
    async with database.session() as session:
        task_id = await new_task(session, "7", "payments", hours(2), NOW)
        await take(session, task_id, ANNA, NOW + dt.timedelta(minutes=2))
        again = await new_task(session, "7", "payments", hours(3), NOW + dt.timedelta(minutes=1))

    async with database.session() as session:
        tasks = TaskRepository(session)
        view = await tasks.get(task_id)
        assert view is not None
        assert (view.channel, view.external_id, view.customer_name) == ("telegram", "7", "Customer 7")
        assert (view.state, view.taken_by, view.first_touch_at) == (TaskState.TAKEN, 42, NOW + dt.timedelta(minutes=2))
        assert [t.id for t in await tasks.of_conversation(view.conversation_id)] == [task_id, again]
        events = await tasks.events_of_conversation(view.conversation_id)
        assert [e.line() for e in events[task_id]] == [
            "2026-11-30 10:00 UTC created: due 2026-11-30 12:00 UTC",
            "2026-11-30 10:02 UTC taken — Anna (Payments specialist)",
        ]
        assert [e.kind for e in events[again]] == ["created"]
        assert await tasks.get(10_000) is None
