"""Every kind of damage to a sealed blob fails with its own specific error."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from crypto.constants import HEADER_LEN, TAG_LEN
from crypto.errors import (
    BadChunkSize,
    BadMagic,
    ChunkAuthFailed,
    ContextMismatch,
    DigestMismatch,
    EtbError,
    KeyCommitMismatch,
    TrailingData,
    TruncatedBlob,
)
from crypto.payload import BlobDigest, open_stream, open_to_path, seal_stream, verify_blob

CTX = hashlib.sha256(b"context").digest()
CHUNK = 64
CT = CHUNK + TAG_LEN


def sealed(size: int) -> tuple[bytes, bytes, BlobDigest]:
    out = io.BytesIO()
    result = seal_stream(io.BytesIO(os.urandom(size)), out, CTX, chunk_size=CHUNK)
    return out.getvalue(), result.dek, result.digest


def open_bytes(
    blob: bytes, dek: bytes, ctx: bytes = CTX, expected: BlobDigest | None = None
) -> bytes:
    staging = io.BytesIO()
    open_stream(
        io.BytesIO(blob),
        staging,
        dek,
        expected_context_hash=ctx,
        chunk_size=CHUNK,
        expected_digest=expected,
    )
    return staging.getvalue()


def flip(blob: bytes, index: int) -> bytes:
    damaged = bytearray(blob)
    damaged[index] ^= 0x01
    return bytes(damaged)


def header_error(offset: int) -> type[EtbError]:
    """Which check catches a flipped bit at this header offset (ETB-1 §4 layout)."""
    if offset < 8:
        return BadMagic
    if offset < 12:
        return BadChunkSize
    if offset < 44:
        return KeyCommitMismatch  # salt: the derived commitment no longer matches
    if offset < 51:
        return ChunkAuthFailed  # nonce prefix: every nonce changes
    if offset < 83:
        return KeyCommitMismatch  # the commitment itself
    return ContextMismatch


def test_it_rejects_every_flipped_header_byte_with_the_right_error() -> None:
    blob, dek, _ = sealed(3 * CHUNK + 10)
    for offset in range(HEADER_LEN):
        with pytest.raises(header_error(offset)):
            open_bytes(flip(blob, offset), dek)


def test_it_rejects_any_flipped_body_byte() -> None:
    blob, dek, _ = sealed(2 * CHUNK + 10)
    for offset in range(HEADER_LEN, len(blob)):
        with pytest.raises(ChunkAuthFailed):
            open_bytes(flip(blob, offset), dek)


def test_it_reports_a_dropped_last_chunk_as_truncation() -> None:
    blob, dek, _ = sealed(3 * CHUNK + 10)
    with pytest.raises(TruncatedBlob):
        open_bytes(blob[: HEADER_LEN + 3 * CT], dek)


def test_it_reports_a_full_last_chunk_dropped_as_truncation() -> None:
    blob, dek, _ = sealed(3 * CHUNK)
    with pytest.raises(TruncatedBlob):
        open_bytes(blob[: HEADER_LEN + 2 * CT], dek)


@pytest.mark.parametrize("cut", [1, 5, TAG_LEN - 1])
def test_it_reports_a_blob_ending_inside_a_tag_as_truncation(cut: int) -> None:
    blob, dek, _ = sealed(2 * CHUNK)
    with pytest.raises(TruncatedBlob):
        open_bytes(blob[: HEADER_LEN + CT + cut], dek)


def test_it_rejects_a_blob_cut_inside_the_last_chunk() -> None:
    blob, dek, _ = sealed(2 * CHUNK)
    with pytest.raises(ChunkAuthFailed):
        open_bytes(blob[:-3], dek)


def test_it_reports_a_header_only_blob_as_truncation() -> None:
    blob, dek, _ = sealed(10)
    for cut in (HEADER_LEN, HEADER_LEN - 1, 20):
        with pytest.raises(TruncatedBlob):
            open_bytes(blob[:cut], dek)


def test_it_rejects_swapped_chunks() -> None:
    blob, dek, _ = sealed(3 * CHUNK + 10)
    body = [blob[HEADER_LEN + i * CT : HEADER_LEN + (i + 1) * CT] for i in range(4)]
    swapped = blob[:HEADER_LEN] + body[1] + body[0] + body[2] + body[3]
    with pytest.raises(ChunkAuthFailed):
        open_bytes(swapped, dek)


def test_it_rejects_bytes_after_a_full_last_chunk_as_trailing_data() -> None:
    blob, dek, _ = sealed(2 * CHUNK)
    for extra in (b"\x00", os.urandom(CT), os.urandom(CT + 5)):
        with pytest.raises(TrailingData):
            open_bytes(blob + extra, dek)


def test_it_rejects_bytes_after_a_short_last_chunk() -> None:
    blob, dek, digest = sealed(2 * CHUNK + 10)
    # Without the receipt the reader cannot know where the short chunk ended: it fails auth.
    with pytest.raises(ChunkAuthFailed):
        open_bytes(blob + b"\x00", dek)
    # With the receipt digest the size alone tells.
    with pytest.raises(TrailingData):
        open_bytes(blob + b"\x00", dek, expected=digest)
    with pytest.raises(TruncatedBlob):
        open_bytes(blob[:-1], dek, expected=digest)


def test_it_rejects_a_blob_for_another_context() -> None:
    blob, dek, _ = sealed(10)
    with pytest.raises(ContextMismatch):
        open_bytes(blob, dek, ctx=hashlib.sha256(b"another submission").digest())


def test_it_rejects_a_wrong_key() -> None:
    blob, _, _ = sealed(10)
    with pytest.raises(KeyCommitMismatch):
        open_bytes(blob, os.urandom(32))


def test_it_checks_the_receipt_digest() -> None:
    blob, dek, digest = sealed(CHUNK + 1)
    other = BlobDigest(
        header_hash=digest.header_hash,
        root=hashlib.sha256(b"x").digest(),
        size=digest.size,
        chunks=digest.chunks,
        context_hash=digest.context_hash,
    )
    with pytest.raises(DigestMismatch):
        open_bytes(blob, dek, expected=other)
    assert len(open_bytes(blob, dek, expected=digest)) == CHUNK + 1


def test_it_detects_structural_damage_without_keys() -> None:
    blob, _, digest = sealed(2 * CHUNK + 10)
    assert verify_blob(io.BytesIO(blob), chunk_size=CHUNK) == digest
    assert verify_blob(io.BytesIO(flip(blob, 200)), chunk_size=CHUNK).root != digest.root
    with pytest.raises(BadMagic):
        verify_blob(io.BytesIO(flip(blob, 0)), chunk_size=CHUNK)
    with pytest.raises(TruncatedBlob):
        verify_blob(io.BytesIO(blob[: HEADER_LEN + 2 * CT + 3]), chunk_size=CHUNK)
    with pytest.raises(TruncatedBlob):
        verify_blob(io.BytesIO(blob[:HEADER_LEN]), chunk_size=CHUNK)


def test_it_releases_no_plaintext_when_the_last_chunk_fails(tmp_path: Path) -> None:
    blob, dek, _ = sealed(3 * CHUNK + 10)
    dest = tmp_path / "bid.tar"
    with pytest.raises(ChunkAuthFailed):
        open_to_path(
            io.BytesIO(flip(blob, len(blob) - 1)),
            dest,
            dek,
            expected_context_hash=CTX,
            chunk_size=CHUNK,
        )
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []  # no staging file left behind either


def test_it_releases_no_plaintext_when_the_last_chunk_is_missing(tmp_path: Path) -> None:
    blob, dek, _ = sealed(3 * CHUNK)
    dest = tmp_path / "bid.tar"
    with pytest.raises(TruncatedBlob):
        open_to_path(io.BytesIO(blob[:-CT]), dest, dek, expected_context_hash=CTX, chunk_size=CHUNK)
    assert list(tmp_path.iterdir()) == []


def test_it_releases_the_plaintext_after_the_last_chunk(tmp_path: Path) -> None:
    data = os.urandom(3 * CHUNK + 10)
    out = io.BytesIO()
    result = seal_stream(io.BytesIO(data), out, CTX, chunk_size=CHUNK)
    dest = tmp_path / "bid.tar"
    open_to_path(
        io.BytesIO(out.getvalue()), dest, result.dek, expected_context_hash=CTX, chunk_size=CHUNK
    )
    assert dest.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["bid.tar"]


def test_it_never_puts_the_key_in_error_messages() -> None:
    blob, dek, _ = sealed(10)
    with pytest.raises(EtbError) as caught:
        open_bytes(flip(blob, 100), dek)
    assert dek.hex() not in str(caught.value)
    assert dek.hex() not in repr(caught.value)
