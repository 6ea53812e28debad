"""Member keys are wrapped with a passphrase and only ever unwrapped on the member's side."""

from __future__ import annotations

import json

import pytest

from crypto.errors import MemberKeyError, WeakKdfParameters, WrongPassphrase
from crypto.member_keys import (
    generate_member_key,
    private_key_to_pkcs8,
    unwrap_member_key,
    wrap_member_key,
)

FAST = {"iterations": 1000, "allow_weak_for_tests": True}


def test_it_round_trips_with_the_right_passphrase() -> None:
    key = generate_member_key()
    stored = wrap_member_key(key, key_id="member-a", passphrase="hemmelig", **FAST)
    assert set(stored) == {"key_id", "public_key", "kdf", "iterations", "salt", "nonce", "wrapped"}
    again = unwrap_member_key(stored, "hemmelig", allow_weak_for_tests=True)
    assert private_key_to_pkcs8(again) == private_key_to_pkcs8(key)


def test_it_normalises_the_passphrase_to_nfc() -> None:
    stored = wrap_member_key(
        generate_member_key(), key_id="member-a", passphrase="bl\u00e5b\u00e6r", **FAST
    )
    assert unwrap_member_key(stored, "bla\u030ab\u00e6r", allow_weak_for_tests=True)


def test_it_fails_cleanly_with_a_wrong_passphrase() -> None:
    stored = wrap_member_key(generate_member_key(), key_id="member-a", passphrase="riktig", **FAST)
    with pytest.raises(WrongPassphrase) as caught:
        unwrap_member_key(stored, "feil", allow_weak_for_tests=True)
    assert "riktig" not in str(caught.value) and "feil" not in str(caught.value)
    assert caught.value.__cause__ is None


def test_it_binds_the_key_id() -> None:
    stored = wrap_member_key(generate_member_key(), key_id="member-a", passphrase="pw", **FAST)
    with pytest.raises(WrongPassphrase):
        unwrap_member_key({**stored, "key_id": "member-b"}, "pw", allow_weak_for_tests=True)


def test_it_refuses_a_swapped_public_key() -> None:
    stored = wrap_member_key(generate_member_key(), key_id="member-a", passphrase="pw", **FAST)
    other = wrap_member_key(generate_member_key(), key_id="member-a", passphrase="pw", **FAST)
    with pytest.raises(MemberKeyError):
        unwrap_member_key(
            {**stored, "public_key": other["public_key"]}, "pw", allow_weak_for_tests=True
        )


def test_it_refuses_weak_iterations_unless_explicitly_allowed() -> None:
    key = generate_member_key()
    with pytest.raises(WeakKdfParameters):
        wrap_member_key(key, key_id="member-a", passphrase="pw", iterations=1000)
    stored = wrap_member_key(key, key_id="member-a", passphrase="pw", **FAST)
    with pytest.raises(WeakKdfParameters):
        unwrap_member_key(stored, "pw")


def test_it_uses_600000_iterations_by_default() -> None:
    stored = wrap_member_key(generate_member_key(), key_id="member-a", passphrase="pw")
    assert stored["iterations"] == 600_000
    assert stored["kdf"] == "pbkdf2-sha256"


def test_it_keeps_the_private_key_out_of_the_stored_form() -> None:
    key = generate_member_key()
    stored = wrap_member_key(key, key_id="member-a", passphrase="pw", **FAST)
    assert private_key_to_pkcs8(key).hex() not in json.dumps(stored)
    assert hex(key.private_numbers().private_value)[2:] not in json.dumps(stored)
