"""Requests, corrections and sarcasm: what a message asks of the shop, beyond what it is about.

"I want this fixed today" asks for action and "Oh brilliant, day six and no parcel" is a
complaint dressed as praise; neither may be read as thanks or as a solved case. Word lists in
English, Russian, Polish and Chinese, matched on the plain form from nlu.wording.
"""

from __future__ import annotations

from nlu.wording import found, patterns, plain

_ACTION = r"(get|fix|check|look|sort|send|refund|cancel|change|help|make|do|resolve|replace|update|tell|confirm|" \
          r"arrange|process|reship|resend|give|email|call|find|track|chase|speed|hurry|move|exchange|return)"
_REQUESTS = patterns(
    r"\b(i|we) (really )?(want|need|would like|expect|demand|require|insist)\b", r"\b(id|wed) (really )?like\b",
    rf"\b(can|could|would|will|cant|couldnt|wont) (you|u|someone|somebody|anyone|they|your team)( please)? {_ACTION}\b",
    rf"\b(please|pls|plz) {_ACTION}\b", rf"\b{_ACTION} (it|this|that|me|my \w+|the \w+)( \w+)? (please|pls|plz)\b",
    r"\b(get|have|need|want) (it|this|that|them|my \w+) (fixed|sorted|resolved|done|changed|cancel+ed|refunded|"
    r"replaced|sent|by|today|asap|now)\b",
    r"\b(is it|would it be) possible to\b", r"\b(would|do) you mind\b",
    rf"^(please )?{_ACTION} (it|this|that|me|my)\b", r"\bi( would|d) appreciate (it )?if\b", r"\blet me know\b",
    r"\bmake sure\b", r"\brefund me\b",
    r"(?<!\bне )\b(хочу|хотел бы|хотела бы|хотелось бы|нужно|надо|необходимо|прошу|требую|мне нужн\w*)\b",
    r"\b(можете|можно|могли бы|не могли бы|сможете|можешь|сможешь)\b",
    r"\b(сделайте|исправьте|верните|отмените|проверьте|пришлите|отправьте|замените|решите|помогите|разберитесь|"
    r"уточните|поменяйте|измените|ускорьте|вышлите|оформите|посмотрите|свяжитесь|перезвоните)\b",
    r"\b(пожалуйста|пжл|плиз)\b(?! спасибо)",
    r"\b(chce|chcial(a)?bym|potrzebuje|potrzebujemy|prosze|prosil(a)?bym|poprosze|zadam|oczekuje|musze)\b",
    r"\b(mozecie|mozesz|moze pan|moze pani|mozna|dacie rade|da sie)\b",
    r"\b(napraw|naprawcie|zwroccie|anuluj|anulujcie|sprawdz|sprawdzcie|wyslij|wyslijcie|zmien|zmiencie|wymien|"
    r"wymiencie|zalatw|zalatwcie|pomoz|pomozcie|odeslijcie|oddajcie|przyspieszcie|zwrocic)\b",
    "我要", "我想", "我需要", "请(?!问)", "麻烦", "帮我", "能不能", "可不可以", "可以帮", "能帮", "你们能", "帮忙", "给我", "尽快",
    "希望", "必须", "要求", "之前(处理|解决|搞定|退)",
)
_VALUE = r"(\d{3,}|\w+ \w+ (com|net|org|pl|ru|cn|de|uk|io|eu))\b"
"""What a corrected detail looks like in plain text: a number, or an e-mail address with its punctuation gone."""
_CORRECTIONS = patterns(
    rf"^(no|nope|nah|oops|sorry|wait|actually|correction|my bad)( (its|it is|thats|that is|the|order|number|my|email|"
    rf"ref|reference|code|actually|should be|right|correct|one|is|no|not \w+))* {_VALUE}",
    r"^not #?\d{3,} (but|its|it is)\b", rf"\bi mean( \w+){{0,3}} {_VALUE}",
    r"\bi meant\b", r"^((sorry|oops|no) )?(wrong|incorrect) (order )?(number|email|address|code|phone|"
    r"digits?)\b", r"\b(typo|mistyped|misspelled|misspelt|my mistake|my bad)\b",
    rf"\bshould (be|have been|read)( \w+)? {_VALUE}", r"\bcorrection\b", r"\bscratch that\b",
    r"\bi (typed|gave|wrote|entered|put|sent) (you )?(the |a )?wrong\b", r"\bthe (right|correct) (one|number|order|"
    r"email|address|code) is\b",
    rf"^(нет|ой|извините|простите|сорри|стоп|погодите|точнее)( (номер|это|заказ|мой|правильный|правильно|на самом деле|"
    rf"не \w+|а))* {_VALUE}",
    r"\bне тот (номер|заказ|адрес|email|емейл|имейл|телефон|код|размер)\b", r"\bне та (почта|дата|сумма|ссылка)\b",
    r"\bопечата\w*", r"^не #?\d{3,} а\b", r"(^|\bя )ошиб(ся|лась)\b", r"\bимел(а)? в виду\b",
    r"\b(правильный|верный) (номер|адрес|заказ|"
    r"код|email)\b", r"\bточнее\b", r"(^|\bя )перепутал(а)?\b",
    rf"^(nie|ups|sorry|przepraszam|oj)( (to|numer|chodzi o|chodzilo o|poprawny|prawidlowy|wlasciwy|zamowienia|"
    rf"zamowienie|mial byc|jest|a))* {_VALUE}", r"\bpomylil(em|am|o mi sie)\b",
    r"\bpomylil(em|am)? sie\b", r"^((sorry|przepraszam|ups|oj) )?pomylka\b", r"\bmoja pomylka\b", r"\bliterowka\b",
    r"\b(zly|bledny) (numer|adres|email|mail|kod)\b",
    r"\b(zla|bledna) (data|kwota|nazwa)\b", r"\bnie ten (numer|adres|mail|email|kod)\b", r"\bchodzilo mi o\b",
    r"\bmial(em|am) na mysli\b", r"\b(poprawny|prawidlowy|wlasciwy) (numer|adres|kod|email)\b", r"\bpoprawka\b",
    "^不对(?!劲)", "说错了", "写错了", "打错了", "输错了", "填错了", "记错了", "我搞错了", "我弄错了", "更正", "纠正", "我是说", "我的意思是",
    "(应该是|正确的是) ?#?\\d{3,}", "^不是 ?\\d+ ?(是|而是)", "^不是这个",
)
_PRAISE = patterns(
    r"\b(oh |wow |just |so |how )?(brilliant|great|amazing|wonderful|fantastic|perfect|awesome|lovely|excellent|"
    r"superb|marvellous|marvelous|terrific|outstanding|fabulous|impressive|stellar)\b", r"\bwow\b",
    r"\b(well done|good job|nice one|bravo|thanks a lot|thank you so much|oh thanks|well thanks|cheers for that)\b",
    r"\b(отличн|супер|прекрасн|замечательн|великолепн|класс|браво|молодц|шикарн|чудесн|восхитительн|потрясающ)\w*",
    r"\b(super|swietn\w*|wspanial\w*|doskonal\w*|rewelac\w*|brawo|genialn\w*|cudown\w*|ekstra|extra|"
    r"fantastyczn\w*|znakomit\w*)\b",
    "真棒", "太棒", "真好", "太好了", "厉害", "真行", "好极了", "真不错", "优秀", "佩服", "服了",
)
_SARCASM_ALONE = patterns(
    r"\bthanks? (you )?for nothing\b", r"\byeah right\b", r"\bnot$", r"\bспасибо (вам )?за ничего\b", r"^ну спасибо\b",
    r"\bdzieki (wielkie )?za nic\b", "真是谢谢", "谢谢你们啊",
)
_IRONY = patterns(
    r"\b(great|brilliant|wonderful|fantastic|amazing|excellent|superb|lovely|marvellous|stellar|top notch) "
    r"(service|job|work|help|support|stuff)\b",
    r"\b(brilliant|great|wonderful|fantastic|amazing|perfect|lovely|excellent|super|helpful|thanks)( \w+)? really$",
    r"\b(very|so|really|super|most|ever so|incredibly) helpful\b", r"\bthanks a (lot|bunch|million)\b",
    r"^(oh|ah|wow) (great|brilliant|wonderful|perfect|lovely|fantastic|amazing|nice|thanks)\b",
    r"\bjust (great|perfect|brilliant|wonderful|lovely|fantastic)\b", r"\bhow (lovely|wonderful|nice|great)\b",
    r"^ну (спасибо|супер|класс|отлично|замечательно|прекрасно|здорово|молодцы)\b",
    r"\bпросто (супер|класс|отлично|замечательно|прекрасно|великолепно|шикарно|чудесно|блеск)\b",
    r"\b(отличн|прекрасн|замечательн|великолепн|чудесн|шикарн)\w* (сервис|работа|обслуживание|поддержка)\b",
    r"\b(нечего|ничего не) сказать\b", r"\bспасибо (огромное|большое)?,? (очень )?помогли\b",
    r"^no (super|swietnie|pieknie|brawo|wspaniale|rewelacja|ekstra|dzieki|to dzieki)\b",
    r"\b(swietnie|super|wspaniale|rewelacja|pieknie|cudownie|brawo)( \w+)? naprawde\b",
    r"\b(swietn|wspanial|rewelacyjn|cudown|super)\w* (obsluga|robota|serwis|pomoc)\b", r"\bbardzo pomocn\w*",
    "真是太好了", "呵呵", "谢谢啊", "真棒", "太棒了吧", "服务真好", "真是(太)?(好|棒|厉害|行)", "可真(好|棒|行)", "好一个",
)
"""Praise that reads as sarcasm after a complaint ("great service, really", "ну спасибо", "no super, dzięki",
"真是太好了呵呵"), though alone it might be meant: only the conversation tells which."""
_THANKS = patterns(r"\b(thanks?|thank you|thx|спасибо|благодарю|dzieki|dziekuje)\b", "谢谢", "感谢", "多谢")
_COMPLAINT = patterns(
    r"\b(never|nobody|no one|late|delayed|lost|broken|damaged|missing|useless|worst|terrible|awful|ignored|"
    r"waiting|waited|stuck|crushed|smashed|ruined|torn)\b", r"\banother (day|week|month)\b",
    r"\bwithout (my|the|a|any) (parcel|package|order|refund|money|reply|answer)\b",
    r"\bstill (no|nothing|waiting|missing|broken|late|havent|hasnt|isnt|didnt|not (here|arrived|received|working|"
    r"delivered|fixed|refunded|sorted))\b",
    r"\b(didnt|doesnt|dont|isnt|wasnt|hasnt|havent|arent|werent|wont|cant|not) (arrive\w*|here|come|came|work\w*|"
    r"receive\w*|get|got|help\w*|answer\w*|repl\w*|respond\w*|deliver\w*|show\w*|turn\w*|refund\w*|even)\b",
    r"\bno (parcel|package|order|refund|reply|answer|one|update|response|sign)\b",
    r"\b(second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th) (week|day|time|month|email)\b",
    r"\bday (two|three|four|five|six|seven|eight|nine|ten|\d+)\b",
    r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|several) (days|weeks|hours|months)\b",
    r"\b(жду|ждем|ждать|ждал\w*|до сих пор|никто|опять|снова|сломан\w*|потерял\w*|потеряли|задерж\w*|третью|"
    r"третий|третьи|вторую|второй|бесполезн\w*|ужасн\w*|отвратительн\w*)\b",
    r"\bне (пришл\w*|получил\w*|доставил\w*|доставлен\w*|работает|ответил\w*|отвечает|вернул\w*|дошл\w*)\b",
    r"\bнет (ответа|посылки|заказа|денег|возврата)\b", r"\b\d+ (дн\w*|недел\w*|месяц\w*)\b",
    r"\b(czekam|czekamy|czekac|czekalem|czekalam|wciaz|nadal|znowu|zepsut\w*|zgubil\w*|zgubion\w*|spozni\w*|"
    r"opozni\w*|nikt|bezuzyteczn\w*|okropn\w*|fatalne?)\b",
    r"\bnie (ma|doszl\w*|dotarl\w*|dziala|odpowiada\w*|przyszl\w*|dostal\w*|otrzymal\w*|zwrocil\w*)\b",
    r"\bod (tygodnia|miesiaca|\d+ dni|dwoch|trzech)\b", r"\b(tydzien|tygodnie|\d+ dni)\b",
    "等了", "还没", "没到", "没收到", "没有收到", "没人", "坏了", "丢了", "迟到", "太慢", "好慢", "一个星期", "一个月", "天了",
    "星期了", "不见", "没回复", "没有回复", "不理", "又(迟|晚|坏|丢|没)",
)


_NEGATIVE_EMOJI = frozenset("😡😠🤬🙄😒👎💩😤🤦😑😞😩😫🖕")
"""Faces and signs that turn praise around: "thanks 🙄" is no thanks."""


def has_negative_emoji(text: str) -> bool:
    return any(char in _NEGATIVE_EMOJI for char in text)


def is_request(text: str) -> bool:
    """The customer asks for action or sets a need: "I want this fixed today", "can you get it fixed?",
    "I need this sorted by Friday", "please refund me", "could you check?", in four languages."""
    return found(_REQUESTS, plain(text))


def correction_of(text: str) -> bool:
    """The customer corrects something they said: "no, it's #48214", "sorry, I meant 48214", "ой, не тот номер",
    "nie, to #...", "pomyliłem się", "不对，是...", "说错了". Only says it IS one; the engine reads the new value."""
    return found(_CORRECTIONS, plain(text))


def is_sarcastic(text: str) -> bool:
    """Praise words used with a complaint ("Oh brilliant, my next-day delivery is now on day six. Great service,
    really.", "Thanks for nothing", "Ну спасибо, отличный сервис, третью неделю жду", "真棒，等了一个星期还没到")."""
    words = plain(text)
    if found(_SARCASM_ALONE, words):
        return True
    if has_negative_emoji(text):
        return found(_PRAISE, words) or found(_THANKS, words)
    return found(_PRAISE, words) and found(_COMPLAINT, words)


def says_thanks(text: str) -> bool:
    """Thanks words anywhere in the message ("fine, thanks", "спасибо", "dzięki", "谢谢")."""
    return found(_THANKS, plain(text))


def ironic_praise(text: str) -> bool:
    """Praise a complaining customer uses as sarcasm ("great service, really", "thanks a lot, very helpful",
    "просто супер", "świetnie, naprawdę", "谢谢啊，真棒"), or any sarcasm ``is_sarcastic`` finds on its own.

    Alone such words may be meant; read them as sarcasm only after a complaint (bot.policy.feelings_in_context)."""
    return is_sarcastic(text) or found(_IRONY, plain(text))


def complains(text: str) -> bool:
    """Words of a complaint: waiting, late, lost, broken, nobody answers ("still nothing", "жду третью неделю",
    "nadal nie doszło", "等了一个星期")."""
    return found(_COMPLAINT, plain(text))
