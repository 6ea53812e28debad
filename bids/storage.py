"""Sealed blobs in storage: parts streamed in with a checksum, read back as one stream.

A blob is the sequence of its UploadParts (client uploads) or of the parts the server wrote
while sealing. Nothing here ever holds more than one buffer of a part in memory.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterator
from typing import Any, Protocol

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, TooLarge

READ_BLOCK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def storage() -> Storage:
    return default_storage


def part_prefix(notice_id: int, submission_id: str) -> str:
    return f"bids/{notice_id}/{submission_id}/"


def new_part_name(notice_id: int, submission_id: str, index: int) -> str:
    # A fresh random suffix: a retried part never overwrites one a finalise may be reading.
    return f"{part_prefix(notice_id, submission_id)}part-{index:06d}-{secrets.token_hex(6)}"


class _CountingHashingStream(File):
    """Wraps a request stream: counts, hashes and caps the bytes as storage reads them."""

    def __init__(self, source: Readable, limit: int, too_large: str) -> None:
        super().__init__(None, name="part")
        self._source = source
        self._limit = limit
        self._too_large = too_large
        self.sha256 = hashlib.sha256()
        self.size_read = 0

    def read(self, size: int = -1) -> bytes:
        want = READ_BLOCK if size is None or size < 0 else min(size, READ_BLOCK)
        data = self._source.read(want)
        if data:
            self.size_read += len(data)
            if self.size_read > self._limit:
                raise TooLarge(self._too_large)
            self.sha256.update(data)
        return data

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        while data := self.read(chunk_size or READ_BLOCK):
            yield data

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        return True

    def seek(self, *args: object) -> int:  # storage backends may rewind a fresh stream
        return 0

    def tell(self) -> int:
        return self.size_read

    def close(self) -> None:
        pass


def store_stream(name: str, source: Readable, *, limit: int,
                 too_large: str) -> tuple[str, int, str]:
    """Stream `source` into storage under `name`; (stored name, size, sha256 hex).

    On any failure the partial object is deleted and the error re-raised.
    """
    wrapper = _CountingHashingStream(source, limit, too_large)
    stored = ""
    try:
        stored = storage().save(name, wrapper)
    except BaseException:
        delete_quietly(name)
        raise
    return stored, wrapper.size_read, wrapper.sha256.hexdigest()


def delete_quietly(name: str) -> None:
    if not name:
        return
    try:
        storage().delete(name)
    except OSError:
        pass


def delete_folder(prefix: str) -> int:
    """Delete every file under `prefix` (one level, as parts are stored). Idempotent."""
    try:
        _dirs, files = storage().listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for name in files:
        delete_quietly(f"{prefix.rstrip('/')}/{name}")
    return len(files)


class ConcatenatedReader(io.RawIOBase):
    """The parts of a blob, in order, as one read-only stream."""

    def __init__(self, names: list[str]) -> None:
        self._names = list(names)
        self._current: File[Any] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while True:
            if self._current is None:
                if not self._names:
                    return 0
                self._current = storage().open(self._names.pop(0), "rb")
            data = self._current.read(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
            self._current.close()
            self._current = None

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
        super().close()


class PartWriter:
    """A writable sink that stores what it receives as fixed-size parts (server sealing)."""

    def __init__(self, notice_id: int, submission_id: str, part_bytes: int,
                 max_total: int, too_large: str) -> None:
        self._notice_id = notice_id
        self._submission_id = submission_id
        self._part_bytes = part_bytes
        self._max_total = max_total
        self._too_large = too_large
        self._buf = bytearray()
        self.total = 0
        self.parts: list[tuple[int, str, int, str]] = []  # (index, name, size, sha256)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        length = len(view)
        self.total += length
        if self.total > self._max_total:
            raise TooLarge(self._too_large)
        while view:
            take = min(self._part_bytes - len(self._buf), len(view))
            self._buf += view[:take]
            view = view[take:]
            if len(self._buf) == self._part_bytes:
                self._flush()
        return length

    def _flush(self) -> None:
        if not self._buf:
            return
        index = len(self.parts)
        name = new_part_name(self._notice_id, self._submission_id, index)
        data = bytes(self._buf)
        self._buf.clear()
        stored, size, digest = store_stream(name, io.BytesIO(data), limit=len(data),
                                            too_large=self._too_large)
        self.parts.append((index, stored, size, digest))

    def close(self) -> None:
        self._flush()

    def discard(self) -> None:
        self._buf.clear()
        for _index, name, _size, _digest in self.parts:
            delete_quietly(name)
        self.parts.clear()


class HashingPartWriter(PartWriter):
    """A PartWriter that also takes the SHA-256 of everything written (the whole blob) on the
    way in; each part's own SHA-256 is taken as it is stored, so nothing is read back (the
    combined upload and finalise route). Holds at most one part of `part_bytes` in memory."""

    def __init__(self, notice_id: int, submission_id: str, part_bytes: int,
                 max_total: int, too_large: str) -> None:
        super().__init__(notice_id, submission_id, part_bytes, max_total, too_large)
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes | bytearray | memoryview) -> int:
        length = super().write(data)
        self.sha256.update(data)
        return length


def require_hex_sha256(value: str | None) -> str:
    value = (value or "").strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ApplicationError(_("Send the part's SHA-256 as 64 hex characters in the "
                               "X-Content-SHA256 header."), code="checksum_required")
    return value
