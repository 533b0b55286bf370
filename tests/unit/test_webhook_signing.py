"""Standard Webhooks signatures: the spec's own example, and what a receiver must refuse."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.service.webhook_signing import WebhookSignatureError, signature, signed_headers, verify

# The example of the Standard Webhooks reference libraries (their sign test).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
SENT = dt.datetime.fromtimestamp(SPEC_TIMESTAMP, dt.UTC)


def test_the_signature_is_the_one_the_spec_gives_for_its_example() -> None:
    assert signature(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    assert signature(SPEC_SECRET.removeprefix("whsec_"), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_the_headers_carry_the_id_the_unix_seconds_and_the_signature() -> None:
    assert signed_headers(SPEC_SECRET, SPEC_ID, SENT, SPEC_BODY) == {
        "webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": SPEC_SIGNATURE}


@pytest.mark.parametrize("late", [dt.timedelta(0), dt.timedelta(minutes=5), -dt.timedelta(minutes=5)])
def test_a_signed_request_within_five_minutes_is_accepted(late: dt.timedelta) -> None:
    headers = {"Webhook-Id": SPEC_ID, "Webhook-Timestamp": str(SPEC_TIMESTAMP), "Webhook-Signature": SPEC_SIGNATURE}

    verify(SPEC_SECRET, headers, SPEC_BODY, SENT + late)


def test_one_matching_signature_among_several_is_enough_while_a_secret_is_rotated() -> None:
    headers = signed_headers(SPEC_SECRET, SPEC_ID, SENT, SPEC_BODY)
    headers["webhook-signature"] = f"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {SPEC_SIGNATURE}"

    verify(SPEC_SECRET, headers, SPEC_BODY, SENT)


@pytest.mark.parametrize(("change", "problem"), [
    ({"body": b'{"test": 2432232315}'}, "no v1 signature"),
    ({"secret": "whsec_" + "A" * 43 + "="}, "no v1 signature"),
    ({"now": SENT + dt.timedelta(minutes=5, seconds=1)}, "too far"),
    ({"now": SENT - dt.timedelta(minutes=5, seconds=1)}, "too far"),
    ({"webhook-id": "msg_other"}, "no v1 signature"),
    ({"webhook-timestamp": str(SPEC_TIMESTAMP + 1)}, "no v1 signature"),
    ({"webhook-timestamp": "soon"}, "whole Unix seconds"),
    ({"webhook-signature": "v2," + SPEC_SIGNATURE.removeprefix("v1,")}, "no v1 signature"),
    ({"webhook-signature": None}, "are required"),
    ({"webhook-id": None}, "are required"),
])
def test_a_tampered_replayed_or_unsigned_request_is_refused(change: dict[str, object], problem: str) -> None:
    headers: dict[str, str | None] = {**signed_headers(SPEC_SECRET, SPEC_ID, SENT, SPEC_BODY)}
    headers.update({name: str(value) if value else None for name, value in change.items() if name.startswith("webhook-")})
    sent = {name: value for name, value in headers.items() if value is not None}
    body = change.get("body", SPEC_BODY)
    secret = change.get("secret", SPEC_SECRET)
    now = change.get("now", SENT)
    assert isinstance(body, bytes) and isinstance(secret, str) and isinstance(now, dt.datetime)

    with pytest.raises(WebhookSignatureError, match=problem):
        verify(secret, sent, body, now)


def test_a_secret_that_is_not_base64_is_named_as_the_problem() -> None:
    with pytest.raises(WebhookSignatureError, match="not base64"):
        signature("whsec_not base64!", SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
