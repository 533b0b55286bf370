"""How the customer feels, in words an agent reads at a glance: "very worried, not easing"; "angry, calming down".

Pure function over the recent (anger, anxiety) scores of the customer's messages, oldest first. Raw scores
("anxiety 0.99 → 0.99") ask the agent to do arithmetic in the middle of a shift; words with a trend do not.

The card reads the scores in context (bot/policy/feelings_in_context.py), not each message's own: the agent
takes over a conversation, not a message. Own scores would tell the agent a customer who wrote "ok" after two
angry messages is "calmer now (was very angry)", and one who wrote "great service, really" after a complaint is
calm; in context they read "angry, not calming down", which is what the agent walks into. A customer who really
calms down ("thank you, that solved it", a plain new question) keeps their own, calmer reading, so the trend
still shows easing. The bot decided its replies and the handoff on the same scores, so the card and the reason
for the handoff agree. Trainers see both in the console.

Thresholds, on the model's 0–1 scale, for the latest message of the window:

- below ``NOTABLE`` (0.30) a feeling is not named at all;
- from ``NOTABLE``: "a little worried" / "annoyed";
- from ``STRONG`` (0.60): "worried" / "angry";
- from ``VERY`` (0.85): "very worried" / "very angry".

The trend compares the latest score with the first of the window: a drop of at least ``CHANGE`` (0.15)
is easing ("easing" / "calming down"), a rise of at least ``CHANGE`` is growing ("growing" /
"getting angrier"), anything between is "not easing" / "not calming down" for a strong feeling and
"steady" otherwise. A feeling that was strong earlier in the window but fell below ``NOTABLE`` reads
"calmer now (was very angry)". With one scored message there is no trend to tell.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTABLE = 0.30
STRONG = 0.60
VERY = 0.85
CHANGE = 0.15


@dataclass(frozen=True)
class _Feeling:
    index: int
    """Where the feeling sits in an (anger, anxiety) pair."""
    levels: tuple[str, str, str]
    """Its words from NOTABLE, STRONG and VERY."""
    easing: str
    holding: str
    growing: str


ANGER = _Feeling(0, ("annoyed", "angry", "very angry"), "calming down", "not calming down", "getting angrier")
ANXIETY = _Feeling(1, ("a little worried", "worried", "very worried"), "easing", "not easing", "growing")


def feelings_in_words(trajectory: tuple[tuple[float, float], ...]) -> str:
    """The customer's feelings as words with their trend, the stronger one first; "calm" when nothing stands out."""
    if not trajectory:
        return "not known (no message the model could read)"
    described = [(max(turn[feeling.index] for turn in trajectory), _describe(feeling, trajectory))
                 for feeling in (ANXIETY, ANGER)]
    words = [text for _, text in sorted(described, key=lambda pair: -pair[0]) if text]
    return "; ".join(words) or "calm"


def level_word(feeling: _Feeling, score: float) -> str:
    """The feeling's word at this score, or "" below NOTABLE."""
    if score >= VERY:
        return feeling.levels[2]
    if score >= STRONG:
        return feeling.levels[1]
    return feeling.levels[0] if score >= NOTABLE else ""


def _describe(feeling: _Feeling, trajectory: tuple[tuple[float, float], ...]) -> str:
    values = [turn[feeling.index] for turn in trajectory]
    latest, first, peak = values[-1], values[0], max(values)
    now = level_word(feeling, latest)
    if not now:
        was = level_word(feeling, peak)
        return f"calmer now (was {was})" if peak >= STRONG else ""
    if len(values) < 2:
        return now
    if latest - first <= -CHANGE:
        trend = feeling.easing
    elif latest - first >= CHANGE:
        trend = feeling.growing
    else:
        trend = feeling.holding if latest >= STRONG else "steady"
    return f"{now}, {trend}"
