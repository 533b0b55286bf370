"""Cheap signals beside the model, in English, Russian, Polish and Chinese.

Word lists, not a model: they must work in degraded mode too, and each one is a reason a
person should look at the conversation sooner. Matching is on lower-cased text; Latin and
Cyrillic patterns need a word start, Chinese ones match anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ASKS_FOR_HUMAN = (
    r"\bhuman\b", r"\breal person\b", r"\bliving person\b", r"\blive (agent|person|chat)\b",
    r"\b(talk|speak|chat) (to|with) (a |an |your )?(person|someone|somebody|agent|manager|operator|human|people)\b",
    r"\boperator\b", r"\bcall me\b",
    r"\bоператор", r"\bживо(й|го|му) человек", r"\bс человеком\b", r"\bменеджер", r"\bсоедините\b", r"\bпозовите\b",
    r"\bkonsultant", r"\bz człowiekiem\b", r"\bżyw(a|ą|ej) osob", r"\bżywy człowiek", r"\boperator", r"\bpołącz(cie)? mnie\b",
    "人工", "真人", "转人工", "接线员", "找客服",
)
_URGENT = (
    r"\burgent", r"\basap\b", r"\bimmediately\b", r"\bright now\b", r"\bemergency\b",
    r"\bсрочно\b", r"\bнемедленно\b", r"\bсейчас же\b", r"\bкак можно скорее\b",
    r"\bpilne\b", r"\bpilnie\b", r"\bnatychmiast\b", r"\bjak najszybciej\b",
    "紧急", "马上", "立刻", "尽快", "急死",
)
_THREAT = (
    r"\blawyer", r"\bsue\b", r"\bsuing\b", r"\bcourt\b", r"\bpolice\b", r"\blegal action\b", r"\bchargeback\b",
    r"\bсуд\b", r"\bв суд\b", r"\bюрист", r"\bадвокат", r"\bполици", r"\bпрокуратур",
    r"\bprawnik", r"\bsąd", r"\bpozew\b", r"\bpozwę\b", r"\bpolicj",
    "律师", "起诉", "法院", "报警", "投诉你们",
)
_SELF_HARM = (
    r"\bkill myself\b", r"\bsuicid", r"\bend my life\b", r"\bwant to die\b", r"\bhurt myself\b", r"\bself[- ]harm",
    r"\bпокончить с собой\b", r"\bубить себя\b", r"\bсуицид", r"\bне хочу жить\b", r"\bхочу умереть\b",
    r"\bzabić się\b", r"\bzabije się\b", r"\bsamobój", r"\bnie chcę żyć\b", r"\bchcę umrzeć\b", r"\bskończyć ze sobą\b",
    "自杀", "不想活", "想死", "结束生命", "伤害自己",
)
_MONEY_LOST = (
    r"\bfraud", r"\bscam", r"\bstolen\b", r"\bstole\b", r"\bhacked\b", r"\bunauthori[sz]ed\b",
    r"\bsomeone (used|took|stole)\b", r"\bmoney (is |has )?(gone|lost|disappeared|vanished)\b", r"\blost my money\b",
    r"\bмошенни", r"\bукрал", r"\bукраден", r"\bвзлома", r"\bденьги (пропали|исчезли|украли)\b", r"\bбез моего ведома\b",
    r"\boszu(st|ka)", r"\bukradzion", r"\bukradł", r"\bwłama", r"\bpieniądze (zniknęły|przepadły)\b", r"\bbez mojej zgody\b",
    "诈骗", "被盗", "盗刷", "钱不见了", "被骗", "钱没了",
)
_SOLVED = (
    r"\b(that|this|it|which) (solved|fixed|sorted|helped)\b", r"\bproblem solved\b", r"\b(it|everything) works( now)?\b",
    r"\bworks now\b", r"\ball (good|sorted|set|fine) now\b", r"\bsorted now\b", r"\bthat'?s all\b", r"\bno more questions\b",
    r"\bgot it,? thanks?\b",
    r"\bвсё работает\b", r"\bвсе работает\b", r"\bзаработало\b", r"\bпомогло\b", r"\bвопрос решён\b", r"\bвопрос решен\b",
    r"\bпроблема решена\b", r"\bразобрал(ся|ась)\b", r"\bбольше вопросов нет\b",
    r"(?<!nie )\bdziała( już)?\b", r"\bpomogło\b", r"\bproblem rozwiązany\b", r"\bsprawa załatwiona\b",
    r"\bwszystko jasne\b", r"\bnie mam więcej pytań\b",
    "解决了", "可以了", "没问题了", "好了谢谢", "好了，谢谢", "没有其他问题",
)
_NOT_SOLVED = (
    r"(\bnot\b|n't\b|\bnever\b|\bstill\b).{0,20}\b(work|solved|fixed|sorted|arrived|help)", r"\bне\s+(работает|помогло|пришл|получил|решен)",
    r"\bещё не\b", r"\bеще не\b", r"\bnie (działa|pomogło|doszł|dotarł)", r"\bwciąż nie\b", r"\bnadal nie\b",
    "没解决", "还没", "没有解决", "不可以", "没收到", "没到",
)
_CONFUSED = (
    r"\b(don'?t|do not|doesn'?t|can'?t|cannot) (understand|get it|follow|figure)", r"\bconfus", r"\bno idea\b",
    r"\bwhat does .{1,40} mean\b", r"\bmakes no sense\b", r"\bi'?m lost\b", r"\bnot sure (what|how|where)\b",
    r"\bdon'?t know (what|how|where)\b", r"\bunclear\b",
    r"\bне понима", r"\bнепонятно\b", r"\bзапутал", r"\bне разобрал", r"\bне знаю,? (как|что|где)\b", r"\bчто значит\b",
    r"\bnie rozumiem\b", r"\bniejasne\b", r"\bnie wiem,? (jak|co|gdzie)\b", r"\bco to znaczy\b", r"\bpogubił",
    r"\bzagubion",
    "不明白", "看不懂", "搞不懂", "不懂", "不知道怎么", "不知道该", "什么意思", "糊涂", "搞不清",
)
REPEAT_SIMILARITY = 0.7
REPEAT_LOOKBACK = 3


SENSITIVE_SIGNALS = frozenset({"self_harm", "threat", "money_lost"})
"""Signals about a person's safety, a legal threat or lost money: never named in a log line."""


@dataclass(frozen=True)
class Signals:
    asks_for_human: bool = False
    urgent: bool = False
    threat: bool = False
    self_harm: bool = False
    repeated_question: bool = False
    solved: bool = False
    confused: bool = False
    money_lost: bool = False
    """Fraud, theft or money gone: a sensitive topic that a person should handle."""

    def raised(self) -> tuple[str, ...]:
        """Names of the signals that are present, in a fixed order."""
        return tuple(name for name, present in vars(self).items() if present)

    def for_logs(self) -> str:
        """The raised signals as a log line may show them next to a conversation id: sensitive ones only counted."""
        raised = self.raised()
        shown = [name for name in raised if name not in SENSITIVE_SIGNALS]
        withheld = len(raised) - len(shown)
        return ",".join([*shown, *([f"{withheld} sensitive"] if withheld else [])]) or "-"


def detect_signals(text: str, earlier_customer_texts: tuple[str, ...] = ()) -> Signals:
    lowered = text.lower()
    return Signals(
        asks_for_human=_any(_ASKS_FOR_HUMAN, lowered),
        urgent=_any(_URGENT, lowered),
        threat=_any(_THREAT, lowered),
        self_harm=_any(_SELF_HARM, lowered),
        repeated_question=any(
            similarity(lowered, earlier.lower()) >= REPEAT_SIMILARITY
            for earlier in earlier_customer_texts[-REPEAT_LOOKBACK:]
        ),
        solved=_any(_SOLVED, lowered) and not _any(_NOT_SOLVED, lowered),
        confused=_any(_CONFUSED, lowered),
        money_lost=_any(_MONEY_LOST, lowered),
    )


def similarity(first: str, second: str) -> float:
    """Overlap of word sets (character pairs for Chinese) relative to the shorter text.

    Relative to the shorter one, so a question asked again with a few more words
    ("... really, where is it?") still counts; 0 for texts too short to judge.
    """
    a, b = _tokens(first), _tokens(second)
    if len(a) < 3 or len(b) < 3:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _tokens(text: str) -> set[str]:
    han = re.findall(r"[\u4e00-\u9fff]", text)
    if len(han) >= 3:
        return {han[i] + han[i + 1] for i in range(len(han) - 1)}
    return set(re.findall(r"\w+", text))


def _any(patterns: tuple[str, ...], text: str) -> bool:
    return any(re.search(pattern, text) for pattern in patterns)
