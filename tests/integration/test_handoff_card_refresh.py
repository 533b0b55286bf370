"""The pinned card follows the case on a real database: a customer's new words, a team's task changing, an agent's
private note; and a photo sent before the handoff is copied under the card, once."""

from __future__ import annotations

import datetime as dt

from bot.policy.model import CustomerTurn, TurnKind
from bot.storage.case_notes import CaseNoteRepository
from bot.storage.handoffs import HandoffRepository
from tests.integration import test_handoff_desk
from tests.integration.task_data import new_task
from tests.integration.test_handoff_desk import CUSTOMER, MONDAY_10, Desk

desk = test_handoff_desk.desk
"""The handoff desk's fixture: a real database, a recording workspace, a clock the test moves."""

PHOTO_ID = 4242
PHOTO = CustomerTurn(TurnKind.NON_TEXT, text="", content_type="photo")


async def handed_off_with_a_photo(desk: Desk) -> int:
    """Olga sends a photo, then asks for a person while Marta is on shift; returns the handoff's id."""
    desk.clock[0] = MONDAY_10.replace(hour=14)
    await desk.service.handle(CUSTOMER, PHOTO, PHOTO_ID)
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="My parcel came broken. Let me speak to a human"))
    async with desk.database.session() as session:
        handoff = await HandoffRepository(session).open_for(1)
    assert handoff is not None and handoff.thread_id is not None
    return handoff.id


async def test_a_photo_sent_before_the_handoff_is_listed_and_copied_under_the_card_once(desk: Desk) -> None:
    await handed_off_with_a_photo(desk)

    [(thread, card)] = desk.workspace.posts
    assert "Sent before the handoff (copied below this card): photo" in card
    assert desk.workspace.copies == [(thread, 700, PHOTO_ID)]
    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Hello? Anyone?"))
    assert desk.workspace.copies == [(thread, 700, PHOTO_ID)], "copied once, not on every change"


async def test_a_new_customer_message_shows_on_the_card(desk: Desk) -> None:
    await handed_off_with_a_photo(desk)

    await desk.handle(CustomerTurn(TurnKind.TEXT, text="Hello? Is anybody there?"))

    [*_, (card_id, text)] = desk.workspace.edits
    assert card_id == 1 and "“Hello? Is anybody there?”" in text
    assert "Status: with Marta" in text and "First reply due by 14:15 UTC" in text


async def test_a_teams_task_and_an_agents_note_show_on_the_card(desk: Desk) -> None:
    handoff_id = await handed_off_with_a_photo(desk)
    now = desk.clock[0]
    async with desk.database.session() as session:
        task_id = await new_task(session, "700", "warehouse", now + dt.timedelta(hours=4), now)
    await desk.service.tasks.cards.refresh(task_id)  # what every change of a task ends with
    await desk.service.handoffs.wait_for_background()
    assert f"Task #{task_id} warehouse (double_charge): open" in desk.workspace.edits[-1][1]

    async with desk.database.session() as session:
        await CaseNoteRepository(session).add(1, handoff_id, 31, "Marta", "She has the box; ask for a photo of the label",
                                              now)
    desk.service.handoffs.cards.refresh_soon(handoff_id)
    await desk.service.handoffs.wait_for_background()
    assert "Agents' notes (private):\n  Marta, 14:00 UTC: She has the box; ask for a photo of the label" in (
        desk.workspace.edits[-1][1])
