"""The conversation figures count a re-asked detail as forgetting, unless the shop just refused it as proof."""

from __future__ import annotations

from bot.policy.model import Case, Move, Reply
from bot.service.script_figures import figures_of
from bot.service.scripted import Expectation, Script, ScriptResult, ScriptTurn, TurnResult

HELD = Case("double_charge", (("order_ref", "50006"), ("contact", "a@example.com")))


def played(after: Case, text: str) -> ScriptResult:
    turns = (ScriptTurn("charged twice for #50006, a@example.com", Expectation()),
             ScriptTurn("b@example.com", Expectation()))
    return ScriptResult(Script("s", "s.yaml#1", turns), (
        TurnResult(turns[0].customer, Reply(Move.ANSWER, "first"), "en", (), HELD),
        TurnResult(turns[1].customer, Reply(Move.ASK_DETAIL, text), "en", (), after),
    ))


def test_asking_again_for_a_detail_the_case_holds_counts_as_ignoring_the_turn_before() -> None:
    assert figures_of([played(Case(**{**HELD.__dict__, "awaiting": "contact"}), "which email?")]) \
        .ignored_previous_turn == 1


def test_asking_again_for_a_contact_the_shop_did_not_match_is_the_proof_working() -> None:
    refused = Case("double_charge", (("order_ref", "50006"),), awaiting="contact", failed_proofs=1)
    assert figures_of([played(refused, "I can't find order #50006 with that email")]).ignored_previous_turn == 0
