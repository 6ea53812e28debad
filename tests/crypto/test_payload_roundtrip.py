"""Streaming seal/open round-trips at every size around the chunk boundaries."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.constants import CHUNK_SIZE, HEADER_LEN, TAG_LEN
from crypto.payload import BlobVerifier, PayloadSealer, open_stream, seal_stream, verify_blob

CTX = hashlib.sha256(b"context").digest()
SMALL = 64


def seal(data: bytes, chunk_size: int = SMALL) -> tuple[bytes, bytes]:
    out = io.BytesIO()
    sealed = seal_stream(io.BytesIO(data), out, CTX, chunk_size=chunk_size)
    return out.getvalue(), sealed.dek


def reopen(blob: bytes, dek: bytes, chunk_size: int = SMALL) -> bytes:
    staging = io.BytesIO()
    open_stream(io.BytesIO(blob), staging, dek, expected_context_hash=CTX, chunk_size=chunk_size)
    return staging.getvalue()


@settings(max_examples=60, deadline=None)
@given(size=st.integers(min_value=0, max_value=5 * SMALL + 1), seed=st.binary(max_size=8))
def test_it_round_trips_any_size(size: int, seed: bytes) -> None:
    data = (hashlib.sha256(seed).digest() * (size // 32 + 1))[:size]
    blob, dek = seal(data)
    chunks = max(1, -(-size // SMALL))
    assert len(blob) == HEADER_LEN + size + TAG_LEN * chunks
    assert reopen(blob, dek) == data


@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 2 * SMALL, 3 * SMALL + 5])
def test_it_round_trips_at_the_chunk_boundaries(size: int) -> None:
    data = os.urandom(size)
    blob, dek = seal(data)
    assert reopen(blob, dek) == data


@pytest.mark.parametrize("size", [0, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE])
def test_it_round_trips_with_the_real_chunk_size(size: int) -> None:
    data = os.urandom(size)
    blob, dek = seal(data, CHUNK_SIZE)
    assert reopen(blob, dek, CHUNK_SIZE) == data


@settings(max_examples=40, deadline=None)
@given(
    data=st.binary(max_size=4 * SMALL + 3),
    pieces=st.lists(st.integers(min_value=1, max_value=3 * SMALL), max_size=12),
)
def test_it_seals_the_same_bytes_when_fed_in_pieces(data: bytes, pieces: list[int]) -> None:
    fixed = {"dek": b"d" * 32, "salt": b"s" * 32, "nonce_prefix": b"n" * 7}
    whole = io.BytesIO()
    expected = seal_stream(io.BytesIO(data), whole, CTX, chunk_size=SMALL, **fixed)
    pushed = io.BytesIO()
    sealer = PayloadSealer(pushed, CTX, chunk_size=SMALL, **fixed)
    offset = 0
    for piece in pieces:
        sealer.write(data[offset : offset + piece])
        offset += piece
    sealer.write(data[offset:])
    assert sealer.finish().digest == expected.digest
    assert pushed.getvalue() == whole.getvalue()


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=4 * SMALL + 3), piece=st.integers(min_value=1, max_value=200))
def test_it_computes_the_same_digest_without_keys(data: bytes, piece: int) -> None:
    out = io.BytesIO()
    sealed = seal_stream(io.BytesIO(data), out, CTX, chunk_size=SMALL)
    blob = out.getvalue()
    assert verify_blob(io.BytesIO(blob), chunk_size=SMALL) == sealed.digest
    verifier = BlobVerifier(chunk_size=SMALL)
    for i in range(0, len(blob), piece):
        verifier.write(blob[i : i + piece])
    assert verifier.finish() == sealed.digest


def test_it_uses_fresh_randomness_for_every_seal() -> None:
    first, dek1 = seal(b"same bid")
    second, dek2 = seal(b"same bid")
    assert dek1 != dek2
    assert first[12:51] != second[12:51]  # salt and nonce prefix
    assert first[HEADER_LEN:] != second[HEADER_LEN:]


def test_it_keeps_secrets_out_of_reprs() -> None:
    out = io.BytesIO()
    sealed = seal_stream(io.BytesIO(b"x"), out, CTX, chunk_size=SMALL)
    assert sealed.dek.hex() not in repr(sealed)
    assert repr(sealed.dek) not in repr(sealed)
