"""The §3 tar stream is byte-identical to CPython's tarfile in PAX format."""

from __future__ import annotations

import io
import sys
import tarfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.errors import InvalidInput
from crypto.tarstream import TarWriter, file_header, padded_length

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"),
    min_size=1,
    max_size=120,
).filter(lambda n: n not in {".", ".."})


def reference_tar(files: list[tuple[str, bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data, mtime in files:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def our_tar(files: list[tuple[str, bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    writer = TarWriter(buffer.write)
    for name, data, mtime in files:
        writer.add_bytes(name, data, mtime)
    writer.close()
    return buffer.getvalue()


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="reference output is CPython 3.11's")
@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(names, st.binary(max_size=1500), st.integers(min_value=0, max_value=8**11 - 1)),
        max_size=4,
        unique_by=lambda f: f[0],
    )
)
def test_it_writes_exactly_what_tarfile_writes(files: list[tuple[str, bytes, int]]) -> None:
    assert our_tar(files) == reference_tar(files)


def test_it_reads_back_with_tarfile() -> None:
    files = [("prisskjema-æøå.txt", b"pris", 1767225600), ("a" * 150, b"", 0)]
    with tarfile.open(fileobj=io.BytesIO(our_tar(files))) as tar:
        assert [(m.name, m.size, m.mtime, m.mode) for m in tar] == [
            ("prisskjema-æøå.txt", 4, 1767225600, 0o644),
            ("a" * 150, 0, 0, 0o644),
        ]


def test_it_ends_an_empty_archive_with_one_record_of_zeros() -> None:
    assert our_tar([]) == bytes(10240)


def test_it_puts_huge_sizes_in_a_pax_record() -> None:
    header = file_header("big.bin", 8**11, 0)
    assert b"size=8589934592\n" in header
    assert header[-512 + 124 : -512 + 136] == b"00000000000\x00"


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a\\b", "a\x00b"])
def test_it_refuses_names_that_are_not_plain_file_names(name: str) -> None:
    with pytest.raises(InvalidInput):
        file_header(name, 0, 0)


def test_it_refuses_duplicate_names() -> None:
    writer = TarWriter(io.BytesIO().write)
    writer.add_bytes("a.txt", b"1", 0)
    with pytest.raises(InvalidInput):
        writer.add_bytes("a.txt", b"2", 0)


def test_it_pads_to_a_multiple_of_the_chunk_size() -> None:
    assert padded_length(10240, 1 << 20) == 1 << 20
    assert padded_length(1 << 20, 1 << 20) == 1 << 20
    assert padded_length((1 << 20) + 1, 1 << 20) == 2 << 20


class ReadOnly:
    """A source with read() but no readinto(), like some upload wrappers."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._inner.read(min(n, 7) if n >= 0 else n)


def test_it_streams_from_sources_without_readinto() -> None:
    data = bytes(range(256)) * 10
    via_read, via_readinto = io.BytesIO(), io.BytesIO()
    first = TarWriter(via_read.write)
    first.add_file("a.bin", len(data), 5, ReadOnly(data))  # type: ignore[arg-type]
    first.close()
    second = TarWriter(via_readinto.write)
    second.add_bytes("a.bin", data, 5)
    second.close()
    assert via_read.getvalue() == via_readinto.getvalue()


def test_it_refuses_a_source_shorter_than_its_declared_size() -> None:
    writer = TarWriter(io.BytesIO().write)
    with pytest.raises(InvalidInput):
        writer.add_file("a.bin", 10, 0, io.BytesIO(b"short"))
