"""The customer hears one correct "who and when" per change of owner: start → queue check → /take."""

from __future__ import annotations

from bot.policy.model import CustomerTurn, Move, TurnKind
from tests.integration.test_handoff_desk import MONDAY_10, Desk, desk

__all__ = ["desk"]
"""The fixture, shared with the desk's other service-level tests."""

MARTA, IVAN = 31, 32


async def test_start_queue_check_and_take_tell_the_customer_once_per_change_of_owner(desk: Desk) -> None:
    reply = await desk.handle(CustomerTurn(TurnKind.TEXT, text="I want to talk to a real person"))
    assert reply is not None and reply.move is Move.HAND_OFF and "Marta" in reply.text and "13:15" in reply.text
    [(thread, _)] = desk.workspace.posts

    desk.clock[0] = MONDAY_10.replace(hour=13, minute=0)
    assert await desk.service.handoffs.assign_queued(desk.send) == 1
    assert desk.sent == [], "told 'Marta, by 13:15' already: Marta taking it at 13:00 is nothing new"
    assert desk.workspace.posts[-1] == (thread, "Assigned to Marta; the customer was told.")

    await desk.service.handoffs.commands.run(MARTA, thread, "take", "", desk.send)
    assert await desk.service.handoffs.assign_queued(desk.send) == 0
    assert desk.sent == [], "a repeat with the same owner says nothing new"

    await desk.service.handoffs.commands.run(MARTA, thread, "transfer", "Ivan --anyway", desk.send)
    [(_, moved)] = desk.sent
    assert "Ivan" in moved.text and "13:15" in moved.text, "one message for the one real change"
