"""What a short customer message is doing: ending, greeting, a question about the bot, small talk,
dropping the case, or (NONE) carrying content the topic search should read.

A message is read as a sequence of known phrases ("ok" "thanks" "bye"; "好的" "谢谢"): only when
every word of it belongs to such a phrase is it that act, so "thanks, but where is my refund?"
and "ok but when?" stay NONE and the bot answers the problem. Word lists in English, Russian,
Polish and Chinese, matched on the plain form from nlu.wording.
"""

from __future__ import annotations

import re
from enum import StrEnum

from nlu.asks import correction_of, has_negative_emoji, is_request, is_sarcastic
from nlu.wording import patterns, plain

__all__ = ["Intent", "correction_of", "is_request", "is_sarcastic", "read_intent", "without_bot_questions"]


class Intent(StrEnum):
    NONE = "none"
    """A message with content the topic search should read."""
    THANKS = "thanks"
    """An ending: thanks, ok, great, bye, that's all, "ok thanks"; the whole message is that."""
    GREETING = "greeting"
    """Hello or good morning alone."""
    BOT_QUESTION = "bot_question"
    """"Are you a bot?", "am I talking to a real person?", "is this automated?"."""
    SMALL_TALK = "small_talk"
    """Compliments and chit-chat: "you're great", "how are you?", "nice bot", "haha"."""
    NEVER_MIND = "never_mind"
    """The customer drops the case: "never mind", "forget it", "неважно", "nieważne", "算了"."""


_UNITS: dict[Intent, tuple[str, ...]] = {
    Intent.THANKS: (
        r"thanks?( you)?", r"thank u", r"thanx", r"thx", r"thnx", r"ty", r"tysm", r"ta", r"cheers", r"ok(ay|ey|ie)?",
        r"k+", r"cool", r"great", r"perfect", r"nice", r"awesome", r"excellent", r"brilliant", r"wonderful", r"lovely",
        r"super", r"fab", r"fine", r"good", r"alright", r"all right", r"got it", r"gotcha", r"understood", r"i see",
        r"noted", r"sounds good", r"will do", r"fair enough", r"(good)?bye( bye)?", r"see (you|ya)( later| soon)?",
        r"cya", r"later", r"good night", r"have a (nice|good|great|lovely) (day|evening|weekend|one)", r"take care",
        r"that( i|)s (all|it|everything)( i (needed|wanted))?", r"no worries", r"tnx", r"no more questions",
        r"nothing else", r"all (good|clear|set)", r"(much )?appreciated", r"(i )?appreciate (it|that|your help)",
        r"makes sense", r"(that|this|it) (really )?help(s|ed)( a lot)?", r"(that|this)( i|)s (very )?helpful",
        r"спасибо", r"спасиб", r"спс", r"благодарю", r"ок", r"окей", r"хорошо", r"отлично", r"супер", r"класс",
        r"здорово", r"прекрасно", r"замечательно", r"(все )?понятно", r"(все )?ясно", r"понял(а)?", r"принято",
        r"ладно", r"договорились", r"(это )?(очень )?помогло", r"годится", r"до свидания", r"пока", r"всего (доброго|хорошего)",
        r"(хорошего|удачного|доброго) (дня|вечера)", r"это все", r"больше ничего", r"(больше )?вопросов нет",
        r"dzieki", r"dzienki", r"dziekuje(my)?", r"dziena", r"okej", r"dobrze", r"dobra", r"swietnie", r"ekstra",
        r"git", r"spoko", r"jasne", r"(wszystko )?jasne", r"rozumiem", r"zrozumial(em|am)", r"przyjel(em|am)",
        r"to wszystko", r"(to )?(bardzo )?pomoglo", r"do widzenia", r"do zobaczenia", r"na razie", r"pa(pa)?", r"w porzadku", r"fajnie",
        r"wspaniale", r"doskonale", r"rewelacja", r"idealnie", r"(milego|dobrego) (dnia|wieczoru|weekendu)",
        "谢谢", "谢了", "谢啦", "多谢", "感谢", "好的", "好滴", "好嘞", "好吧", "好", "行", "可以", "嗯+", "哦", "明白了?",
        "知道了", "懂了", "了解了?", "收到", "再见", "拜拜", "没问题", "太好了", "辛苦了?", "晚安", "就这样", "没事了",
        "没有了", "没别的了", "帮了大忙", "很有帮助",
    ),
    Intent.GREETING: (
        r"hi", r"hello", r"hey+", r"heya", r"hiya", r"howdy", r"yo", r"good (morning|afternoon|evening|day)",
        r"morning", r"evening", r"greetings", r"(is )?any(one|body) (there|here|around)",
        r"привет(ик)?", r"здравствуй(те)?", r"здрас(ь)?те", r"добр(ый|ое|ой) (день|вечер|утро|ночи)", r"приветствую",
        r"хай", r"алло", r"есть кто",
        r"czesc", r"dzien dobry", r"dobry wieczor", r"witam", r"witaj(cie)?", r"hej(ka)?", r"siem(a|ka)", r"halo",
        "你好", "您好", "早上好", "早", "下午好", "晚上好", "嗨", "哈喽", "哈罗", "喂", "在吗", "在不在", "有人吗",
    ),
    Intent.SMALL_TALK: (
        r"how (are|r) (you|u)( doing| today)?", r"how( i|)s it going", r"how( i|)s your day", r"what( i|)s up",
        r"sup", r"wassup", (r"(you are|youre|ur|u r) (actually |so |really |very |pretty |quite )*(great|awesome|amazing|the best|helpful|funny|"
        r"smart|clever|nice|sweet|cool|kind|lovely|brilliant|fast|quick|a star)"),
        r"(nice|good|great|cool|smart|clever|cute|helpful|lovely) bot", r"(good|great|nice) (job|work)", r"well done",
        r"you rock", r"(i )?love (you|it|this bot)", r"a?(ha)+h?", r"(he){2,}", r"lol+", r"lmao", r"rofl",
        r"what( i|)s your name", r"who are you", r"how old are you", r"(nice|pleased) to meet you",
        r"как (дела|ты|вы|поживаешь|поживаете|настроение)", r"что нового",
        (r"(ты|вы) (такой |такая |очень )?(молодец|молодцы|классный|классная|хороший|хорошая|умный|умная|умница|"
        r"лучший|лучшая|лучшие|супер)"), r"(хороший|классный|умный|милый) бот", r"а?(ха)+х?", r"хех", r"лол",
        r"как тебя зовут", r"приятно познакомиться",
        r"jak (sie masz|leci|tam|ci mija dzien)", r"co slychac", (r"(jestes|jestescie) (super|swietn[ya]|mil[ya]|"
        r"najlepsz[ya]|madr[ya]|kochan[ya]|pomocn[ya])"), r"(fajny|dobry|madry|mily|super) bot", r"xd+",
        r"jak masz na imie", r"milo (cie|pana|pania) poznac",
        "你好吗", "你怎么样", "最近怎么样", "哈+", "呵呵", "嘻嘻", "(你)?(真|很|太|好)(棒|聪明|厉害|可爱|好用)(了|啊|呀)?",
        "你叫什么(名字)?", "很高兴认识你",
    ),
    Intent.NEVER_MIND: (
        r"never ?mind", r"nvm", r"forget (it|about it|that|that one|my (question|message))",
        r"(it )?doesnt matter( anymore)?", r"no need( anymore)?", r"not needed( anymore)?",
        r"dont (bother|worry about it)", r"ignore (that|me|my (last )?(message|question))", r"(its )?not important",
        r"leave it", r"drop it", r"i dont need (it|help|that) anymore",
        r"(уже )?не ?важно", r"забуд(ь|ьте)", r"забей(те)?", r"проехали", r"(уже )?не (надо|нужно)", r"отбой",
        r"ничего не (надо|нужно)", r"оставьте",
        r"nie ?wazne", r"zapomnij(cie)?", r"(juz )?nie trzeba", r"(juz )?niepotrzebne", r"mniejsza (o to|z tym)",
        r"nie szkodzi", r"odpu(sc|szczam)", r"daj(cie)? spokoj", r"nic juz",
        "算了吧?", "不用了", "不需要了", "没关系", "当我没说", "别管了", "不管了", "不重要", "不要紧", "没事", "不用管了",
    ),
}
_FILLERS = (
    r"oh", r"ah", r"well", r"so", r"yes", r"yeah", r"yep", r"yup", r"sure", r"right", r"then", r"really", r"very",
    r"much", r"so much", r"a lot", r"a bunch", r"again", r"guys", r"mate", r"man", r"folks", r"team", r"everyone",
    r"all", r"there", r"now", r"for now", r"anyway", r"just", r"actually", r"sorry", r"its (fine|ok|okay)", r"please",
    (r"for (the |your |all )?(help|helping|info|information|answer|reply|time|support|quick (reply|answer)|that|"
    r"everything)"), r"indeed", r"honestly", r"seriously", r"tell me", r"be honest", r"quick question", r"btw",
    r"curious", r"wait", r"um+", r"i wonder", r"ugh", r"hmm+", r"meh", r"oh well", r"pretty",
    r"ну", r"да", r"ага", r"угу", r"вам", r"тебе", r"большое", r"огромное", r"все", r"всем", r"тогда", r"еще раз",
    r"за (помощь|ответ|информацию)", r"а", r"скажите", r"скажи", r"честно", r"вообще", r"серьезно", r"просто",
    r"интересно", r"я", r"извините", r"хотя", r"хотя нет", r"нет",
    r"bardzo", r"wielkie", r"serdeczne", r"serdecznie", r"za (pomoc|odpowiedz|informacje)", r"jeszcze raz",
    r"raz jeszcze", r"no", r"tak", r"a(c)?ha", r"to", r"w takim razie", r"wam", r"ci", r"pieknie", r"czy",
    r"powiedz", r"szczerze", r"serio", r"w ogole", r"tak naprawde", r"przepraszam",
    "非常", "您", "你", "你们", "啦", "了", "的", "啊", "呀", "噢", "喔", "呢", "嘛", "吧", "那", "那就", "那好", "一下",
    "帮忙", "帮助", "请问", "问一下", "说实话", "到底", "客服",
)
_BOT = r"(a |an )?(real |actual |live |living |human |automated )?(bot|robot|chat ?bot|machine|ai|computer|program|" \
       r"human( being)?|person|someone real|automated system|auto ?reply|autoresponder|script)"
_BOT_RU = r"(живой |настоящий |реальный )?(бот|робот|чат ?бот|нейросеть|ии|искусственный интеллект|машина|программа|" \
          r"автоответчик|человек)"
_BOT_RU_WITH = r"(с )?(живым |настоящим |реальным )?(ботом|роботом|машиной|программой|нейросетью|ии|человеком|" \
               r"автоответчиком)"
_BOT_PL = r"(z )?(botem|robotem|maszyna|automatem|programem|ai|sztuczna inteligencja|" \
          r"(zywym |prawdziwym )?czlowiekiem|" \
          r"(zywa |prawdziwa )?osoba)"
_BOT_PL_IS = r"(bot|botem|robot|robotem|maszyna|automat|automatem|ai|sztuczna inteligencja|czlowiek|czlowiekiem|" \
             r"(prawdziwy|zywy|prawdziwym|zywym) czlowiek(iem)?|(prawdziwa|zywa) osoba|prawdziwy|prawdziwa|zywy|zywa)"
_BOT_ZH = "(机器人|机器|人工智能|自动回复|程序|真人|活人|人| ?ai ?| ?bot ?)"
_BOT_QUESTIONS = patterns(
    rf"\b(are|r) (you|u) {_BOT}( or {_BOT})?( or not)?\b", r"\b(are|r) (you|u) (real|human|automated|alive)\b",
    rf"\b(am i|are we) (talking|speaking|chatting|writing|texting) (to|with) {_BOT}( or {_BOT})?\b",
    rf"\b(is|was) (this|that|it) {_BOT}( (talking|answering|replying|responding|writing|typing))?( or {_BOT})?\b",
    r"\bis (this|that|it|the reply|this (chat|reply|answer|conversation|service)) (automated|automatic|ai|an ai|"
    r"generated|real|live)\b",
    rf"\b(you are|youre|ur) {_BOT}( arent you| right)?\b",
    r"\b(is )?(there )?(a )?(real |actual )?(person|human|someone|anyone) (behind (this|the screen)|on the other "
    r"(end|side)|reading (this|my messages)|typing|answering (this|me))\b",
    r"\b(who|what) am i (talking|speaking|chatting) (to|with)\b",
    rf"\b(ты|вы|это) (что |вообще |тут |там )?{_BOT_RU}( (отвечает|пишет|отвечаешь|отвечаете))?"
    rf"( или (нет|{_BOT_RU}))?\b",
    r"\b(ты|вы) (живой|живая|настоящий|настоящая|реальный)\b",
    rf"\bя (говорю|общаюсь|разговариваю|переписываюсь|пишу|чатюсь) {_BOT_RU_WITH}( или {_BOT_RU_WITH})?\b",
    rf"\b(со мной|мне) (говорит|общается|переписывается|разговаривает|отвечает|пишет) {_BOT_RU}\b",
    rf"\b(отвечает|пишет|отвечают) {_BOT_RU}\b",
    r"\bэто автоматическ\w*( ответ| сообщение| чат)?\b", r"\bэто автоответ\w*\b",
    rf"\b(rozmawiam|pisze|gadam|czatuje|koresponduje) {_BOT_PL}( czy {_BOT_PL})?\b",
    rf"\b(jestes|jestescie|to) {_BOT_PL_IS}( czy {_BOT_PL_IS})?\b",
    r"\b(odpowiada|pisze) (mi )?(bot|robot|czlowiek|automat|maszyna)\b",
    r"\b(ktos|jakis czlowiek|czlowiek) (to czyta|mnie czyta|tu jest|siedzi po drugiej stronie)\b",
    r"\bto automatyczn\w*( odpowiedz| wiadomosc)?\b",
    rf"(你|您|你们)(是不是|是)(一个)?(真的|真正的)?{_BOT_ZH}(吗|么|嘛|吧|啊)?(还是{_BOT_ZH})?",
    rf"(这|这个)?是不是(机器人|自动回复|真人|人工)(在)?(回复|回答|答复|回)?(还是{_BOT_ZH})?",
    rf"(这|这个)?是(机器人|自动回复|真人|人工)(在)?(回复|回答|答复|回)?((吗|么|的吗)|还是{_BOT_ZH})",
    rf"(是)?{_BOT_ZH}(在)?(回复|回答|回|答复)(吗|么|的吗)",
    rf"我(是)?在(跟|和|与){_BOT_ZH}(聊天|说话|对话|聊)(吗|么|呢)?", r"跟我(聊天|说话)的是(谁|机器人|真人|人)",
    "有真人吗",
)
_EMOJI_ENDINGS = frozenset("👍🙏👌🤝❤♥💙💚💛💜🧡🖤🤍😊🙂😀😃😄😁☺🥰😍🤗✅💯👏🌹💐🙌✨️\u200d🏻🏼🏽🏾🏿")
_LONGEST_ACT = 160
"""Plain characters beyond which a message is content, not a short act."""


def _compiled(sources: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Each phrase matched whole: a Latin or Cyrillic one must end at a space or the end of the text."""
    return patterns(*(source if re.search(r"[\u3400-\u9fff]", source) else rf"(?:{source})(?= |$)"
                      for source in sources))


_PHRASES: tuple[tuple[Intent | None, re.Pattern[str]], ...] = (
    *((intent, pattern) for intent, units in _UNITS.items() for pattern in _compiled(units)),
    *((None, pattern) for pattern in _compiled(_FILLERS)),
)
"""Every known phrase with the act it belongs to; fillers belong to none."""


def read_intent(text: str) -> Intent:
    """The conversational act of a SHORT message that is only that act.

    A message that also carries a problem or a request ("thanks, but where is my refund?",
    "hi, I was charged twice", "ok but when?") is Intent.NONE, so the bot answers the problem.
    """
    if has_negative_emoji(text):
        return Intent.NONE
    words = plain(text)
    if not words:
        return Intent.THANKS if _only_ending_emoji(text) else Intent.NONE
    if len(words) > _LONGEST_ACT:
        return Intent.NONE
    rest = without_bot_questions(words)
    if rest != words:
        acts = _acts(rest)
        return Intent.BOT_QUESTION if acts is not None and Intent.NEVER_MIND not in acts else Intent.NONE
    acts = _acts(words)
    if not acts:
        return Intent.NONE
    for intent in (Intent.NEVER_MIND, Intent.THANKS, Intent.SMALL_TALK, Intent.GREETING):
        if intent in acts:
            return intent
    return Intent.NONE


_CLAUSE = re.compile(r"[,.;!:\u2014\u2013，。；！：]+")


def drops_case(text: str) -> bool:
    """The customer lets the case go, then says why: "ugh never mind, I'll just pay full price", "хотя нет, не
    надо, пусть приходит", "算了，不改了". A never-mind in one of the first two clauses counts, unless the message
    asks something ("never mind that, where is my refund?" is a new question)."""
    if "?" in text or "？" in text:
        return False
    clauses = [clause for clause in _CLAUSE.split(text) if clause.strip()]
    return any(read_intent(clause) is Intent.NEVER_MIND for clause in clauses[:2])


def without_bot_questions(words: str) -> str:
    """The plain text with every question about the bot itself ("are you a bot or a real person?") taken out.

    A request for a person is read in what is left, so asking what the bot is never counts as asking for someone.
    """
    for pattern in _BOT_QUESTIONS:
        words = pattern.sub(" ", words)
    return " ".join(words.split())


def _acts(words: str) -> frozenset[Intent] | None:
    """The acts the text is made of, phrase after phrase (the longest phrase first); None if a word is none of them.

    Fillers ("so", "very", "你") belong to no act; the empty set means the text was only fillers.
    """
    acts: set[Intent] = set()
    position = 0
    while position < len(words):
        if words[position] == " ":
            position += 1
            continue
        intent, end = _longest_phrase(words, position)
        if end == position:
            return None
        if intent is not None:
            acts.add(intent)
        position = end
    return frozenset(acts)


def _longest_phrase(words: str, position: int) -> tuple[Intent | None, int]:
    best: tuple[Intent | None, int] = (None, position)
    for intent, pattern in _PHRASES:
        match = pattern.match(words, position)
        if match and match.end() > best[1]:
            best = (intent, match.end())
    return best


def _only_ending_emoji(text: str) -> bool:
    shown = [char for char in text if not char.isspace()]
    return bool(shown) and all(char in _EMOJI_ENDINGS for char in shown)
