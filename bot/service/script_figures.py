"""Figures over played conversation scripts: what issue 15 asks a support lead to watch.

Counted from what the bot actually said and stored in each turn, never from the scripts' own
expectations alone: order references the customer gave and the bot kept and named, endings
recognised, handoffs nobody asked for, replies that ignored the turn before, reply length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.policy.details import DEFAULT_READER
from bot.policy.model import Case, Move
from bot.service.scripted import ScriptResult
from nlu.intents import Intent, read_intent

ENDING_MOVES = frozenset({Move.END, Move.CLOSE})
QUESTION_MOVES = frozenset({Move.ASK_DETAIL, Move.CLARIFY})


@dataclass
class ScriptFigures:
    order_refs_given: int = 0
    order_refs_kept: int = 0
    """The case held the reference after the turn."""
    order_refs_named: int = 0
    """The reply named it, or went on to the next detail it needed (naming it when it commits)."""
    endings: int = 0
    endings_recognised: int = 0
    handoffs: int = 0
    unnecessary_handoffs: int = 0
    """Handoffs on a turn whose script did not ask for one."""
    ignored_previous_turn: int = 0
    """Replies that asked again for a detail the case already held (unless the shop just refused it as proof), or
    repeated the bot's previous reply word for word."""
    replies: int = 0
    length: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    """Reply lengths per language: words, or characters for Chinese."""

    def lines(self) -> list[str]:
        averages = ", ".join(f"{language} {sum(values) / len(values):.0f} {'characters' if language == 'zh' else 'words'}"
                             for language, values in sorted(self.length.items()) if values)
        return [
            (f"order references given: {self.order_refs_given}; kept in the case: {self.order_refs_kept}; "
             f"named or built on in the reply: {self.order_refs_named}"),
            f"endings (thanks, ok, bye): {self.endings}; recognised: {self.endings_recognised}",
            f"handoffs: {self.handoffs}; unnecessary: {self.unnecessary_handoffs}",
            f"replies that ignore the previous turn: {self.ignored_previous_turn} of {self.replies}",
            f"average reply length: {averages or 'no replies'}",
        ]


def figures_of(results: list[ScriptResult]) -> ScriptFigures:
    figures = ScriptFigures()
    for result in results:
        before = Case()
        previous_text = ""
        for turn, expected in zip(result.turns, result.script.turns, strict=True):
            after = turn.case or before
            reply = turn.reply
            ref = DEFAULT_READER.find("order_ref", turn.customer)
            if ref is not None:
                figures.order_refs_given += 1
                figures.order_refs_kept += after.value("order_ref") == ref
                figures.order_refs_named += reply is not None and (
                    ref in reply.text or (reply.move is Move.ASK_DETAIL and after.awaiting != "order_ref"))
            if not expected.photo and read_intent(turn.customer) is Intent.THANKS:
                figures.endings += 1
                figures.endings_recognised += reply is not None and reply.move in ENDING_MOVES
            if reply is None:
                before = after
                continue
            figures.replies += 1
            if reply.move is Move.HAND_OFF:
                figures.handoffs += 1
                figures.unnecessary_handoffs += expected.expect.handoff is not True
            # Asking again for a contact the shop did not match to the order is the proof working, not forgetting.
            asked_again = (reply.move is Move.ASK_DETAIL and after.awaiting is not None and before.value(after.awaiting)
                           and after.failed_proofs == before.failed_proofs)
            figures.ignored_previous_turn += bool(asked_again) or reply.text == previous_text
            figures.length[turn.language].append(len(reply.text) if turn.language == "zh" else len(reply.text.split()))
            before, previous_text = after, reply.text
    return figures
