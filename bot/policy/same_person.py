""""I'd like to talk to Marta again": a customer asking for the person who helped them before (pure).

Two ways to ask, in English, Russian, Polish and Chinese: without a name ("the same person", "the
agent I talked to", "тот же оператор", "ta sama osoba", "刚才那位客服"), meaning whoever had the
case last; or by an agent's name from the registry, which counts only beside words that ask for
someone ("talk to", "again", "снова", "znowu", "再找"), and only written as a name is (capitalised):
an agent called Will or May is not summoned by "I will" or "May I".
"""

from __future__ import annotations

import re

from bot.policy.handback import in_cyrillic, name_pattern

_SAME = re.compile(
    r"\b(the )?same (person|agent|guy|lady|woman|man|one|specialist|consultant|operator)\b"
    r"|\b(the )?(agent|person|guy|lady|woman|man|specialist|consultant|operator|one) (that |who )?i (talked|spoke|chatted|was talking|was speaking)( to| with)\b"
    r"|\b(тот же|та же|того же|той же|с тем же|с той же) (самый |самой )?(человек|оператор|сотрудник|специалист|консультант|агент|девушк)"
    r"|\b(с )?(кем|которым|которой) я (говорил|говорила|общался|общалась|разговаривал|разговаривала)\b"
    r"|\b(ta sama|tą samą|tę samą|tej samej|z tą samą|ten sam|tego samego|z tym samym) (osob|konsultant|pani|pan|agent)"
    r"|\bz (kim|którym|którą) (rozmawiałem|rozmawiałam|pisałem|pisałam)\b"
    r"|同一[个位](人|客服)?|刚才(那|的)(位|个)?(客服|人)|之前(那|的)(位|个)?(客服|人)|上次(那|的)(位|个)?(客服|人)",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"(?:\b(?:to|with|have|get|want|need|for|back)|(?<!\w)(?:с|со|к|позовите|позови|дайте|верните|соедините|хочу|z|ze|do|"
    r"poproszę|chcę))\s+$|(?:找|跟|和|让|请|要|给我)\s*$",
    re.IGNORECASE,
)
"""Just before the name, a word that asks for someone: "talk to Marta", "с Мартой", "z Martą", "找Li"."""
_AFTER = re.compile(
    r"^[\s,]*(?:again|back|please|once more|снова|опять|ещё раз|еще раз|пожалуйста|znowu|znów|ponownie|jeszcze raz|"
    r"proszę|再|回来)",
    re.IGNORECASE,
)
"""Just after the name, a word that asks for them again: "Marta again", "Марту снова", "Li再"."""
_SENTENCE = re.compile(r"[.!?。！？]\s*")


def asks_for_same_person(text: str, names: tuple[str, ...], previous: str | None) -> str | None:
    """The agent the customer asks for (one of ``names``), ``previous`` for "the same person", or None."""
    if previous is not None and _SAME.search(text):
        return previous
    for name in names:
        for pattern in {name_pattern(name), name_pattern(in_cyrillic(name))}:
            for sentence in _SENTENCE.split(text):
                for found in pattern.finditer(sentence):
                    if _BEFORE.search(sentence[:found.start()]) or _AFTER.search(sentence[found.end():]):
                        return name
    return None

