"""What a trainer sees before saving a wording edit: the whole reply a customer would read, in each language.

Pure decisions over plain data: the page passes the loaded pack, the text of each language (the
draft in place of the edited one), the shop profile's values and, where one exists, a real past
reply that used the text. A real reply is the best frame: the draft is put where the text stood,
with the values that customer saw. Without one, a topic's texts and the acknowledgements are
composed the way the bot composes a first answer (``compose_answer``); any other text is shown
on its own, and the page says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from bot.policy.compose import CLOSED_WITHOUT_SPACE, STRONG_SCORE, compose_answer
from bot.policy.deadlines import format_deadline
from bot.policy.wording_replay import PastReply
from knowledge import KnowledgePack, Topic, fill
from knowledge.fields import DETAIL_NAMES, TOPICS
from knowledge.preview_fill import CONTENT, PAST, SAMPLE, SAMPLES, SHOP, Piece, fill_pieces, joined
from knowledge.text_match import Use
from nlu.types import Emotion

MARK = "\u0000draft\u0000"
"""Stands in for the previewed text while the reply is composed around it."""
TOPIC_PARTS = {"answer": (Emotion.NEUTRAL, 0.0), "next_step": (Emotion.NEUTRAL, 0.0),
               "reassurance": (Emotion.ANXIETY, 0.5), "first_step": (Emotion.CONFUSION, 0.5)}
"""The feeling a first answer must meet for each part of a topic to be in it (reassurance only meets worry,
the first step only confusion)."""
DEADLINE_FIELDS = ("deadline", "new_deadline", "old_deadline")


@dataclass(frozen=True)
class WholeReply:
    """The reply around the previewed text: ``before``, the filled text (``pieces``), ``after``."""

    before: str
    pieces: tuple[Piece, ...]
    after: str
    how: str
    """Where the frame comes from, said for the trainer: a past conversation, a composed first answer, or none."""


@dataclass(frozen=True)
class LanguagePreview:
    language: str
    is_draft: bool
    text: str | None
    """The text in this language (the draft for the edited one); None when this language has none."""
    findings: tuple[str, ...]
    reply: WholeReply | None


@dataclass(frozen=True)
class Frame:
    before: str
    after: str
    how: str
    content: dict[str, str]
    """Values the content itself gives the text's fields (the topic's problem and owner)."""


def sample_moment(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A believable promised time for samples: 16:00 tomorrow in the shop's time zone."""
    local = now.astimezone(zone) + dt.timedelta(days=1)
    return local.replace(hour=16, minute=0, second=0, microsecond=0)


def language_samples(pack: KnowledgePack, language: str, moment: dt.datetime, zone: ZoneInfo) -> dict[str, str]:
    """The sample values in this language's own words where the pack has them (a promised time)."""
    if language not in pack.wording:
        return dict(SAMPLES)
    said = format_deadline(pack.wording[language], moment, zone)
    return {**SAMPLES, **dict.fromkeys(DEADLINE_FIELDS, said)}


def preview_language(table_path: str, language: str, text: str | None, findings: tuple[str, ...], is_draft: bool,
                     pack: KnowledgePack, shop: Mapping[str, str], samples: Mapping[str, str],
                     past: tuple[PastReply, Use] | None) -> LanguagePreview:
    """One language's column: its text filled in, inside the whole reply."""
    if text is None:
        return LanguagePreview(language, is_draft, None, findings, None)
    if past is not None:
        reply, use = past
        pieces = fill_pieces(text, [(PAST, use.values), (SHOP, shop), (SAMPLE, samples)])
        when = reply.sent_at.strftime("%Y-%m-%d %H:%M")
        whole = WholeReply(reply.text[:use.start], pieces, reply.text[use.end:],
                           f"in the reply sent in conversation #{reply.conversation_id} ({when}), with its values")
        return LanguagePreview(language, is_draft, text, findings, whole)
    frame = frame_for(table_path, pack, language, samples)
    pieces = fill_pieces(text, [(CONTENT, frame.content), (SHOP, shop), (SAMPLE, samples)])
    after = frame.after
    if joined(pieces).endswith(CLOSED_WITHOUT_SPACE) and after.startswith(" "):
        after = after[1:]  # as join_sentences does: no space after Chinese full-width punctuation
    return LanguagePreview(language, is_draft, text, findings, WholeReply(frame.before, pieces, after, frame.how))


def frame_for(table_path: str, pack: KnowledgePack, language: str, samples: Mapping[str, str]) -> Frame:
    """The reply the bot composes around the text at ``table_path``, with the text left as a gap."""
    alone = Frame("", "", "shown on its own: no past reply used it, and only a topic's texts and the "
                          "acknowledgements are composed into a sample reply here", {})
    if language not in pack.wording:
        return replace(alone, how="shown on its own: the shop profile does not serve this language")
    parts = table_path.split(".")
    if len(parts) == 3 and parts[0] == TOPICS and parts[2] in TOPIC_PARTS:
        topic = pack.topic(parts[1], language)
        if topic is None or all(t.id != parts[1] for t in pack.topics.get(language, ())):
            return replace(alone, how=f"shown on its own: there is no topic {parts[1]} in {language}")
        return _topic_frame(topic, parts[2], pack, language, samples)
    if len(parts) == 3 and parts[0] == "acknowledgements" and parts[1] in set(Emotion):
        topics = pack.topics.get(language, ())
        if topics:
            return _acknowledgement_frame(topics[0], Emotion(parts[1]), parts[2], pack, language, samples)
    return alone


def _topic_frame(topic: Topic, part: str, pack: KnowledgePack, language: str, samples: Mapping[str, str]) -> Frame:
    emotion, score = TOPIC_PARTS[part]
    wording = pack.wording[language]
    step = MARK if part == "next_step" else _step(topic, language, samples)
    marked = {"answer": replace(topic, answer=MARK), "reassurance": replace(topic, reassurance=MARK),
              "first_step": replace(topic, first_step=MARK)}.get(part, topic)
    composed = compose_answer(marked, wording, emotion, score, False, step, follow_up=topic.promises).text
    how = f"composed as the bot's first answer on topic {topic.id} to a customer who feels {emotion}, with sample values"
    return _split(composed, how, {"problem": topic.problem, "owner": topic.owner})


def _acknowledgement_frame(topic: Topic, emotion: Emotion, variant: str, pack: KnowledgePack, language: str,
                           samples: Mapping[str, str]) -> Frame:
    wording = pack.wording[language]
    again = variant == "again"
    score = STRONG_SCORE if variant == "strong" else 0.5
    feeling = dict(wording.acknowledgements.get(emotion, {}))
    feeling[variant if not again else "again"] = MARK
    marked = replace(wording, acknowledgements={**wording.acknowledgements, emotion: feeling})
    composed = compose_answer(topic, marked, emotion, score, again, _step(topic, language, samples),
                              follow_up=topic.promises).text
    how = (f"composed as the bot's first answer on topic {topic.id} to a customer who feels {emotion}"
           f"{' and was apologised to before' if again else ''}, with sample values")
    return _split(composed, how, {"problem": topic.problem, "owner": topic.owner})


def _step(topic: Topic, language: str, samples: Mapping[str, str]) -> str:
    values = {name: samples[name] for name in ("deadline", *DETAIL_NAMES) if name in samples}
    return fill(topic.next_step, f"{TOPICS}.{topic.id}.next_step", language, **values)


def _split(composed: str, how: str, content: dict[str, str]) -> Frame:
    before, found, after = composed.partition(MARK)
    if not found:  # the composition left the text out: say so rather than show a reply without it
        return Frame("", "", "shown on its own: a first answer does not include this text", {**content})
    return Frame(before, after, how, content)
