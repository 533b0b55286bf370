"""A helpdesk's keys: a Standard Webhooks signing secret, and a bearer token stored only as its hash."""

from __future__ import annotations

import base64
import hashlib

from bot.service.helpdesk_keys import new_inbound_token, new_signing_secret, token_hash


def test_a_signing_secret_is_in_the_standard_webhooks_form_and_new_each_time() -> None:
    secret = new_signing_secret()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert new_signing_secret() != secret


def test_an_inbound_token_fits_an_authorization_header_and_is_new_each_time() -> None:
    token = new_inbound_token()

    assert len(token) >= 43
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert new_inbound_token() != token


def test_a_token_is_stored_as_its_sha256_which_finds_it_again_but_does_not_reveal_it() -> None:
    token = new_inbound_token()

    assert token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert token_hash(token) == token_hash(token)
    assert token not in token_hash(token) and len(token_hash(token)) == 64
    assert token_hash(new_inbound_token()) != token_hash(token)
