import pytest

from nlu.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where is my order? It was due yesterday.", "en"),
        ("Где мой заказ?", "ru"),
        ("Deньги списали дважды", "ru"),
        ("Gdzie jest moje zamówienie?", "pl"),
        ("nie dostałem zwrotu", "pl"),
        ("我的订单在哪里", "zh"),
        ("订单 #123 还没到", "zh"),
        ("👍", "en"),
    ],
)
def test_short_customer_messages_are_recognised(text: str, expected: str) -> None:
    assert detect_language(text) == expected
