"""How a customer feels in the conversation so far, not in one message alone.

The model scores each message on its own, so "ok" after two angry messages reads calm and "great service, really"
after a complaint reads as praise. ``feelings_in_context`` reads the message with the customer's few earlier scored
messages (the caller picks them: up to ``CONTEXT_MESSAGES`` from the last ``CONTEXT_WINDOW``, oldest first) and
returns the scores the reply is decided on, with a reason a trainer can read. The per-message scores stay as they
were; both are stored and shown in the console.

The rules, on the model's 0–1 scale:

- A negative feeling (anger, anxiety, sadness) carries over with ``DECAY`` per message back: the previous message's
  score times 0.8, the one before times 0.64, and so on; the strongest carried value counts.
- A low-information message (an acknowledgement such as "ok", "ладно", "no dobrze", "好吧", or a message of at most
  ``SHORT_WORDS`` words with no question) says nothing new about the feeling, so it takes the carried value in full:
  context = max(own, carried). Any other message keeps most of its own reading: context = max(own, ``KEEP`` ×
  carried). Thanks that are meant ("thank you, that solved it") are new information: they keep their own reading.
- After a complaint (carried anger or sadness at least ``NOTABLE``), a positive-looking message with a sarcasm cue
  (nlu.asks ``ironic_praise``: "great service, really", "ну спасибо", "no super, dzięki", "真是太好了呵呵") or with
  words of a complaint of its own ("still nothing. This is a joke.") moves its positive score into anger, unless it
  says the problem is solved ("thank you, that solved it" stays positive).
- Neutral falls to at most ``1 − the strongest negative feeling in context`` when that feeling is notable.
- The first message of a conversation (no earlier ones) is read as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from nlu.asks import complains, ironic_praise, says_thanks
from nlu.signals import detect_signals
from nlu.types import SUPPORT_CLASSES, Analysis, Emotion, EmotionScores
from nlu.wording import found, patterns, plain

CONTEXT_MESSAGES = 3
"""How many earlier scored customer messages a message is read with."""
CONTEXT_WINDOW = dt.timedelta(minutes=30)
"""Earlier messages older than this say little about how the customer feels now."""
DECAY = 0.8
"""How much of a feeling carries to the next message; it compounds per message back."""
KEEP = 0.6
"""For a message that says something of its own: the share of the carried feeling that still counts."""
NOTABLE = 0.30
"""A carried feeling at or above this changes the reading (the agents' card names feelings from here too)."""
LABELLED = 0.5
"""A negative feeling at or above this in context is among the message's labels."""
SHORT_WORDS = 2
"""A message of at most this many words (Chinese: ``SHORT_HAN`` characters) and no question mark is low-information."""
SHORT_HAN = 3
NEGATIVE = (Emotion.ANGER, Emotion.ANXIETY, Emotion.SADNESS)
COMPLAINT = (Emotion.ANGER, Emotion.SADNESS)
"""Carried feelings that make praise read as sarcasm."""
COUNTS = {1: "the earlier message", 2: "the two earlier messages", 3: "the three earlier messages"}

_ACKNOWLEDGEMENTS = patterns(
    r"^((ok|okay|okey|k|kk|fine|sure|whatever|alright|all right|right|yeah|yes|yep|yup|hm+|mhm|i see|got it|noted|"
    r"understood|if you say so|as you say|fine whatever|ok then|ok fine|ok whatever|sure whatever)( then| i guess)? ?)+$",
    r"^((ну )?(ладно|ок|окей|хорошо|понятно|ясно|ага|угу|да|ну да|допустим|как скажете|ну и ладно|пусть так)"
    r"( тогда)? ?)+$",
    r"^((no )?(dobra|dobrze|okej|ok|jasne|rozumiem|aha|no tak|niech bedzie|skoro tak|trudno|zgoda)( to)? ?)+$",
    r"^(好吧|行吧|行|嗯+|哦+|好的?|知道了|明白了|那好吧|随便|随便吧|算是吧)+$",
)
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class FeelingsInContext:
    """The scores and labels the reply is decided on, and why they differ from the message's own ("" when not)."""

    scores: EmotionScores
    labels: tuple[str, ...]
    reason: str = ""

    @property
    def changed(self) -> bool:
        """The conversation changed the message's reading (the console then shows both)."""
        return bool(self.reason)

    def applied_to(self, analysis: Analysis) -> Analysis:
        """The message's analysis as the reply is decided on: these scores and labels, the rest as the model gave."""
        return replace(analysis, scores=self.scores, labels=self.labels)

    def as_json(self) -> dict[str, object]:
        return {"scores": self.scores.as_dict(), "labels": list(self.labels), "reason": self.reason}

    @classmethod
    def from_json(cls, value: dict[str, object]) -> FeelingsInContext | None:
        """The stored reading, or None for one that cannot be read (never a reason to fail a page or a turn)."""
        scores, labels, reason = value.get("scores"), value.get("labels"), value.get("reason", "")
        if not isinstance(scores, dict) or not isinstance(labels, list) or not isinstance(reason, str):
            return None
        try:
            values = {str(name): float(score) for name, score in scores.items() if name in SUPPORT_CLASSES}
        except (TypeError, ValueError):
            return None
        return cls(EmotionScores.from_mapping(values), tuple(str(label) for label in labels), reason)


def feelings_in_context(own: EmotionScores, labels: tuple[str, ...], text: str,
                        earlier: tuple[EmotionScores, ...]) -> FeelingsInContext:
    """The message's feelings read with the customer's earlier scored messages (oldest first)."""
    values = own.as_dict()
    earlier = earlier[-CONTEXT_MESSAGES:]
    reasons: list[str] = []
    carried = {name: _carried(name, earlier) for name in NEGATIVE}
    thanks = says_thanks(text) and not ironic_praise(text)
    full = is_low_information(text) and not thanks
    for name in NEGATIVE:
        value, sources = carried[name]
        taken = value if full else 0.0 if thanks else KEEP * value
        if value >= NOTABLE and taken > values[name] + 0.005:
            values[name] = taken
            reasons.append(f"{name} carried from {COUNTS[sources]}")
    complaint = max(carried[name][0] for name in COMPLAINT)
    if complaint >= NOTABLE and values[Emotion.POSITIVE] >= NOTABLE and (ironic_praise(text) or complains(text)) \
            and not detect_signals(text, ()).solved:
        values[Emotion.ANGER] = min(1.0, max(values[Emotion.ANGER], complaint, values[Emotion.POSITIVE]))
        values[Emotion.POSITIVE] = 0.0
        reasons.append("praise after a complaint read as sarcasm: its positive score counts as anger")
    strongest = max(values[name] for name in NEGATIVE)
    if reasons and strongest >= NOTABLE and values[Emotion.NEUTRAL] > 1.0 - strongest:
        values[Emotion.NEUTRAL] = round(1.0 - strongest, 4)
    scores = EmotionScores.from_mapping({name: round(value, 4) for name, value in values.items()})
    return FeelingsInContext(scores, _labels(labels, scores) if reasons else labels, "; ".join(reasons))


def is_low_information(text: str) -> bool:
    """An acknowledgement ("ok", "whatever", "ну ок", "no dobrze", "好吧") or a very short message with no question:
    it tells nothing new about how the customer feels."""
    words = plain(text)
    if not words or is_acknowledgement(text):
        return True
    if "?" in text or "？" in text:
        return False
    han = len(_HAN.findall(words))
    return han <= SHORT_HAN if han else len(words.split()) <= SHORT_WORDS


def is_acknowledgement(text: str) -> bool:
    """The whole message goes along with what was said and no more: "ok", "fine whatever", "ну ладно", "dobra",
    "好吧". Thanks and goodbyes are not acknowledgements."""
    return found(_ACKNOWLEDGEMENTS, plain(text))


def _carried(name: Emotion, earlier: tuple[EmotionScores, ...]) -> tuple[float, int]:
    """The strongest decayed value of one feeling, and how many earlier messages carry it notably."""
    decayed = [getattr(scores, name) * DECAY ** back for back, scores in enumerate(reversed(earlier), start=1)]
    if not decayed:
        return 0.0, 0
    return max(decayed), max(1, sum(value >= NOTABLE for value in decayed))


def _labels(own: tuple[str, ...], scores: EmotionScores) -> tuple[str, ...]:
    """The message's labels with what the context changed: carried feelings added, praise and calm dropped when
    the context took them away."""
    values = scores.as_dict()
    kept = {name for name in own if name not in (Emotion.POSITIVE, Emotion.NEUTRAL) or values[name] >= LABELLED}
    kept |= {name for name in NEGATIVE if values[name] >= LABELLED}
    return tuple(str(name) for name in Emotion if name in kept) or (str(scores.strongest()),)
