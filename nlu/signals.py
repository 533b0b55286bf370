"""Cheap signals beside the model, in English, Russian, Polish and Chinese.

Word lists, not a model: they must work in degraded mode too, and each one is a reason a
person should look at the conversation sooner. Matching is on the plain form of the text
(nlu.wording: lower case, no punctuation, Polish letters without marks); Latin and Cyrillic
patterns need a word start, Chinese ones match anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.asks import is_request, is_sarcastic
from nlu.intents import without_bot_questions
from nlu.wording import found, patterns, plain

_PERSON = r"(a |an |the |some |your |one of your )?(real |actual |live |living |human |proper )?" \
          r"(person|human( being)?|" \
          r"someone|somebody|anyone|anybody|agent|manager|supervisor|operator|representative|rep|staff( member)?|" \
          r"employee|team member|people|advisor|adviser|specialist|consultant|boss|customer (service|support)|" \
          r"support (agent|team|staff))" \
          r"(?! (code|number|id|login|portal|account|app|error|nature|rights|name|details))\b"
_FROM = r"( from (the |your |you )?\w+( \w+)?)?"
_PERSON_RU = r"(человек\w*|оператор\w*|менеджер\w*|специалист\w*|сотрудник\w*|консультант\w*|людьми|людям|" \
             r"кем ?(то|нибудь)|руководител\w*|начальств\w*|начальник\w*|старш\w*|администратор\w*|поддержк\w*|" \
             r"живым|живого)"
_PERSON_PL = r"(czlowiek\w*|konsultant\w*|pracownik\w*|kierownik\w*|menedzer\w*|manager\w*|operator\w*|" \
             r"przelozon\w*|osob(a|e|y|ie)\b|ludzmi|agent(em|a)?\b|doradc\w*|specjalist\w*|kims|kogos|szef\w*|" \
             r"zyw(a|ym|ego|ej|y)\b)"
_ASKS_FOR_HUMAN = patterns(
    rf"\b(talk|speak|chat|communicate) (to|with) {_PERSON}", rf"\b(get|give|bring|find) me {_PERSON}",
    rf"\b(put|transfer|connect|pass|forward|escalate|hand) (me|this|it|my (case|issue|question))( over| through| on)? "
    rf"(to|with) {_PERSON}", r"\b(transfer|connect) me\b", r"\bescalate\b",
    r"\bwhere (is|are) (the |a |your )?(human|agent|person|operator|people|staff|manager)\b",
    rf"\b(i|we) (want|need|would like|d like|demand|require|d rather have|would rather have) {_PERSON}",
    rf"\b(can|could|may|will|would) {_PERSON}{_FROM}( please)? (look|check|help|call|ring|phone|contact|reply|respond|"
    r"handle|deal|"
    r"review|see|get back|email|take a look|sort)\b",
    rf"\b(is there|isnt there|are there|is) (anyone|anybody|someone|somebody|a (real |actual )?(person|human))"
    rf"( real| human| else| actually)?( there| here)?{_FROM}( (that|who|whom))? (i|we) (can|could|may) (actually )?"
    r"(talk|speak|chat|write)\b",
    rf"\b(let|have|get) {_PERSON}{_FROM} (call|contact|email|look|check|review|help|get back|reach out|phone)",
    r"\bstop (the|this|being a) bot\b", r"\bno more (bots?|robots?|automated)\b",
    r"\b(dont|do not) want (to talk to )?(a|the|this|your) (bot|robot|machine|chatbot)\b",
    r"\bhuman\b(?! (error|rights|nature))", r"\breal (person|human|people)\b", r"\blive (agent|person|chat|support)\b",
    r"\bliving person\b",
    r"(^|\b(can|could|pls|please|you|just|someone|somebody|then) )(call|phone|ring) me( back)?\b",
    r"^(agent|operator|manager|supervisor|representative|person|someone|a person|customer service)"
    r"( please| now| pls)*$",
    rf"\b(поговорить|говорить|общаться|пообщаться|связаться|переписываться|разговаривать|поговорю|пообщаюсь|"
    rf"соедините|свяжите|переключите|переведите|подключите|соединить|связать|переключить|перевести|подключить)\b"
    rf".{{0,30}}\b{_PERSON_RU}",
    r"\b(позовите|позови|позвать|давайте|дайте|дай|нужен|нужна|хочу|требую|прошу|пусть|зовите|пригласите)\b"
    r".{0,25}\b(живого |"
    r"настоящего |реального )?(человека|оператора|менеджера|специалиста|сотрудника|консультанта|руководителя|"
    r"начальника|старшего|администратора|человек|оператор|менеджер|специалист|сотрудник|консультант|руководитель|"
    r"начальник|кто ?(то|нибудь)|кого ?(то|нибудь))\b",
    r"\b(живо(й|го|му|м)|жив(ым|ые|ых)|настоящ(ий|его|им)|реальн(ый|ого|ым)) (человек|люд|оператор|сотрудник)\w*",
    r"\bс кем (можно|могу|я могу|бы) (поговорить|пообщаться|связаться)\b",
    r"\b(хватит|достал|надоел|надоело|не хочу)\w*\b.{0,20}\b(с )?(бот|робот)\w*",
    r"\b(передайте|передай|перешлите|эскалируйте)\b.{0,30}\b(человек|оператор|сотрудник|специалист|менеджер|"
    r"руководител|людям)\w*",
    r"\b(может|могут|могли бы|мог бы)\b.{0,20}\b(специалист|сотрудник|человек|оператор|менеджер|кто ?(то|нибудь))\w*"
    r".{0,20}\b(посмотреть|проверить|помочь|разобраться|ответить|связаться|перезвонить|позвонить|глянуть)",
    r"^(оператор|оператора|человек|человека|живого человека|менеджер|менеджера|специалиста|сотрудника)"
    r"( пожалуйста| срочно| быстро)*$",
    r"\b(хочу|нужно|надо) к (оператору|человеку|менеджеру|специалисту|сотруднику|консультанту)\b",
    r"\bкто ?(то |нибудь )?(живой|из людей)\b",
    r"\bгде (тут |здесь )?(оператор|менеджер|живой человек|человек|сотрудник|специалист|консультант)\b",
    r"\bсоедините\b", r"\bпозовите\b", r"\bперезвоните( мне)?\b", r"\b(позвоните|наберите) мне\b",
    rf"\b(rozmawiac|porozmawiac|pogadac|pogadam|porozmawiam|pomowic|polaczyc|polacz|polaczcie|przelacz|przelaczcie|"
    rf"przelaczyc|skontaktowac|skontaktujcie|kontakt|wolal(a)?bym)\b.{{0,25}}\b{_PERSON_PL}",
    r"\b(chce|potrzebuje|prosze o|poprosze|dajcie|daj|przekaz|przekazcie|przekazac)( mi)?( sprawe| to)?( do)? "
    r"(konsultant\w*|pracownik\w*|kierownik\w*|menedzer\w*|operator\w*|przelozon\w*|czlowiek\w*|doradc\w*|"
    r"specjalist\w*|kogos (z obslugi|z zespolu|z firmy|zywego)|(zyw|prawdziw)\w* (osob|czlowiek)\w*)",
    r"\bz kim (moge|mozna|bym mogl\w*) (porozmawiac|pogadac|rozmawiac)\b",
    r"\bniech (ktos|czlowiek|konsultant|pracownik|kierownik|specjalista)\b",
    r"\b(prawdziw|zyw)\w* (osob|czlowiek|konsultant|pracownik)\w*",
    r"\b(dosc|koniec|nie chce|mam dosc)\b.{0,20}\b(bot|robot)\w*",
    r"\bz (kims|czlowiekiem|konsultantem|pracownikiem)( \w+)? (porozmawiac|pogadac|rozmawiac|pomowic)\b",
    r"\b(jest|czy jest) (tu |tam )?(ktos|ktokolwiek) (zywy|prawdziwy)\b",
    r"\bgdzie (jest )?(konsultant|czlowiek|pracownik|kierownik)\b",
    r"\bprzekaz(cie|ac|anie)?\b.{0,20}\b(do )?(konsultant|czlowiek|pracownik|kierownik|przelozon|specjalist|doradc)\w*",
    r"\bz czlowiekiem\b", r"\bpolacz(cie)? mnie\b", r"\b(zadzwon|zadzwoncie|oddzwon|oddzwoncie)\b",
    r"\b(prosze|moze|mozecie|czy mozna|moglibyscie)\b.{0,15}\b(zadzwonic|oddzwonic)\b",
    r"^(konsultant|konsultanta|czlowieka|czlowiek|operator|operatora|kierownika|pracownika)( prosze| pilnie| teraz)*$",
    "人工(?!智能|费)", "真人", "活人", "接线员", "找客服", "(叫|找|让|请)(你们|你们的)?(经理|主管|负责人|领导|上级)",
    "(让|请|找)(一个|个)?(客服人员|工作人员|专员|客服|人|真人)(来)?(看|处理|帮|跟我|和我|联系|回复|打电话|给我)",
    "(我要|我想|想|要|能不能|可以|让我|请让我|希望)(跟|和|与)(你们)?(团队|公司)?(的)?(人|员工|工作人员|客服|真人|经理|主管)",
    "(我要|我想)找(个)?人", "叫(个|一个)?(人|真人|客服|经理)来", "(请|麻烦|能不能|可以|能)(你们)?(给我|跟我)(打|回)(个)?电话", "有没有(真)?人(可以|能)",
    "(接|转给|转接|转)(你们的)?(客服|经理|主管|工作人员|专员)",
    "(别|不要|不想)(让)?(跟|和)?(机器人|机器)",
)
_URGENT = patterns(
    r"\burgent", r"\basap\b", r"\bimmediately\b", r"\bright now\b", r"\bemergency\b",
    r"\bсрочно\b", r"\bнемедленно\b", r"\bсейчас же\b", r"\bкак можно скорее\b",
    r"\bpilne\b", r"\bpilnie\b", r"\bnatychmiast\b", r"\bjak najszybciej\b",
    "紧急", "马上", "立刻", "尽快", "急死",
)
_THREAT = patterns(
    r"\blawyer", r"\bsue\b", r"\bsuing\b", r"\bcourt\b", r"\bpolice\b", r"\blegal action\b", r"\bchargeback\b",
    r"\bсуд\b", r"\bв суд\b", r"\bюрист", r"\bадвокат", r"\bполици", r"\bпрокуратур",
    r"\bprawnik", r"\bsąd", r"\bpozew\b", r"\bpozwę\b", r"\bpolicj",
    "律师", "起诉", "法院", "报警", "投诉你们",
)
_SELF_HARM = patterns(
    r"\bkill myself\b", r"\bsuicid", r"\bend my life\b", r"\bwant to die\b", r"\bhurt myself\b", r"\bself[- ]harm",
    r"\bпокончить с собой\b", r"\bубить себя\b", r"\bсуицид", r"\bне хочу жить\b", r"\bхочу умереть\b",
    r"\bzabić się\b", r"\bzabije się\b", r"\bsamobój", r"\bnie chcę żyć\b", r"\bchcę umrzeć\b", r"\bskończyć ze sobą\b",
    "自杀", "不想活", "想死", "结束生命", "伤害自己",
)
_MONEY_LOST = patterns(
    r"\bfraud", r"\bscam", r"\bstolen\b", r"\bstole\b", r"\bhacked\b", r"\bunauthori[sz]ed\b", r"\bphishing\b",
    r"\bidentity theft\b", r"\bsomeone (else )?(is |has |has been |must have )?(used|using|took|taking|stole|"
    r"stealing|charged|charging|accessed|logged into|ordered (with|on)|paid with|paying with|bought (with|on)) "
    r"(my|our)\b",
    r"\b(orders?|purchases?|payments?|charges?) (on my (account|card) )?(that )?i (never|didnt|did not) (made|make|"
    r"placed?|order(ed)?)\b",
    r"\bi (didnt|did not|never) (make|made|authori[sz]e|authori[sz]ed|approve|approved) "
    r"(this|that|these|those|the|any)? ?"
    r"(purchases?|payments?|orders?|transactions?|charges?)\b",
    r"\b(dont|do not) recogni[sz]e (this|these|the|that|a) (charges?|payments?|transactions?|purchases?)\b",
    r"\b(charges?|payments?|transactions?|purchases?) (that )?i (dont|do not|didnt) (recogni[sz]e|make|authori[sz]e)\b",
    r"\b(my )?(card|account) (was|has been|got|is) (stolen|hacked|compromised|cloned)\b",
    r"\bmoney (is |has |was )?(gone|lost|disappeared|vanished|taken|stolen)\b", r"\blost my money\b",
    r"\b(wasnt|was not|it wasnt) me who (paid|ordered|bought)\b", r"\bi (never|didnt|did not) authori[sz]ed?\b",
    r"\bsomeone (took|stole|charged|withdrew|spent) (money|funds|cash|\d+)", r"\band it wasnt me\b",
    r"\bмошенни", r"\bукрал", r"\bукраден", r"\bвзлома", r"\bденьги (пропали|исчезли|украли)\b",
    r"\bбез моего (ведома|согласия)\b",
    r"\bкто ?то (оплатил|воспользовал\w*|использовал|снял|списал|заказал|купил|зашел|вошел|получил доступ)\b",
    r"\bне я (оплачивал|оплатил|заказывал|покупал|делал)\b", r"\bя (не|ничего не) (оплачивал|совершал|покупал|делал)\b",
    r"\bне совершал\w*", r"\bнеизвестн\w* (платеж|списани|операци|транзакци)\w*", r"\bфишинг",
    r"\boszu(st|ka)", r"\bukradzion", r"\bukradl", r"\bwlama", r"\bpieniadze (zniknely|przepadly)\b",
    r"\bbez mojej (zgody|wiedzy)\b",
    r"\bktos (uzyl|uzywa|zaplacil|wykorzystal|zamowil|kupil|zalogowal|wyplacil|obciazyl|dostal sie)\w*",
    r"\bto nie ja (zaplacil|placil|zamawial|zamowil|kupil|kupowal)\w*",
    r"\bnie (robil|autoryzowal|zlecal|zatwierdzal)(em|am) (tej|tego|tych|zadnej|zadnego|zadnych) ?"
    r"(platnosci|transakcji|"
    r"zakupu|zakupow|zamowienia|przelewu)?", r"\bnieautoryzowan", r"\b(nieznana|obca) (transakcja|platnosc)\b",
    r"\bkradziez", r"\bwyludz", r"\bphishing",
    "诈骗", "被盗", "盗刷", "盗用", "钱不见了", "被骗", "钱没了", "不是我(买|付|下单|支付|消费|订)", "我(没有|没|从来没有|从没)(买|下单|付款|支付|消费|授权)过?(这|那)",
    "有人(用了?|盗用了?|刷了?)我的(卡|账户|账号|银行卡|信用卡)", "陌生(的)?(扣款|交易|消费)", "不明扣款", "未经(我的)?(授权|同意)",
    "账号被盗", "被黑", "钓鱼",
)
_SOLVED = patterns(
    r"\b(that|this|it|which) (solved|fixed|sorted|helped)\b", r"\bproblem solved\b",
    r"\b(it|everything) works( now)?\b",
    r"\bworks now\b", r"\ball (good|sorted|set|fine) now\b", r"\bsorted now\b", r"\bthat'?s all\b",
    r"\bno more questions\b",
    r"\bgot it,? thanks?\b",
    r"\bвсё работает\b", r"\bвсе работает\b", r"\bзаработало\b", r"\bпомогло\b", r"\bвопрос решён\b",
    r"\bвопрос решен\b",
    r"\bпроблема решена\b", r"\bразобрал(ся|ась)\b", r"\bбольше вопросов нет\b",
    r"(?<!nie )\bdziała( już)?\b", r"\bpomogło\b", r"\bproblem rozwiązany\b", r"\bsprawa załatwiona\b",
    r"\bwszystko jasne\b", r"\bnie mam więcej pytań\b",
    r"\b(i|we) (sorted|fixed|solved|figured out) (it|this|that)\b", r"\b(figured|sorted) (it|this|that) out\b",
    r"\bfound it\b", r"\bсам(а)? (разобрал|решил|нашел|нашла|справил)\w*", r"\bуже (решил|нашел|нашла|разобрал)\w*",
    r"\bporadzil(em|am) sobie\b", r"\bsobie poradzil(em|am)\b",
    r"\b(sam|sama|juz) (to )?(zalatwil|naprawil|rozwiazal|znalazl)\w*",
    "解决了", "可以了", "没问题了", "好了 ?谢谢", "没有其他问题", "搞定了", "找到了", "弄好了",
)
_NOT_SOLVED = patterns(
    r"\b(not|never(?! mind)|still|didnt|doesnt|dont|isnt|wasnt|hasnt|havent|cant|wont|aint|couldnt)\b.{0,20}"
    r"\b(work|solved|fixed|sorted|arrived|help|found|figured)", r"\bне\s+(работает|помогло|пришл|получил|решен|"
    r"разобрал|нашел|нашла|справил)",
    r"\bещё не\b", r"\bеще не\b", r"\bnie (działa|pomogło|doszł|dotarł|znalazł|poradził|załatwił)", r"\bwciąż nie\b",
    r"\bnadal nie\b",
    "没解决", "还没", "没有解决", "不可以", "没收到", "没到",
)
_CONFUSED = patterns(
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
    words = plain(text)
    return Signals(
        asks_for_human=found(_ASKS_FOR_HUMAN, without_bot_questions(words)),
        urgent=found(_URGENT, words),
        threat=found(_THREAT, words),
        self_harm=found(_SELF_HARM, words),
        repeated_question=any(
            similarity(text.lower(), earlier.lower()) >= REPEAT_SIMILARITY
            for earlier in earlier_customer_texts[-REPEAT_LOOKBACK:]
        ),
        solved=_says_solved(text, words),
        confused=found(_CONFUSED, words),
        money_lost=found(_MONEY_LOST, words),
    )


def _says_solved(text: str, words: str) -> bool:
    """Solved words, and nothing that undoes them.

    "I want this fixed today" and "can you get it fixed?" hold the words of a fixed problem but ask for the fix;
    "great, that really solved it, not" is sarcasm; a question ("so it's sorted now?") waits for an answer.
    """
    if not found(_SOLVED, words) or found(_NOT_SOLVED, words):
        return False
    return not (text.rstrip().endswith(("?", "？")) or is_request(text) or is_sarcastic(text))


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
