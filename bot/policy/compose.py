"""Composing an answer from curated parts, shaped by how the customer feels.

Every answer is: an acknowledgement that names the customer's problem and meets their
feeling, the substance, and — when something stays open — what happens now, next and when.
The order and the parts change with the emotion (DESIGN.md section 2):

- anxiety: reassuring facts first, then the answer and the concrete time;
- anger: a plain admission, then the concrete action before any explanation;
- confusion: one numbered step, nothing more;
- sadness, neutral, positive: the answer and the next step.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge import Topic, Wording, fill
from nlu.types import Emotion

STRONG_SCORE = 0.75
APOLOGISING = frozenset({(Emotion.ANGER, "mild"), (Emotion.ANGER, "strong")})


@dataclass(frozen=True)
class Composed:
    text: str
    apologised: bool
    """True when this answer apologised; later answers in the conversation then do not repeat it."""


def intensity(score: float) -> str:
    return "strong" if score >= STRONG_SCORE else "mild"


def compose_answer(
    topic: Topic,
    wording: Wording,
    emotion: Emotion,
    score: float,
    apologised_before: bool,
    step: str,
    extras: tuple[str, ...] = (),
    opening: tuple[str, ...] = (),
    follow_up: bool = False,
    explain: bool = True,
) -> Composed:
    """The first answer on a case. ``step`` is what happens now (the filled next step, or the question
    for a detail the case still needs); ``follow_up`` adds the promise to check before the time;
    ``extras`` are announcements (gestures) placed after the step; ``opening`` goes before the
    acknowledgement in the first paragraph (an introduction). ``explain`` False leaves out what the
    customer was already told (the topic's answer and reassurance), so no paragraph comes twice."""
    variant = intensity(score)
    if emotion is Emotion.ANGER and apologised_before:
        variant = "again"
    acknowledgement = fill(wording.acknowledgement(emotion, variant), f"acknowledgements.{emotion}.{variant}",
                           wording.language, problem=topic.problem, owner=topic.owner)
    first = join_sentences(*opening, acknowledgement)
    then = join_sentences(step, *((wording.follow_up,) if follow_up else ()))
    if not explain:
        body: tuple[str, ...] = (then, *extras)
    elif emotion is Emotion.CONFUSION:
        body = (fill(wording.single_step, "single_step", wording.language, step=topic.first_step),)
    elif emotion is Emotion.ANXIETY:
        body = (join_sentences(topic.reassurance, topic.answer), then, *extras)
    elif emotion is Emotion.ANGER:
        body = (then, *extras, topic.answer)
    else:
        body = (topic.answer, then, *extras)
    apologised = (emotion, variant) in APOLOGISING
    return Composed("\n\n".join(part for part in (first, *body) if part), apologised)


CLOSED_WITHOUT_SPACE = ("。", "！", "？", "：", "；", "）")
"""Chinese punctuation ends a sentence without a space after it."""


def join_sentences(*sentences: str) -> str:
    """Sentences of one paragraph: a space between them, none after Chinese full-width punctuation."""
    text = ""
    for sentence in (s for s in sentences if s):
        text += sentence if not text or text.endswith(CLOSED_WITHOUT_SPACE) else f" {sentence}"
    return text
