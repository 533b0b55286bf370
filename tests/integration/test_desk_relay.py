"""What an agent writes in a topic and what of it reaches the customer (issue 18, items 1 and 7), on a real database
with a recording workspace: the relay's decisions without Telegram in between."""

from __future__ import annotations

from bot.policy.model import Reply
from bot.service.desk_relay import AgentMessage
from bot.storage.case_notes import CaseNoteRepository
from tests.integration.test_handoff_desk import Desk, desk, handed_off_at_two

__all__ = ["desk"]
"""The fixture, shared with the desk's own tests."""

MARTA, IVAN = 31, 32


async def test_a_colleagues_kept_words_stay_private_when_they_edit_them_after_taking_the_chat(desk: Desk) -> None:
    thread = await handed_off_at_two(desk)
    relay = desk.service.handoffs.relay
    aside = AgentMessage(IVAN, thread, 500, "Don't refund it or she gets paid twice")
    assert (await relay.from_agent(aside, desk.send)).privately is not None, "kept, and Ivan asked about taking over"
    await desk.service.handoffs.commands.run(IVAN, thread, "take", "", desk.send)
    desk.sent.clear()

    await relay.from_agent(AgentMessage(IVAN, thread, 500, "Don't refund it or she'd be paid twice", edited=True),
                           desk.send)

    assert [reply.text for _, reply in desk.sent if "refund" in reply.text] == [], "a note never reaches her"


async def test_the_owners_edit_of_a_message_the_customer_has_corrects_her_copy_in_place(desk: Desk) -> None:
    thread = await handed_off_at_two(desk)
    relay = desk.service.handoffs.relay
    sent: list[Reply] = []

    async def send(channel: str, external_id: str, reply: Reply) -> int:
        sent.append(reply)
        return 9000 + len(sent)

    await relay.from_agent(AgentMessage(MARTA, thread, 600, "Your refund left us on Monday."), send)

    await relay.from_agent(AgentMessage(MARTA, thread, 600, "Your refund left us on Tuesday.", edited=True), send)

    [first, edit] = sent
    assert "Monday" in first.text and "Tuesday" in edit.text and edit.edit_of == 9001


async def test_words_passed_on_after_a_colleague_took_the_chat_are_kept_for_the_team_not_sent(desk: Desk) -> None:
    thread = await handed_off_at_two(desk)
    await desk.service.handoffs.commands.run(IVAN, thread, "take", "", desk.send)
    desk.sent.clear()

    # The relay read Marta as the owner just before Ivan's /take committed, and passes her words on.
    note = await desk.service.handoffs.from_agent(MARTA, thread, "Marta here, I'm on it.", desk.send)

    assert desk.sent == [], "only the agent who has the chat now speaks to the customer"
    assert note == "Note kept for the team; not sent to the customer."
    async with desk.database.session() as session:
        kept = await CaseNoteRepository(session).of_conversation(1)
    assert [(n.author, n.text) for n in kept] == [("Marta", "Marta here, I'm on it.")]
