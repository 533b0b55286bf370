"""An article, in each language it has, as a draft topic in the pack's shape, and what the linter finds in it.

The article gives the title, the answer and the example questions; what an article does not say
(who owns the problem, a reassurance, a first and a next step) comes from the pack's ``drafts``
wording in the same language, for a trainer to rewrite where it does not fit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from knowledge.editing import findings_for
from knowledge.filling import fill
from knowledge.importing.articles import Article, plain, questions_in, slug
from knowledge.pack import TOPIC_TEXT_FIELDS, Topic, Wording
from knowledge.style_rules import sentences

ID_PREFIXES = {"markdown": "md", "csv": "csv", "html": "html", "zendesk": "zendesk"}
ANSWER_SENTENCES = 3
"""The answer is the article's opening, this many sentences at most: the bot's reply stays short, and the
article's address follows for the rest."""


@dataclass(frozen=True)
class DraftFinding:
    language: str
    part: str
    rule: str
    message: str
    hint: str


def draft_id(article: Article) -> str:
    """Stable from the source and the article's own id, and usable as a topic id."""
    base = slug(article.article_id)
    if not base or len(base) >= 40:
        digest = hashlib.sha1(article.article_id.encode()).hexdigest()[:8]
        base = f"{base[:30]}_{digest}".strip("_")
    return f"{ID_PREFIXES[article.source]}_{base}"


def topic_entry(topic: Topic) -> dict[str, object]:
    """One language's words of a topic as ``<language>/topics.yaml`` lists them."""
    return {"id": topic.id, **{name: getattr(topic, name) for name in TOPIC_TEXT_FIELDS},
            "examples": list(topic.examples), "keywords": list(topic.keywords), "promised": topic.promised}


def draft_texts(article: Article, wording: Wording) -> Topic:
    """One language's words of the article's draft topic; an imported topic promises nothing."""
    language, words = article.language, wording.drafts
    between = "" if language == "zh" else " "
    said = _opening(article)
    first_step = (fill(words.first_step, "drafts.first_step", language, link=article.url) if article.url
                  else said[0] if said else article.title)
    if article.url:
        said.append(fill(words.more, "drafts.more", language, link=article.url))
    answer = between.join(said)
    keywords = tuple(dict.fromkeys(tag.lower().replace("_", " ").replace("-", " ") for tag in article.tags))
    return Topic(
        id=draft_id(article), problem=fill(words.problem, "drafts.problem", language, title=article.title.rstrip("?？ ")),
        owner=words.owner, examples=questions_in(article), keywords=keywords or (article.title.lower().rstrip("?？ "),),
        answer=answer or article.title, reassurance=words.reassurance, first_step=first_step,
        next_step=words.next_step,
    )


def draft_findings(topic_id: str, texts: dict[str, Topic]) -> list[DraftFinding]:
    """The console's checks of each text, as if each were saved into ``topics.yaml``."""
    return [DraftFinding(language, part, finding.rule, finding.message, finding.hint)
            for language, words in sorted(texts.items()) for part in TOPIC_TEXT_FIELDS
            for finding in findings_for("topics.yaml", f"{topic_id}.{part}", getattr(words, part), language)]


def _opening(article: Article) -> list[str]:
    said: list[str] = []
    for paragraph in article.paragraphs:
        for sentence in sentences(paragraph):
            if len(said) == ANSWER_SENTENCES:
                return said
            said.append(plain(sentence))
    return said
