"""Signals a person should see sooner, in all four languages."""

import pytest

from nlu.signals import detect_signals


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
    "text", ["It still doesn't work", "That didn't help", "Всё ещё не работает", "Nadal nie działa", "还没解决", "Where is my order?"]
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
