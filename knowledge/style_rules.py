"""The style rules for curated text, per language: what a reply must never say, and why.

Each rule is a list of patterns with the hint a trainer sees. They come from DESIGN.md
section 2: no stock placation, short sentences, plain words, no passive evasions, and no
commitment without a time. Patterns are matched case-insensitively on one text at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PhraseRule:
    name: str
    hint: str
    patterns: dict[str, tuple[str, ...]]
    """Per language, regular expressions; a match is a finding."""

    def compiled(self, language: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in self.patterns.get(language, ()))


STOCK_PHRASES = PhraseRule(
    "stock-phrase",
    "a stock phrase placates instead of hearing the customer; name their actual problem and, if an "
    "apology is due, apologise once for something specific",
    {
        "en": (r"\bapologi[sz]e for any inconvenience", r"\bsorry for (any|the) inconvenience", r"\binconvenience caused",
               r"\byour (call|message|business) is (very )?important to us", r"\bthank you for your patience",
               r"\bwe value your (business|custom|feedback)", r"\brest assured", r"\bplease be advised",
               r"\bwe regret any\b"),
        "ru": (r"приносим (свои )?извинения за (доставленные |причинённые )?неудобства", r"извините за (доставленные )?неудобства",
               r"за доставленные неудобства", r"ваш (звонок|запрос|вопрос) (очень )?важен для нас",
               r"спасибо за (ваше )?терпение", r"благодарим за (ваше )?терпение"),
        "pl": (r"przepraszamy za (wszelkie )?(niedogodności|utrudnienia)", r"za wszelkie niedogodności",
               r"(twoje|pana|pani) (połączenie|zgłoszenie) jest dla nas (bardzo )?ważne", r"dziękujemy za cierpliwość"),
        "zh": (r"给您带来(的)?不便", r"敬请谅解", r"您的(来电|问题)对我们(非常|很)?重要", r"感谢您的耐心(等待)?"),
    },
)

JARGON = PhraseRule(
    "jargon",
    "corporate or internal words; say it the way you would to a friend",
    {
        "en": (r"\bleverage\b", r"\butili[sz]e", r"\bticket\b", r"\bSLA\b", r"\bescalat", r"\bgoing forward\b",
               r"\bat this point in time\b", r"\bin accordance with\b", r"\bpursuant\b", r"\bper our policy\b",
               r"\baforementioned\b", r"\bdue to (technical|operational) reasons\b"),
        "ru": (r"\bв рамках\b", r"\bосуществл", r"\bданн(ый|ая|ое|ого|ой|ому|ом)\b", r"\bв целях\b", r"\bтикет",
               r"\bв соответствии с регламентом\b", r"\bэскалац", r"\bпо техническим причинам\b"),
        "pl": (r"\bw ramach\b", r"\bniniejsz", r"\bzgodnie z regulaminem\b", r"\bticket", r"\beskalac",
               r"\bz przyczyn technicznych\b", r"\bprzedmiotow(y|a|e|ego|ej)\b"),
        "zh": (r"工单", r"根据相关规定", r"\bSLA\b", r"升级处理", r"由于技术原因"),
    },
)

PASSIVE_EVASIONS = PhraseRule(
    "passive-evasion",
    "a passive that hides who acted; say plainly who did what (\"we made a mistake\")",
    {
        "en": (r"\b(mistakes|errors) (were|have been) made\b", r"\bit (was|has been) decided\b",
               r"\bwas (mis)?handled incorrectly\b", r"\bthe decision was made\b"),
        "ru": (r"\bбыл[аио]? допущен[аы]? ошибк", r"\bбыло принято решение\b", r"\bошибки были допущены\b"),
        "pl": (r"\b(popełniono|zostały popełnione) błęd", r"\bpodjęto decyzję\b", r"\bzostała podjęta decyzja\b"),
        "zh": (r"出现了(一些)?失误", r"已做出决定", r"相关错误已"),
    },
)

VAGUE_TIMES = PhraseRule(
    "vague-time",
    "a vague time is a promise nobody can check; give a concrete time ({deadline}) or a span (\"within 5 minutes\")",
    {
        "en": (r"\bsoon\b", r"\bshortly\b", r"\bas soon as possible\b", r"\basap\b", r"\bin due course\b",
               r"\bat (your|our) earliest\b", r"\bin a timely manner\b"),
        "ru": (r"\bскоро\b", r"\bв ближайшее время\b", r"\bкак можно скорее\b", r"\bв кратчайшие сроки\b"),
        "pl": (r"\bwkrótce\b", r"\bniebawem\b", r"\bjak najszybciej\b", r"\bw najbliższym czasie\b"),
        "zh": (r"尽快", r"稍后", r"近期", r"很快就"),
    },
)

PHRASE_RULES = (STOCK_PHRASES, JARGON, PASSIVE_EVASIONS, VAGUE_TIMES)

COMMITMENTS: dict[str, str] = {
    "en": r"\b(you'?ll|you will) (get|receive|hear)\b|\bwill (reply|respond|get back to you|call you|email you)\b",
    "ru": r"\b(получите|придёт вам|придет вам|ответит вам|ответим вам|перезвоним|пришлём вам|пришлем вам)\b",
    "pl": r"\b(dostaniesz|otrzymasz|odpowie ci|odpowiemy ci|oddzwonimy|wyślemy ci)\b",
    "zh": r"(会收到|会回复|会给您回电|会发给您)",
}
"""Sentences that commit to something happening for the customer: each needs a time."""
TIME_EVIDENCE: dict[str, str] = {
    "en": r"\{(new_)?deadline\}|\d|\b(today|tomorrow|minute|hour|day|week)s?\b",
    "ru": r"\{(new_)?deadline\}|\d|\b(сегодня|завтра)\b|минут|час|дн[ея]|недел",
    "pl": r"\{(new_)?deadline\}|\d|\b(dziś|dzisiaj|jutro)\b|minut|godzin|dni\b|tygodni",
    "zh": r"\{(new_)?deadline\}|\d|今天|明天|分钟|小时|天内|周内",
}
PROMISE_HINT = "this sentence commits to something without saying when; add {deadline} or a concrete span"

NEXT_STEP_MARKERS: dict[str, str] = {"en": "Now:", "ru": "Сейчас:", "pl": "Teraz:", "zh": "现在："}
"""A topic's next_step opens with what happens now, in the language's words."""
NEXT_STEP_HINT = "start next_step with what happens now ({marker} …), then what next and when"

MAX_SENTENCE_WORDS = 30
MAX_SENTENCE_CHARS_ZH = 60
"""Chinese has no spaces: about two characters to a word."""
LONG_SENTENCE_HINT = "split it: one idea a sentence reads faster on a phone"

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[。！？])|\n+")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def sentence_is_long(sentence: str, language: str) -> bool:
    if language == "zh":
        return len(re.sub(r"\s+", "", sentence)) > MAX_SENTENCE_CHARS_ZH
    return len(sentence.split()) > MAX_SENTENCE_WORDS
