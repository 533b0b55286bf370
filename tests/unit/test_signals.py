"""Signals a person should see sooner, in all four languages."""

import pytest

from nlu.signals import Signals, detect_signals


@pytest.mark.parametrize(
    "text",
    ["Can I talk to a real person please?", "Соедините меня с оператором", "Chcę rozmawiać z konsultantem",
     "我要转人工"],
)
def test_request_for_a_person_is_noticed(text: str) -> None:
    assert detect_signals(text).asks_for_human


@pytest.mark.parametrize("text", ["This is urgent!", "Верните деньги срочно", "To pilne, proszę", "请尽快处理"])
def test_urgency_is_noticed(text: str) -> None:
    assert detect_signals(text).urgent


@pytest.mark.parametrize(
    "text", ["I will sue you", "Я подам в суд", "Mój prawnik się z wami skontaktuje", "我会找律师"]
)
def test_legal_threats_are_noticed(text: str) -> None:
    assert detect_signals(text).threat


@pytest.mark.parametrize(
    "text", ["I just want to die", "Я не хочу жить", "Nie chcę żyć", "我不想活了"]
)
def test_self_harm_words_are_noticed(text: str) -> None:
    assert detect_signals(text).self_harm


@pytest.mark.parametrize(
    "text", ["Where is my order?", "Где мой заказ?", "Gdzie jest moja paczka?", "我的订单在哪里", "Thanks, all good"]
)
def test_ordinary_messages_raise_no_signal(text: str) -> None:
    signals = detect_signals(text)
    assert not (signals.asks_for_human or signals.urgent or signals.threat or signals.self_harm)


def test_the_same_question_asked_again_is_noticed() -> None:
    earlier = ("Where is my refund for order 1234?",)
    assert detect_signals("where is my refund for order 1234??", earlier).repeated_question
    assert not detect_signals("can I change my email address", earlier).repeated_question


def test_a_repeated_chinese_question_is_noticed() -> None:
    assert detect_signals("我的退款到底在哪里", ("我的退款在哪里",)).repeated_question


@pytest.mark.parametrize(
    "text", ["Thanks, that solved it!", "It works now", "Спасибо, всё работает", "Dziękuję, już działa!", "谢谢，解决了"]
)
def test_a_solved_problem_is_noticed(text: str) -> None:
    assert detect_signals(text).solved


@pytest.mark.parametrize(
    "text", ["It still doesn't work", "That didn't help", "Всё ещё не работает", "Nadal nie działa", "还没解决",
    "Where is my order?"]
)
def test_not_solved_is_not_mistaken_for_solved(text: str) -> None:
    assert not detect_signals(text).solved


@pytest.mark.parametrize(
    "text", ["I don't understand what this status means", "Я не понимаю, что делать", "Nie rozumiem, co mam zrobić",
             "我看不懂这个状态"]
)
def test_words_of_confusion_are_noticed(text: str) -> None:
    assert detect_signals(text).confused


@pytest.mark.parametrize("text", ["Where is my order?", "Где мой заказ?", "Gdzie jest moja paczka?", "我的订单在哪里"])
def test_a_plain_question_is_not_confusion(text: str) -> None:
    assert not detect_signals(text).confused


@pytest.mark.parametrize(
    "text",
    [
        "Someone used my card, this is fraud",
        "Мошенники списали деньги с моей карты",
        "Ktoś mnie oszukał, pieniądze zniknęły z konta",
        "我的卡被盗刷了",
    ],
)
def test_money_lost_or_fraud_is_noticed_in_every_language(text: str) -> None:
    assert detect_signals(text).money_lost


def test_an_ordinary_refund_question_is_not_money_lost() -> None:
    assert not detect_signals("When will my refund arrive?").money_lost


@pytest.mark.parametrize(
    "text",
    ["I want this fixed today", "Can you get it fixed?", "I need this sorted by Friday", "Could you get this sorted?",
     "I need it fixed asap", "Great, that really solved it, not", "So that's it sorted now?", "Is it fixed?",
     "Хочу, чтобы всё заработало сегодня", "Dziękuję, już działa?", "解决了吗？"],
)
def test_a_request_a_question_or_sarcasm_is_not_read_as_solved(text: str) -> None:
    assert not detect_signals(text).solved


_ASKS_FOR_A_PERSON = {
    "en": [
        "Can I talk to a real person please?", "Is there anyone I can actually talk to?", "Get me your manager.",
        "I'd rather speak to someone from the team.", "Can a person look at this?", "Stop the bot, I need a human.",
        "Please transfer me to an agent", "This is useless, put me through to a supervisor!",
        "I want to speak with a human being, not a machine", "Could someone from your support staff contact me?",
        "Let me chat with an actual human", "Escalate this to a person please", "Have somebody call me back",
        "Can someone from your team ring me?",
        "agent", "Please escalate", "I want to talk to a real person, please",
        "Can I speak to a human about my refund?",
    ],
    "ru": [
        "Можно мне поговорить с живым человеком, а не с ботом?", "Позовите менеджера немедленно!",
        "Переключите меня на оператора", "Хочу поговорить с сотрудником поддержки",
        "Дайте мне человека, бот ничего не понимает", "Есть кто-нибудь живой, с кем можно поговорить?",
        "Пусть мне ответит настоящий человек", "Я бы предпочёл пообщаться с кем-то из вашей команды",
        "Хватит бота, нужен человек", "Может ли специалист посмотреть мою проблему?", "Свяжите меня с руководителем",
        "Передайте мой вопрос сотруднику, пожалуйста", "Оператора!", "Можно позвать менеджера?",
        "Мне нужен кто-то из поддержки", "Соедините меня с живым человеком, пожалуйста",
        "Не хочу говорить с ботом", "Где тут живой человек?",
    ],
    "pl": [
        "chcę rozmawiać z kimś kto coś może zrobić", "Chcę rozmawiać z konsultantem",
        "Poproszę z człowiekiem, nie z botem",
        "Połączcie mnie z kierownikiem!", "Daj mi kogoś z obsługi", "Jest tu ktoś, z kim mogę pogadać?",
        "Wolałbym porozmawiać z kimś z waszego zespołu", "Niech ktoś z was na to spojrzy",
        "Przełącz mnie na konsultanta", "Dość tego bota, potrzebuję człowieka",
        "Czy może się tym zająć prawdziwa osoba?", "Proszę o kontakt z pracownikiem", "konsultant proszę",
        "Proszę do mnie zadzwonić",
        "Chcę porozmawiać z konsultantem", "Nie chcę rozmawiać z botem", "Chcę z kimś porozmawiać",
        "Gdzie jest konsultant?",
    ],
    "zh": [
        "我要转人工", "请帮我转接人工客服", "我想和真人说话", "叫你们经理来", "能不能让客服人员看一下",
        "别让机器人回答了，我要找人", "有没有人可以跟我聊一下", "我更想跟你们团队的人沟通", "给我找个活人",
        "请让工作人员联系我", "机器人没用，给我接客服", "可以转给你们的主管吗", "我要转人工客服", "请给我回个电话", "我要投诉，叫人来",
    ],
}


_NOT_ASKING_FOR_A_PERSON = {
    "en": ["Are you a bot or a real person?", "I talked to someone yesterday and they said to wait",
           "The person at the door took my parcel", "Where do I find my agent code?",
           "My manager asked me to order this", "Is this a human or a bot?", "The courier said he would call me back"],
    "ru": ["Ты бот или живой человек?", "Вчера я уже говорил с вашим сотрудником",
           "Курьер передал посылку другому человеку", "Мой менеджер в банке сказал подождать", "Вы живой человек?",
           "Курьер не позвонил мне"],
    "pl": ["Czy rozmawiam z botem?", "Jesteś człowiekiem czy botem?", "Wczoraj rozmawiałem z konsultantem i nic",
           "Kurier zostawił paczkę u innej osoby", "Chcę zmienić adres, paczka ma iść do innej osoby",
           "Mój kod agenta nie działa", "Kurier nie zadzwonił do mnie",
           "Wczoraj przekazałem sprawę konsultantowi"],
    "zh": ["你是机器人吗？", "你是真人吗", "快递员把包裹给了别人", "快递员没给我打电话", "昨天我和客服聊过了",
           "我的代理商代码在哪里", "你是人工智能吗"],
}
_MONEY_LOST = {
    "en": ["someone used my card", "I didn't make this purchase", "There's a charge I don't recognise on my card",
           "My account was hacked and someone ordered with my card", "My card was stolen and used in your shop",
           "There's a charge from your company on my statement that I never authorised"],
    "ru": ["кто-то оплатил с моей карты", "Я не совершал эту покупку", "Мою карту украли, списали деньги",
           "Деньги списали без моего ведома", "Кто-то зашёл в мой аккаунт и заказал товар"],
    "pl": ["ktoś użył mojej karty", "Nie robiłem tej płatności", "Ktoś zapłacił moją kartą bez mojej zgody",
           "Moje konto zostało zhakowane, ktoś zamówił rzeczy", "To nie ja zamówiłem, ktoś ukradł dane karty"],
    "zh": ["有人盗用了我的卡", "我没有买过这个，是不是被盗刷了", "有人用我的账户下单了", "这笔扣款不是我付的", "我的账号被盗了"],
}
_NOT_MONEY_LOST = {
    "en": ["I was charged twice", "I lost my receipt", "I didn't order this size", "When will my refund arrive?",
           "I lost my password, can you reset it?"],
    "ru": ["С меня дважды списали деньги", "Я потерял чек", "Когда вернут деньги?", "Я не заказывал этот размер",
           "Потерял пароль от аккаунта"],
    "pl": ["Pobrano mnie dwa razy", "Zgubiłem paragon", "Kiedy dostanę zwrot?", "Nie zamawiałem tego rozmiaru",
           "Zapomniałem hasła"],
    "zh": ["我被扣了两次钱", "我的收据丢了", "退款什么时候到？", "我没有订这个尺码", "我忘记密码了"],
}


def _every(by_language: dict[str, list[str]]) -> list[str]:
    return [text for texts in by_language.values() for text in texts]


@pytest.mark.parametrize("text", _every(_ASKS_FOR_A_PERSON))
def test_many_ways_of_asking_for_a_person_are_noticed_in_every_language(text: str) -> None:
    assert detect_signals(text).asks_for_human


@pytest.mark.parametrize("text", _every(_NOT_ASKING_FOR_A_PERSON))
def test_questions_about_the_bot_and_other_people_are_not_a_request_for_a_person(text: str) -> None:
    assert not detect_signals(text).asks_for_human


@pytest.mark.parametrize("text", _every(_MONEY_LOST))
def test_fraud_and_lost_money_are_noticed_in_every_language(text: str) -> None:
    assert detect_signals(text).money_lost


@pytest.mark.parametrize("text", _every(_NOT_MONEY_LOST))
def test_a_double_charge_or_a_lost_receipt_is_not_money_lost(text: str) -> None:
    assert not detect_signals(text).money_lost


@pytest.mark.parametrize(
    ("examples", "least"),
    [(_ASKS_FOR_A_PERSON, 10), (_NOT_ASKING_FOR_A_PERSON, 5), (_MONEY_LOST, 5), (_NOT_MONEY_LOST, 5)],
    ids=["asks for a person", "near misses", "money lost", "not money lost"],
)
def test_every_language_is_checked_with_enough_different_messages(examples: dict[str, list[str]], least: int) -> None:
    assert set(examples) == {"en", "ru", "pl", "zh"}
    assert min(len(set(texts)) for texts in examples.values()) >= least


def test_every_signal_raised_at_once_fits_the_stored_column() -> None:
    everything = Signals(**{name: True for name in vars(Signals())})
    assert len(",".join(everything.raised())) <= 128
    assert "money_lost" not in everything.for_logs()


@pytest.mark.parametrize(
    "text",
    ["It's fine, I sorted it myself", "Never mind, I found it", "Сам разобрался, спасибо", "Już sobie poradziłem",
     "我自己搞定了", "Thanks, that solved it!"],
)
def test_a_customer_who_sorted_it_themselves_has_solved_it(text: str) -> None:
    assert detect_signals(text).solved


@pytest.mark.parametrize(
    "text", ["I haven't found it", "Я не разобрался", "Nie poradziłem sobie", "还没找到", "I can't figure it out"]
)
def test_not_finding_or_not_managing_is_not_solved(text: str) -> None:
    assert not detect_signals(text).solved
