"""Streaming tar writer for the ETB-1 plaintext (§3).

The output is byte-identical to CPython 3.11 `tarfile` with format=PAX_FORMAT, mode 0o644,
uid=gid=0, empty uname/gname, regular files, including tarfile's end-of-archive blocks and
padding to its 10240-byte record size. The exact layout is documented in
tests/crypto/vectors/README.md so the browser implementation can match it byte for byte.
We write the headers ourselves (rather than driving `tarfile`) so the bytes do not depend on
the Python version and so file data streams straight through without buffering.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

from crypto.errors import InvalidInput

BLOCK = 512
RECORD = 10240
_NUL = b"\x00"
_MAX_OCTAL_11 = 8**11
_COPY_BUF = 1 << 20

Write = Callable[[bytes | bytearray | memoryview], object]


def validate_name(name: str) -> None:
    """Top-level file names only: no separators, no dot entries, encodable as UTF-8."""
    if not isinstance(name, str) or not name or name in {".", ".."}:
        raise InvalidInput("file name must be a non-empty name other than . or ..")
    if any(c in name for c in "/\\\x00"):
        raise InvalidInput(f"file name must not contain / \\ or NUL: {name!r}")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"file name is not valid Unicode: {name!r}") from None


def _octal(value: int, width: int) -> bytes:
    return b"%0*o" % (width - 1, value) + _NUL


def _field(text: bytes, width: int) -> bytes:
    return text[:width] + _NUL * (width - len(text[:width]))


def _ustar_block(name: bytes, mode: int, size: int, mtime: int, typeflag: bytes) -> bytes:
    parts = [
        _field(name, 100),
        _octal(mode, 8),
        _octal(0, 8),  # uid
        _octal(0, 8),  # gid
        _octal(size, 12),
        _octal(mtime, 12),
        b"        ",  # checksum placeholder
        typeflag,
        _NUL * 100,  # linkname
        b"ustar\x0000",
        _NUL * 32,  # uname
        _NUL * 32,  # gname
        _NUL * 8,  # devmajor (empty for regular files, as tarfile writes)
        _NUL * 8,  # devminor
        _NUL * 155,  # prefix
    ]
    block = b"".join(parts).ljust(BLOCK, _NUL)
    checksum = 256 + sum(block[:148]) + sum(block[156:])
    return block[:148] + b"%06o\x00 " % checksum + block[156:]


def _pax_record(keyword: str, value: str) -> bytes:
    kw, val = keyword.encode("utf-8"), value.encode("utf-8")
    base = len(kw) + len(val) + 3
    n = p = 0
    while True:  # the length prefix counts its own digits
        n = base + len(str(p))
        if n == p:
            break
        p = n
    return str(p).encode("ascii") + b" " + kw + b"=" + val + b"\n"


def _pad(length: int, multiple: int) -> bytes:
    return _NUL * (-length % multiple)


def file_header(name: str, size: int, mtime: int) -> bytes:
    """Header block(s) for one regular file: optional pax extended header + ustar header."""
    validate_name(name)
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidInput("file size must be a non-negative integer")
    if isinstance(mtime, bool) or not isinstance(mtime, int) or not 0 <= mtime < _MAX_OCTAL_11:
        raise InvalidInput("mtime must be an integer in 0 .. 8**11-1")
    records = b""
    if not name.isascii() or len(name) > 100:
        records += _pax_record("path", name)
    ustar_size = size
    if size >= _MAX_OCTAL_11:
        records += _pax_record("size", str(size))
        ustar_size = 0
    out = b""
    if records:
        out += _ustar_block(b"././@PaxHeader", 0, len(records), 0, b"x")
        out += records + _pad(len(records), BLOCK)
    ascii_name = name.encode("ascii", "replace")
    return out + _ustar_block(ascii_name, 0o644, ustar_size, mtime, b"0")


class TarWriter:
    """Push-style tar writer: `add_file` streams a file's bytes to `write`; `close` ends it."""

    def __init__(self, write: Write) -> None:
        self._write = write
        self._offset = 0
        self._names: set[str] = set()
        self._closed = False

    @property
    def offset(self) -> int:
        return self._offset

    def _emit(self, data: bytes | bytearray | memoryview) -> None:
        if data:
            self._write(data)
            self._offset += len(data)

    def add_file(self, name: str, size: int, mtime: int, source: BinaryIO) -> None:
        if self._closed:
            raise InvalidInput("tar archive already closed")
        if name in self._names:
            raise InvalidInput(f"duplicate file name {name!r}")
        self._names.add(name)
        self._emit(file_header(name, size, mtime))
        remaining = size
        buf = bytearray(min(_COPY_BUF, max(size, 1)))
        view = memoryview(buf)
        readinto = getattr(source, "readinto", None)
        while remaining:
            want = min(len(buf), remaining)
            if readinto is not None:
                got = readinto(view[:want])
            else:  # plain read() sources (some upload wrappers)
                block = source.read(want)
                got = len(block)
                view[:got] = block
            if not got:
                raise InvalidInput(f"file {name!r} ended before its declared size")
            self._emit(view[:got])
            remaining -= got
        self._emit(_pad(size, BLOCK))

    def add_bytes(self, name: str, data: bytes, mtime: int) -> None:
        self.add_file(name, len(data), mtime, io.BytesIO(data))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._emit(_NUL * (2 * BLOCK))
        self._emit(_pad(self._offset, RECORD))


def padded_length(tar_length: int, chunk_size: int) -> int:
    """§3: the tar followed by zeros up to a multiple of the chunk size."""
    return tar_length + (-tar_length % chunk_size)
