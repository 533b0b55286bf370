"""What a customer's message is doing, in all four languages: endings, greetings, questions about the bot,
small talk, dropping the case, requests, corrections and sarcasm."""

import pytest

from nlu.intents import Intent, correction_of, is_request, is_sarcastic, read_intent

_ACTS: dict[Intent, dict[str, list[str]]] = {
    Intent.THANKS: {
        "en": ["ok", "Okay.", "k", "cool", "great!", "perfect", "got it", "thank you so much!", "thanks, bye", "cheers",
               "ta", "ok thanks", "Thanks a lot for your help!", "that's all, thank you", "Great, thanks again!", "👍",
               "🙏", "👍👍", "Thanks 😊", "Perfect, that's all I needed", "Okay, no worries, thanks"],
        "ru": ["спасибо", "ок", "Хорошо, спасибо", "понятно, спасибо", "До свидания!", "благодарю", "Спасибо большое!",
               "Ясно, спасибо за помощь", "ладно, пока", "Всё понятно, спасибо", "Спасибо 🙏"],
        "pl": ["dzięki", "Dziękuję", "ok, dzięki", "super, dziękuję", "do widzenia", "Dziekuje bardzo!",
               "Wszystko jasne, dzięki", "dobra, na razie", "Rozumiem, dziękuję za pomoc", "Spoko, dzięki 👍"],
        "zh": ["谢谢", "好的", "好的谢谢", "再见", "明白了，谢谢", "谢谢你的帮助！", "好的，拜拜", "收到，谢谢", "非常感谢",
               "知道了"],
    },
    Intent.GREETING: {
        "en": ["hi", "Hello!", "hey there", "Good morning", "hi, good evening", "hello there!", "hiya",
               "Is anyone there?"],
        "ru": ["Привет", "Здравствуйте!", "Добрый день", "доброе утро", "Приветствую", "здрасте", "Добрый вечер!",
               "Привет, есть кто?"],
        "pl": ["Cześć", "Dzień dobry!", "witam", "Hej", "dobry wieczór", "Witam serdecznie", "siema", "halo"],
        "zh": ["你好", "您好！", "早上好", "下午好", "晚上好", "嗨", "在吗？", "你好，在吗"],
    },
    Intent.BOT_QUESTION: {
        "en": ["are you a bot?", "Am I talking to a real person?", "is this automated?",
               "Are you a bot or a real person?",
               "are you human?", "Hi, is this a bot?", "you're a bot, aren't you?", "Is a real person reading this?",
               "Am I chatting with an AI?"],
        "ru": ["ты бот?", "это робот отвечает?", "Вы живой человек?", "Я общаюсь с ботом?", "Вы бот или человек?",
               "Здравствуйте, это бот?", "со мной говорит робот?", "Ты настоящий?"],
        "pl": ["czy rozmawiam z botem?", "jesteś człowiekiem?", "Czy to bot?", "Jesteś botem czy człowiekiem?",
               "Rozmawiam z prawdziwą osobą?", "Cześć, jesteś robotem?", "Czy odpowiada mi bot?",
               "Czy ty jesteś prawdziwy?"],
        "zh": ["你是机器人吗？", "你是真人吗", "是机器人在回复吗？", "你好，你是人吗？", "你是不是机器人", "这是自动回复吗",
               "我在跟机器人聊天吗？", "请问你是真人还是机器人？"],
    },
    Intent.SMALL_TALK: {
        "en": ["you're great", "How are you?", "nice bot", "haha", "lol", "You're the best!", "good bot", "hahaha",
               "what's your name?"],
        "ru": ["Как дела?", "Ты молодец", "хаха", "Умный бот", "Вы лучшие!", "Как тебя зовут?", "ахаха",
               "Привет, как дела?"],
        "pl": ["Jak się masz?", "Jesteś super", "hehe", "Fajny bot", "xD", "Co słychać?", "Jak masz na imię?",
               "Jesteś najlepszy!"],
        "zh": ["你好吗", "哈哈", "你真棒", "你好聪明", "你叫什么名字？", "哈哈哈哈", "你太厉害了", "呵呵"],
    },
    Intent.NEVER_MIND: {
        "en": ["never mind", "forget it", "Nevermind, it doesn't matter", "nvm", "Oh, forget about it",
               "no need anymore", "it doesn't matter", "ignore my last message"],
        "ru": ["неважно", "Забудьте", "Ладно, не важно", "проехали", "уже не надо", "забей",
        "Уже не нужно, спасибо",
               "ничего не надо"],
        "pl": ["nieważne", "Zapomnij", "Mniejsza o to", "już nie trzeba", "nie ważne, dzięki", "Daj spokój",
               "odpuszczam", "nie szkodzi"],
        "zh": ["算了", "算了吧", "不用了", "没关系", "当我没说", "不用了，谢谢", "不需要了", "别管了"],
    },
    Intent.NONE: {
        "en": ["ok but when?", "thanks, and my refund?", "Thanks, but where is my refund?", "ok so where is my parcel",
               "great, it still hasn't arrived", "thanks for nothing", "ok 48213", "hi, I was charged twice",
               "Hello, where is my order #48213?", "Are you a bot? My parcel is late", "Is this a bot? I want a refund",
               "I was told by a bot that my order shipped", "never mind the refund, where is my parcel?",
               "forget it, I want to cancel", "It's fine, I sorted it myself", "yes", "no", "", "🙁", "thanks 🙄",
               "👎"],
        "ru": ["Спасибо, а когда вернут деньги?", "ок, но когда?", "Хорошо, а посылка где?",
               "Спасибо, но мне нужен возврат", "понятно, но заказ так и не пришёл",
               "Здравствуйте, у меня дважды списали деньги", "Привет, посылка не пришла", "Ты бот? Где мой заказ?",
               "неважно, где мой заказ?", "Спасибо 😡"],
        "pl": ["dzięki, ale gdzie jest mój zwrot?", "ok, ale kiedy?", "Dobrze, a co z paczką?",
               "super, ale nadal nie działa", "nie rozumiem", "Dzień dobry, paczka nie dotarła",
               "Cześć, chcę zwrócić buty", "Czy to bot? Paczka nie doszła", "nieważne, chcę anulować zamówienie",
               "ok 😡"],
        "zh": ["谢谢，但是我的退款呢？", "好的，那什么时候到？", "好，但是还没收到", "谢谢，我的订单在哪里", "好慢",
               "你好，我被扣了两次钱", "您好，我的包裹没到", "你是机器人吗？我的退款在哪里", "算了，我要退款", "可以吗？"],
    },
}
"""Short messages by what they do and their language; NONE holds look-alikes that also carry content."""


@pytest.mark.parametrize(
    ("text", "intent"),
    [(text, intent) for intent, by_language in _ACTS.items() for texts in by_language.values() for text in texts],
)
def test_a_short_message_is_read_as_the_act_it_is_and_content_stays_content(text: str, intent: Intent) -> None:
    assert read_intent(text) is intent


def test_every_act_is_checked_with_at_least_eight_messages_in_every_language() -> None:
    counts = {(intent, language): len(set(texts)) for intent, by_language in _ACTS.items()
              for language, texts in by_language.items()}
    assert set(counts) == {(intent, language) for intent in Intent for language in ("en", "ru", "pl", "zh")}
    assert min(counts.values()) >= 8


_REQUESTS = [
    "I want this fixed today", "Can you get it fixed?", "I need this sorted by Friday", "please refund me",
    "could you check?", "Can you please send a new one", "I'd like a refund",
    "Is it possible to change the address?",
    "Хочу, чтобы это исправили сегодня", "Можете проверить?", "Верните деньги, пожалуйста",
    "Мне нужно решить это до пятницы",
    "Отмените заказ", "Прошу вернуть деньги", "Не могли бы вы уточнить статус?", "Сделайте что-нибудь!",
    "Chcę, żeby to naprawiono dzisiaj", "Możecie to sprawdzić?", "Proszę o zwrot pieniędzy",
    "Potrzebuję tego do piątku",
    "Anulujcie zamówienie", "Czy da się zmienić adres?", "Zwróćcie mi pieniądze", "Sprawdź to, proszę",
    "我要今天解决", "请帮我查一下", "能不能退款？", "我需要周五之前解决", "麻烦尽快处理", "请给我退款", "你们能换一个吗",
    "我想改地址", "Would you mind checking my order?", "Fix it", "Мне надо поменять адрес", "帮忙看一下",
]

_NOT_REQUESTS = [
    "Thanks, that solved it!", "Where is my order?", "It works now", "Спасибо, всё работает", "Где мой заказ?",
    "уже не надо", "Мне не нужно", "Dziękuję, już działa", "Gdzie jest paczka?", "谢谢，解决了", "请问我的订单在哪里", "ok",
]

_CORRECTIONS = [
    "no, it's #48214", "sorry, I meant 48214", "wrong number, it's 48215", "Oops, typo: 60312",
    "No, the order number is 48214", "Actually it should be anna@example.com", "I gave you the wrong email",
    "my mistake, it's 77120",
    "нет, номер 48214", "ой, не тот номер", "Извините, я ошибся: 48214", "Опечатка, правильный номер 48214",
    "Я имел в виду заказ 60311", "Нет, 48214", "Перепутал, вот верный номер: 48214", "Точнее, 48214",
    "nie, to #48214", "pomyliłem się", "Przepraszam, chodziło mi o 48214", "Zły numer, poprawny to 48214",
    "Pomyliłam się, to 60311", "Nie, numer 48214", "literówka, 48214", "Nie ten numer, 48215",
    "不对，是48214", "说错了", "我写错了，应该是48214", "不是48213，是48214", "打错了，是60311", "更正一下：48214",
    "我的意思是48214", "输错了", "Sorry, wrong order number: 55123", "No no, 48214 not 48213",
    "Не 48213, а 48214", "Sorry, pomyłka, numer to 48214", "I mean 48214",
]

_NOT_CORRECTIONS = [
    "no", "No, it hasn't arrived", "no, it's been 5 days", "My order is 48214", "Нет, посылка не пришла уже 5 дней",
    "нет", "Nie, to nie działa", "Nie dotarło", "不对劲，包裹一直没到", "尺码不对", "you sent the wrong size",
    "It should be here by now", "Курьер ошибся адресом", "Курьер перепутал посылки", "应该是今天到的", "你们搞错了",
    "To pomyłka, nie zamawiałem tego", "No, I mean it", "Не пришло, а я жду",
]

_SARCASM = [
    "Oh brilliant, my next-day delivery is now on day six. Great service, really.", "Thanks for nothing",
    "Wow, amazing, third week waiting", "Great, still no parcel", "Perfect, it's broken again",
    "Great, that really solved it, not", "Excellent service, nobody answers", "Well done, lost my order twice",
    "Ну спасибо, отличный сервис, третью неделю жду", "Супер, посылка опять задерживается",
    "Отлично, до сих пор ничего не пришло", "Прекрасно, никто не отвечает",
    "Super, naprawdę świetna obsługa, paczki nie ma od tygodnia", "Świetnie, znowu opóźnienie",
    "Wspaniale, nadal czekam", "Brawo, paczka zgubiona", "Dzięki za nic", "Thanks 🙄", "Спасибо 😡",
    "真棒，等了一个星期还没到", "Fantastic. Another week without my parcel.", "Lovely, the box arrived crushed", "太好了，又丢了",
    "真行，一个月了还没收到", "厉害，没人回复", "真是谢谢你们了",
]

_NOT_SARCASM = [
    "Great, thanks!", "Perfect, it arrived today", "Thanks, have a nice day", "Thanks again", "My parcel is late",
    "Спасибо, больше вопросов нет", "Отлично, всё пришло", "Super, dziękuję, miłego dnia", "Świetnie, dotarło",
    "太好了，收到了", "谢谢，没有问题了", "Great, I'll wait then", "Great, thanks, I'm still not sure how to track it",
]


@pytest.mark.parametrize("text", _REQUESTS)
def test_asking_for_action_or_setting_a_need_is_a_request(text: str) -> None:
    assert is_request(text)


@pytest.mark.parametrize("text", _NOT_REQUESTS)
def test_thanks_and_plain_questions_are_not_requests(text: str) -> None:
    assert not is_request(text)


@pytest.mark.parametrize("text", _CORRECTIONS)
def test_the_customer_correcting_what_they_said_is_a_correction(text: str) -> None:
    assert correction_of(text)


@pytest.mark.parametrize("text", _NOT_CORRECTIONS)
def test_a_plain_no_or_a_complaint_is_not_a_correction(text: str) -> None:
    assert not correction_of(text)


@pytest.mark.parametrize("text", _SARCASM)
def test_praise_with_a_complaint_is_sarcasm(text: str) -> None:
    assert is_sarcastic(text)


@pytest.mark.parametrize("text", _NOT_SARCASM)
def test_sincere_praise_or_a_plain_complaint_is_not_sarcasm(text: str) -> None:
    assert not is_sarcastic(text)
