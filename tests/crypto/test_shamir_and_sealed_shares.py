"""Shamir shares over GF(2^8) and their HPKE sealing to committee members."""

from __future__ import annotations

import hashlib
import itertools
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import shamir
from crypto.envelope import recover_dek
from crypto.errors import (
    BadShare,
    InvalidInput,
    KeyCommitMismatch,
    NotEnoughShares,
    ShareOpenFailed,
)
from crypto.payload import Header, build_header, derive_keys, parse_header
from crypto.shares import open_share, seal_share

CTX = hashlib.sha256(b"submission 1").digest()


def header_for(dek: bytes) -> Header:
    salt = os.urandom(32)
    _, commit = derive_keys(dek, salt)
    raw = build_header(
        chunk_size=1_048_576,
        salt=salt,
        nonce_prefix=os.urandom(7),
        key_commit=commit,
        context_hash=CTX,
    )
    return parse_header(raw)


def test_it_multiplies_in_the_aes_field() -> None:
    # FIPS-197 §4.2 example: {57} * {83} = {c1}; {57} * {13} = {fe}
    assert shamir.gf_mul(0x57, 0x83) == 0xC1
    assert shamir.gf_mul(0x57, 0x13) == 0xFE
    for a in range(1, 256):
        assert shamir.gf_mul(a, shamir.gf_div(1, a)) == 1


@settings(max_examples=40, deadline=None)
@given(
    secret=st.binary(min_size=1, max_size=40),
    k=st.integers(min_value=2, max_value=6),
    extra=st.integers(min_value=0, max_value=4),
    data=st.data(),
)
def test_it_recombines_any_k_shares(secret: bytes, k: int, extra: int, data: st.DataObject) -> None:
    n = k + extra
    shares = shamir.split(secret, k, n)
    assert all(len(s) == len(secret) + 1 for s in shares)
    assert len({s[-1] for s in shares}) == n and all(s[-1] != 0 for s in shares)
    subset = data.draw(st.permutations(shares))[:k]
    assert shamir.combine(subset) == secret


def test_it_reveals_nothing_with_k_minus_one_shares() -> None:
    # With k-1 shares every candidate secret byte is equally consistent: for one share of a
    # 2-of-n split, each value of the secret's first byte corresponds to exactly one polynomial.
    share = shamir.split(b"\x42", 2, 3)[0]
    x, y = share[-1], share[0]
    candidates = {y ^ shamir.gf_mul(a1, x) for a1 in range(1, 256)}
    assert len(candidates) == 255  # all but y itself (a1 != 0): no value is singled out


def test_it_refuses_malformed_shares() -> None:
    shares = shamir.split(os.urandom(32), 2, 3)
    with pytest.raises(BadShare):
        shamir.combine([shares[0], shares[0]])
    with pytest.raises(BadShare):
        shamir.combine([shares[0], shares[1][:-1] + b"\x00"])
    with pytest.raises(BadShare):
        shamir.combine([shares[0], shares[1][1:]])
    with pytest.raises(NotEnoughShares):
        shamir.combine([shares[0]], k=2)
    with pytest.raises(InvalidInput):
        shamir.split(b"x", 1, 3)
    with pytest.raises(InvalidInput):
        shamir.split(b"x", 4, 3)


def test_it_needs_k_shares_to_recover_the_dek() -> None:
    dek = os.urandom(32)
    shares = shamir.split(dek, 3, 5)
    header = header_for(dek)
    with pytest.raises(NotEnoughShares):
        recover_dek(shares[:2], k=3, header=header)
    assert recover_dek(shares[2:], k=3, header=header).dek == dek


@pytest.mark.parametrize("bad_index", [0, 1, 2, 3])
def test_it_identifies_a_bad_share_among_more_than_k(bad_index: int) -> None:
    dek = os.urandom(32)
    shares = shamir.split(dek, 3, 5)[:4]
    damaged = bytearray(shares[bad_index])
    damaged[5] ^= 0x80
    shares[bad_index] = bytes(damaged)
    header = header_for(dek)
    with_bad = [shares[bad_index], *[s for i, s in enumerate(shares) if i != bad_index][:2]]
    with pytest.raises(KeyCommitMismatch):  # exactly k shares: detected, not identifiable
        recover_dek(with_bad, k=3, header=header)
    recovery = recover_dek(shares, k=3, header=header)
    assert recovery.dek == dek
    assert recovery.bad_shares == [bad_index]


def test_it_fails_when_no_k_subset_is_good() -> None:
    dek = os.urandom(32)
    shares = [bytearray(s) for s in shamir.split(dek, 2, 3)]
    shares[0][0] ^= 1
    shares[1][0] ^= 1
    with pytest.raises(KeyCommitMismatch):
        recover_dek([bytes(s) for s in shares], k=2, header=header_for(dek))


@pytest.fixture(scope="module")
def members() -> list[ec.EllipticCurvePrivateKey]:
    return [ec.generate_private_key(ec.SECP256R1()) for _ in range(2)]


def test_it_seals_a_share_into_114_bytes_that_only_its_member_opens(
    members: list[ec.EllipticCurvePrivateKey],
) -> None:
    share = shamir.split(os.urandom(32), 2, 2)[0]
    sealed = seal_share(share, members[0].public_key(), context_hash=CTX, key_id="member-a")
    assert len(sealed) == 114
    assert open_share(sealed, members[0], context_hash=CTX, key_id="member-a") == share


def test_it_refuses_a_share_sealed_for_another_member(
    members: list[ec.EllipticCurvePrivateKey],
) -> None:
    share = shamir.split(os.urandom(32), 2, 2)[0]
    sealed = seal_share(share, members[0].public_key(), context_hash=CTX, key_id="member-a")
    with pytest.raises(ShareOpenFailed):
        open_share(sealed, members[1], context_hash=CTX, key_id="member-a")
    with pytest.raises(ShareOpenFailed):  # right key, but the info names another member
        open_share(sealed, members[0], context_hash=CTX, key_id="member-b")


def test_it_refuses_a_share_sealed_for_another_submission(
    members: list[ec.EllipticCurvePrivateKey],
) -> None:
    share = shamir.split(os.urandom(32), 2, 2)[0]
    sealed = seal_share(share, members[0].public_key(), context_hash=CTX, key_id="member-a")
    other = hashlib.sha256(b"submission 2").digest()
    with pytest.raises(ShareOpenFailed):
        open_share(sealed, members[0], context_hash=other, key_id="member-a")
    for i in itertools.chain(range(0, 114, 13), [113]):
        damaged = bytearray(sealed)
        damaged[i] ^= 1
        with pytest.raises(ShareOpenFailed):
            open_share(bytes(damaged), members[0], context_hash=CTX, key_id="member-a")
