"""Streaming ETB-1 payload: header, chunked AES-256-GCM seal/open and blob digest (§4, §5).

Memory stays bounded by two chunks whatever the size: sealing keeps one pending plaintext
chunk (the last chunk is only known once the input ends) and opening keeps one ciphertext
chunk of look-ahead (to tell the last chunk from a truncated blob).

The `dek`, `salt` and `nonce_prefix` parameters exist only to reproduce fixed test vectors.
Production code must leave them None: a (key, nonce) pair must never be used twice, and a
fresh DEK per envelope and per attempt guarantees that.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.constants import (
    CHUNK_SIZE,
    DEK_LEN,
    HASH_LEN,
    HEADER_LEN,
    MAGIC,
    NONCE_PREFIX_LEN,
    PAYLOAD_INFO,
    SALT_LEN,
    TAG_LEN,
)
from crypto.errors import (
    BadChunkSize,
    BadMagic,
    ChunkAuthFailed,
    ContextMismatch,
    DigestMismatch,
    InvalidInput,
    KeyCommitMismatch,
    TrailingData,
    TruncatedBlob,
)
from crypto.merkle import StreamingRoot

MAX_CHUNKS = 1 << 32  # the chunk index is a u32 in the nonce
MIN_CHUNK_SIZE = 16  # smaller sizes are only for tests; v1 blobs always use CHUNK_SIZE

Writable = Callable[[memoryview], object]


def derive_keys(dek: bytes, salt: bytes) -> tuple[bytes, bytes]:
    """HKDF-SHA-256(ikm=DEK, salt, info="ETB1/payload", L=64) -> (payload_key, key_commit)."""
    if len(dek) != DEK_LEN or len(salt) != SALT_LEN:
        raise InvalidInput("DEK and salt must be 32 bytes each")
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=salt, info=PAYLOAD_INFO).derive(dek)
    return okm[:32], okm[32:]


def chunk_nonce(nonce_prefix: bytes, index: int, last: bool) -> bytes:
    return nonce_prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


@dataclass(frozen=True)
class Header:
    chunk_size: int
    salt: bytes
    nonce_prefix: bytes
    key_commit: bytes
    context_hash: bytes
    raw: bytes = field(repr=False)

    @property
    def header_hash(self) -> bytes:
        return hashlib.sha256(self.raw).digest()


def build_header(
    *, chunk_size: int, salt: bytes, nonce_prefix: bytes, key_commit: bytes, context_hash: bytes
) -> bytes:
    if len(salt) != SALT_LEN or len(nonce_prefix) != NONCE_PREFIX_LEN:
        raise InvalidInput("salt must be 32 bytes and nonce_prefix 7 bytes")
    if len(key_commit) != HASH_LEN or len(context_hash) != HASH_LEN:
        raise InvalidInput("key_commit and context_hash must be 32 bytes")
    raw = MAGIC + struct.pack(">I", chunk_size) + salt + nonce_prefix + key_commit + context_hash
    assert len(raw) == HEADER_LEN
    return raw


def parse_header(raw: bytes, *, chunk_size: int = CHUNK_SIZE) -> Header:
    """Parse and check a 115-byte header; `chunk_size` is the only size accepted."""
    if raw[: len(MAGIC)] != MAGIC[: len(raw)]:
        raise BadMagic("not an ETB-1 blob (wrong magic)")
    if len(raw) < HEADER_LEN:
        raise TruncatedBlob("blob ends inside the header")
    (size,) = struct.unpack(">I", raw[8:12])
    if size != chunk_size:
        raise BadChunkSize(f"chunk size {size} is not the expected {chunk_size}")
    return Header(
        chunk_size=size,
        salt=raw[12:44],
        nonce_prefix=raw[44:51],
        key_commit=raw[51:83],
        context_hash=raw[83:115],
        raw=bytes(raw[:HEADER_LEN]),
    )


@dataclass(frozen=True)
class BlobDigest:
    """What a receipt binds (§5): header hash, Merkle root, total blob size, chunk count."""

    header_hash: bytes
    root: bytes
    size: int
    chunks: int
    context_hash: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "context_hash": self.context_hash.hex(),
            "header_hash": self.header_hash.hex(),
            "root": self.root.hex(),
            "size": self.size,
            "chunks": self.chunks,
        }

    def check_against(self, expected: BlobDigest) -> None:
        if self != expected:
            raise DigestMismatch("the blob does not match its receipt digest")


def _check_chunk_size(chunk_size: int) -> None:
    if not MIN_CHUNK_SIZE <= chunk_size < 1 << 32:
        raise InvalidInput("chunk size out of range")


def _write_all(sink: BinaryIO, data: memoryview) -> None:
    written = sink.write(data)
    # Raw (unbuffered) files may write less; loop so no caller has to care.
    while written is not None and written < len(data):
        data = data[written:]
        written = sink.write(data)


@dataclass(frozen=True)
class SealedPayload:
    """Result of sealing. `dek` is secret: split it into shares, then drop the object."""

    digest: BlobDigest
    dek: bytes = field(repr=False)
    header: bytes = field(repr=False)


class PayloadSealer:
    """Push-based sealer: feed plaintext with `write`/`write_from`, then call `finish`.

    Output (header then ciphertext chunks) goes to `sink` as it is produced.
    """

    def __init__(
        self,
        sink: BinaryIO,
        context_hash: bytes,
        *,
        chunk_size: int = CHUNK_SIZE,
        dek: bytes | None = None,
        salt: bytes | None = None,
        nonce_prefix: bytes | None = None,
    ) -> None:
        _check_chunk_size(chunk_size)
        if len(context_hash) != HASH_LEN:
            raise InvalidInput("context_hash must be 32 bytes")
        self._dek = secrets.token_bytes(DEK_LEN) if dek is None else bytes(dek)
        salt = secrets.token_bytes(SALT_LEN) if salt is None else bytes(salt)
        self._prefix = (
            secrets.token_bytes(NONCE_PREFIX_LEN) if nonce_prefix is None else bytes(nonce_prefix)
        )
        payload_key, key_commit = derive_keys(self._dek, salt)
        self._aead = AESGCM(payload_key)
        self._header = build_header(
            chunk_size=chunk_size,
            salt=salt,
            nonce_prefix=self._prefix,
            key_commit=key_commit,
            context_hash=context_hash,
        )
        self._context_hash = bytes(context_hash)
        self._sink = sink
        self._chunk = chunk_size
        self._buf = bytearray(chunk_size)
        self._spare = bytearray(chunk_size)
        self._out = bytearray(chunk_size + TAG_LEN)
        self._fill = 0
        self._index = 0
        self._size = HEADER_LEN
        self._tree = StreamingRoot()
        self._done = False
        _write_all(sink, memoryview(self._header))

    def __repr__(self) -> str:
        return f"<PayloadSealer chunks={self._index} size={self._size}>"

    def _seal_buffer(self, last: bool) -> None:
        if self._index >= MAX_CHUNKS:
            raise InvalidInput("plaintext too large for ETB-1 (2^32 chunks)")
        n = self._fill
        out = memoryview(self._out)[: n + TAG_LEN]
        self._aead.encrypt_into(
            chunk_nonce(self._prefix, self._index, last),
            memoryview(self._buf)[:n],
            self._header,
            out,
        )
        leaf = hashlib.sha256(b"\x00")
        leaf.update(out)
        self._tree.add_leaf_hash(leaf.digest())
        _write_all(self._sink, out)
        self._size += n + TAG_LEN
        self._index += 1
        self._fill = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self._done:
            raise InvalidInput("sealer already finished")
        view = memoryview(data).cast("B")
        while view:
            if self._fill == self._chunk:  # more data follows, so this chunk is not the last
                self._seal_buffer(last=False)
            take = min(self._chunk - self._fill, len(view))
            self._buf[self._fill : self._fill + take] = view[:take]
            self._fill += take
            view = view[take:]

    def write_from(self, source: BinaryIO) -> None:
        """Read `source` to its end straight into the chunk buffers (no extra copies)."""
        if self._done:
            raise InvalidInput("sealer already finished")
        readinto = getattr(source, "readinto", None)
        if readinto is None:
            while block := source.read(self._chunk):
                self.write(block)
            return
        while True:
            if self._fill == self._chunk:
                got = _read_some(readinto, memoryview(self._spare))
                if not got:
                    return
                self._seal_buffer(last=False)
                self._buf, self._spare = self._spare, self._buf
                self._fill = got
            else:
                got = _read_some(readinto, memoryview(self._buf)[self._fill :])
                if not got:
                    return
                self._fill += got

    def finish(self) -> SealedPayload:
        if self._done:
            raise InvalidInput("sealer already finished")
        self._seal_buffer(last=True)
        self._done = True
        digest = BlobDigest(
            header_hash=hashlib.sha256(self._header).digest(),
            root=self._tree.root(),
            size=self._size,
            chunks=self._index,
            context_hash=self._context_hash,
        )
        return SealedPayload(digest=digest, dek=self._dek, header=self._header)


def _read_some(readinto: Callable[[memoryview], int | None], view: memoryview) -> int:
    got = readinto(view)
    if got is None:
        raise InvalidInput("non-blocking sources are not supported")
    return got


def _read_full(readinto: Callable[[memoryview], int | None], view: memoryview) -> int:
    total = 0
    while total < len(view):
        got = _read_some(readinto, view[total:])
        if not got:
            break
        total += got
    return total


def seal_stream(
    source: BinaryIO,
    sink: BinaryIO,
    context_hash: bytes,
    *,
    chunk_size: int = CHUNK_SIZE,
    dek: bytes | None = None,
    salt: bytes | None = None,
    nonce_prefix: bytes | None = None,
) -> SealedPayload:
    """Seal everything readable from `source` into `sink` (header || chunks)."""
    sealer = PayloadSealer(
        sink, context_hash, chunk_size=chunk_size, dek=dek, salt=salt, nonce_prefix=nonce_prefix
    )
    sealer.write_from(source)
    return sealer.finish()


def _remaining_length(source: BinaryIO) -> int | None:
    try:
        if not source.seekable():
            return None
        here = source.tell()
        end = source.seek(0, os.SEEK_END)
        source.seek(here)
        return end - here
    except (OSError, AttributeError, ValueError):
        return None


def _readinto_of(source: BinaryIO) -> Callable[[memoryview], int | None]:
    readinto = getattr(source, "readinto", None)
    if readinto is not None:
        return readinto  # type: ignore[no-any-return]

    def fallback(view: memoryview) -> int:
        data = source.read(len(view))
        view[: len(data)] = data
        return len(data)

    return fallback


def read_header(source: BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> Header:
    raw = bytearray(HEADER_LEN)
    got = _read_full(_readinto_of(source), memoryview(raw))
    return parse_header(bytes(raw[:got]), chunk_size=chunk_size)


def open_stream(
    source: BinaryIO,
    staging: BinaryIO,
    dek: bytes,
    *,
    expected_context_hash: bytes,
    chunk_size: int = CHUNK_SIZE,
    expected_digest: BlobDigest | None = None,
    header: Header | None = None,
) -> BlobDigest:
    """Decrypt a blob into `staging`, verifying every chunk; returns the blob digest.

    Plaintext is written to `staging` as chunks authenticate, so `staging` must be a private
    scratch sink that the caller releases only when this function returns (see
    `open_to_path`). On any error the staged bytes must be discarded. Pass `header` when the
    caller has already consumed it with `read_header` (to check it before recovering the DEK).
    """
    _check_chunk_size(chunk_size)
    if len(dek) != DEK_LEN:
        raise InvalidInput("DEK must be 32 bytes")
    if expected_digest is not None:
        remaining = _remaining_length(source)
        expected = expected_digest.size - (HEADER_LEN if header is not None else 0)
        if remaining is not None and remaining > expected:
            raise TrailingData("the blob is longer than its receipt says")
        if remaining is not None and remaining < expected:
            raise TruncatedBlob("the blob is shorter than its receipt says")
    if header is None:
        header = read_header(source, chunk_size=chunk_size)
    elif header.chunk_size != chunk_size:
        raise BadChunkSize(f"chunk size {header.chunk_size} is not the expected {chunk_size}")
    if not hmac.compare_digest(header.context_hash, expected_context_hash):
        raise ContextMismatch("the blob was sealed for another submission context")
    payload_key, key_commit = derive_keys(dek, header.salt)
    if not hmac.compare_digest(key_commit, header.key_commit):
        raise KeyCommitMismatch("the reconstructed key does not match the blob's key commitment")
    aead = AESGCM(payload_key)
    aad = header.raw
    readinto = _readinto_of(source)
    ct_len = chunk_size + TAG_LEN
    current = bytearray(ct_len)
    ahead = bytearray(ct_len)
    plain = bytearray(chunk_size)
    tree = StreamingRoot()
    size = HEADER_LEN
    index = 0

    nonce_prefix = header.nonce_prefix

    def decrypt(view: memoryview, last: bool) -> memoryview | None:
        out = memoryview(plain)[: len(view) - TAG_LEN]
        try:
            aead.decrypt_into(chunk_nonce(nonce_prefix, index, last), view, aad, out)
        except InvalidTag:
            return None
        return out

    got = _read_full(readinto, memoryview(current))
    if got == 0:
        raise TruncatedBlob("the blob has no chunks")
    while True:
        if got < TAG_LEN:
            raise TruncatedBlob("the blob ends inside a chunk")
        view = memoryview(current)[:got]
        next_got = _read_full(readinto, memoryview(ahead)) if got == ct_len else 0
        last = next_got == 0
        if index >= MAX_CHUNKS:
            raise TrailingData("more chunks than ETB-1 allows")
        out = decrypt(view, last)
        if out is None:
            # Distinguish a truncated or extended blob from a damaged one by trying the
            # other value of the `last` flag: a chunk authenticates under exactly one.
            if got == ct_len and decrypt(view, not last) is not None:
                if last:
                    raise TruncatedBlob("the blob's last chunk is missing")
                raise TrailingData("there are bytes after the blob's last chunk")
            raise ChunkAuthFailed(f"chunk {index} failed authentication")
        leaf = hashlib.sha256(b"\x00")
        leaf.update(view)
        tree.add_leaf_hash(leaf.digest())
        _write_all(staging, out)
        size += got
        index += 1
        if last:
            break
        current, ahead = ahead, current
        got = next_got
    digest = BlobDigest(
        header_hash=header.header_hash,
        root=tree.root(),
        size=size,
        chunks=index,
        context_hash=header.context_hash,
    )
    if expected_digest is not None:
        digest.check_against(expected_digest)
    return digest


def open_to_path(
    source: BinaryIO,
    dest: Path,
    dek: bytes,
    *,
    expected_context_hash: bytes,
    chunk_size: int = CHUNK_SIZE,
    expected_digest: BlobDigest | None = None,
    header: Header | None = None,
) -> BlobDigest:
    """Decrypt to a hidden temporary file beside `dest`; rename onto `dest` only on success."""
    dest = Path(dest)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as staging:
            digest = open_stream(
                source,
                staging,
                dek,
                expected_context_hash=expected_context_hash,
                chunk_size=chunk_size,
                expected_digest=expected_digest,
                header=header,
            )
            staging.flush()
            os.fsync(staging.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return digest


class BlobVerifier:
    """Keyless structural check and digest of a blob fed in arbitrary pieces (server side).

    Recomputes header_hash, root, size and chunk count; it cannot authenticate chunks (no key),
    but the digest it returns is what the receipt binds, so later tampering is detectable.
    """

    def __init__(self, *, chunk_size: int = CHUNK_SIZE) -> None:
        _check_chunk_size(chunk_size)
        self._chunk_size = chunk_size
        self._ct_len = chunk_size + TAG_LEN
        self._header_buf = bytearray()
        self._header: Header | None = None
        self._leaf = hashlib.sha256(b"\x00")
        self._leaf_fill = 0
        self._tree = StreamingRoot()
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data).cast("B")
        self._size += len(view)
        if self._header is None:
            take = HEADER_LEN - len(self._header_buf)
            self._header_buf += view[:take]
            view = view[take:]
            if len(self._header_buf) == HEADER_LEN:
                self._header = parse_header(bytes(self._header_buf), chunk_size=self._chunk_size)
            elif self._header_buf[: len(MAGIC)] != MAGIC[: len(self._header_buf)]:
                raise BadMagic("not an ETB-1 blob (wrong magic)")
        while view:
            if self._leaf_fill == self._ct_len:
                self._close_leaf()
            take = min(self._ct_len - self._leaf_fill, len(view))
            self._leaf.update(view[:take])
            self._leaf_fill += take
            view = view[take:]

    def _close_leaf(self) -> None:
        if self._tree.count >= MAX_CHUNKS:
            raise TrailingData("more chunks than ETB-1 allows")
        self._tree.add_leaf_hash(self._leaf.digest())
        self._leaf = hashlib.sha256(b"\x00")
        self._leaf_fill = 0

    def finish(self) -> BlobDigest:
        if self._header is None:
            parse_header(bytes(self._header_buf), chunk_size=self._chunk_size)
            raise TruncatedBlob("blob ends inside the header")
        if self._leaf_fill == 0 and self._tree.count == 0:
            raise TruncatedBlob("the blob has no chunks")
        if self._leaf_fill < TAG_LEN and self._leaf_fill != 0:
            raise TruncatedBlob("the blob ends inside a chunk")
        if self._leaf_fill:
            self._close_leaf()
        return BlobDigest(
            header_hash=self._header.header_hash,
            root=self._tree.root(),
            size=self._size,
            chunks=self._tree.count,
            context_hash=self._header.context_hash,
        )


def verify_blob(source: BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> BlobDigest:
    """Recompute a blob's digest without keys (used when the server finalises an upload)."""
    verifier = BlobVerifier(chunk_size=chunk_size)
    buf = bytearray(1 << 20)
    readinto = _readinto_of(source)
    while got := _read_some(readinto, memoryview(buf)):
        verifier.write(memoryview(buf)[:got])
    return verifier.finish()
