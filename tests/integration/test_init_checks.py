"""``candor init`` checks the Telegram side before it writes anything: the token with getMe, the agents'
group with getChat (a forum?) and getChatMember (may the bot open topics?). Each failure says what to do,
and no message ever contains the token."""

from __future__ import annotations

import pytest

from bot.onboarding.checks import OnlineChecks, SetupError, check_shop
from bot.testing.fake_bot_api import AGENTS_GROUP_ID, FakeBotApi

pytestmark = pytest.mark.no_database


async def test_a_good_token_and_a_forum_group_with_topic_rights_pass(fake_api: FakeBotApi) -> None:
    checks = OnlineChecks(fake_api.base_url)
    assert (await checks.telegram_bot(fake_api.token)).username == "candor_test_bot"
    assert await checks.agents_group(fake_api.token, AGENTS_GROUP_ID) == "Support agents"
    assert {"getMe", "getChat", "getChatMember"} <= set(fake_api.calls)


async def test_a_refused_token_says_where_to_get_a_new_one_without_repeating_it(fake_api: FakeBotApi) -> None:
    wrong = "654321:WRONG-token_value"
    with pytest.raises(SetupError, match="Telegram refused this token.*@BotFather") as refused:
        await OnlineChecks(fake_api.base_url).telegram_bot(wrong)
    assert "WRONG" not in str(refused.value)


async def test_a_bot_api_that_cannot_be_reached_is_named() -> None:
    with pytest.raises(SetupError, match=r"could not reach the Bot API at http://127\.0\.0\.1:9") as refused:
        await OnlineChecks("http://127.0.0.1:9").telegram_bot("123456:SECRET")
    assert "SECRET" not in str(refused.value)


async def test_a_group_without_topics_is_told_to_turn_them_on(fake_api: FakeBotApi) -> None:
    fake_api.chats[-100888] = {"id": -100888, "type": "supergroup", "title": "Shop staff", "is_forum": False}
    with pytest.raises(SetupError, match="'Shop staff' has no topics: .*turn on Topics"):
        await OnlineChecks(fake_api.base_url).agents_group(fake_api.token, -100888)


async def test_a_bot_that_may_not_manage_topics_is_told_what_right_it_needs(fake_api: FakeBotApi) -> None:
    fake_api.bot_rights[AGENTS_GROUP_ID] = {"status": "administrator", "can_manage_topics": False}
    with pytest.raises(SetupError, match="@candor_test_bot cannot manage topics in 'Support agents'.*administrator"):
        await OnlineChecks(fake_api.base_url).agents_group(fake_api.token, AGENTS_GROUP_ID)


async def test_a_group_the_bot_is_not_in_is_named_with_what_to_do(fake_api: FakeBotApi) -> None:
    with pytest.raises(SetupError, match="cannot see the group -100999: add @candor_test_bot"):
        await OnlineChecks(fake_api.base_url).agents_group(fake_api.token, -100999)


async def test_the_shop_backend_answers_its_health_check_or_is_named() -> None:
    assert (await check_shop("demo", None, None)).startswith("demo, version")
    with pytest.raises(SetupError, match="the http shop at http://127.0.0.1:9 did not answer its health check"):
        await check_shop("http", "http://127.0.0.1:9", None)
