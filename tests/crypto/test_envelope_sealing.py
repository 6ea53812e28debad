"""Sealing files to a committee and opening them with k of n members (high-level API)."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from crypto.canonical import context_hash, find_member, manifest_hash, validate_manifest
from crypto.envelope import extract_tar, open_envelope, seal_files, seal_folder
from crypto.errors import (
    ContextMismatch,
    InvalidContext,
    InvalidInput,
    InvalidManifest,
    KeyCommitMismatch,
    ManifestHashMismatch,
    NotEnoughShares,
    UnsafeArchive,
)
from crypto.payload import verify_blob
from crypto.shares import open_share, public_key_hex

KEYS = {f"member-{i}": ec.generate_private_key(ec.SECP256R1()) for i in range(1, 5)}


def committee(k: int = 2, n: int = 3) -> tuple[dict[str, Any], dict[str, Any]]:
    members = [
        {"key_id": key_id, "public_key": public_key_hex(key)}
        for key_id, key in sorted(KEYS.items())[:n]
    ]
    manifest = {"tender": "tender-9", "k": k, "members": members}
    context = {
        "bidder": "org-5",
        "envelope": "offer",
        "k": k,
        "manifest": manifest_hash(manifest).hex(),
        "n": n,
        "submission": "sub-77",
        "tender": "tender-9",
    }
    return manifest, context


def plain_shares(sealed: list[dict[str, str]], ctx: bytes) -> list[bytes]:
    return [
        open_share(
            bytes.fromhex(s["sealed_share"]),
            KEYS[s["key_id"]],
            context_hash=ctx,
            key_id=s["key_id"],
        )
        for s in sealed
    ]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    bid = tmp_path / "bid"
    bid.mkdir()
    (bid / "b.txt").write_bytes(b"second" * 1000)
    (bid / "a.txt").write_bytes(b"first")
    (bid / "prisskjema-æøå.txt").write_bytes(b"pris 100")
    return bid


def test_it_seals_a_folder_and_opens_it_with_k_shares(folder: Path, tmp_path: Path) -> None:
    manifest, context = committee()
    blob = io.BytesIO()
    result = seal_folder(folder, manifest=manifest, context=context, out=blob, chunk_size=4096)
    assert result.digest.context_hash == context_hash(context)
    assert verify_blob(io.BytesIO(blob.getvalue()), chunk_size=4096) == result.digest
    shares = plain_shares(result.sealed_shares, context_hash(context))
    out_tar = tmp_path / "opened.tar"
    opened = open_envelope(
        io.BytesIO(blob.getvalue()),
        [shares[2], shares[0]],
        context=context,
        out_tar=out_tar,
        chunk_size=4096,
        expected_digest=result.digest,
    )
    assert opened.bad_shares == []
    assert out_tar.stat().st_size % 4096 == 0
    with tarfile.open(out_tar) as tar:
        assert tar.getnames() == ["a.txt", "b.txt", "prisskjema-æøå.txt"]  # sorted by name
    names = extract_tar(out_tar, tmp_path / "files")
    for name in names:
        assert (tmp_path / "files" / name).read_bytes() == (folder / name).read_bytes()


def test_it_reports_a_bad_share_but_opens_with_the_good_ones(folder: Path, tmp_path: Path) -> None:
    manifest, context = committee(2, 4)
    blob = io.BytesIO()
    result = seal_folder(folder, manifest=manifest, context=context, out=blob, chunk_size=4096)
    shares = plain_shares(result.sealed_shares, context_hash(context))
    shares[1] = bytes([shares[1][0] ^ 1]) + shares[1][1:]
    opened = open_envelope(
        io.BytesIO(blob.getvalue()),
        shares[:3],
        context=context,
        out_tar=tmp_path / "t",
        chunk_size=4096,
    )
    assert opened.bad_shares == [1]


def test_it_checks_the_context_before_touching_shares(folder: Path, tmp_path: Path) -> None:
    manifest, context = committee()
    blob = io.BytesIO()
    result = seal_folder(folder, manifest=manifest, context=context, out=blob, chunk_size=4096)
    shares = plain_shares(result.sealed_shares, context_hash(context))
    other = {**context, "submission": "sub-78"}
    with pytest.raises(ContextMismatch):
        open_envelope(
            io.BytesIO(blob.getvalue()),
            shares,
            context=other,
            out_tar=tmp_path / "t",
            chunk_size=4096,
        )
    with pytest.raises(NotEnoughShares):
        open_envelope(
            io.BytesIO(blob.getvalue()),
            shares[:1],
            context=context,
            out_tar=tmp_path / "t",
            chunk_size=4096,
        )
    assert not (tmp_path / "t").exists()


def test_it_refuses_shares_of_another_envelope(folder: Path, tmp_path: Path) -> None:
    manifest, context = committee()
    first, second = io.BytesIO(), io.BytesIO()
    seal_folder(folder, manifest=manifest, context=context, out=first, chunk_size=4096)
    result = seal_folder(folder, manifest=manifest, context=context, out=second, chunk_size=4096)
    shares = plain_shares(result.sealed_shares, context_hash(context))
    with pytest.raises(KeyCommitMismatch):
        open_envelope(
            io.BytesIO(first.getvalue()),
            shares[:2],
            context=context,
            out_tar=tmp_path / "t",
            chunk_size=4096,
        )
    assert not (tmp_path / "t").exists()


def test_it_refuses_a_manifest_or_context_that_does_not_add_up(folder: Path) -> None:
    manifest, context = committee()
    with pytest.raises(ManifestHashMismatch):
        seal_folder(
            folder,
            manifest=manifest,
            context=context,
            out=io.BytesIO(),
            expected_manifest_hash="00" * 32,
        )
    with pytest.raises(InvalidContext):
        seal_folder(folder, manifest=manifest, context={**context, "k": 3}, out=io.BytesIO())
    with pytest.raises(InvalidContext):
        seal_folder(
            folder, manifest=manifest, context={**context, "manifest": "11" * 32}, out=io.BytesIO()
        )


@pytest.mark.parametrize(
    "change",
    [
        lambda m: {**m, "k": 1},
        lambda m: {**m, "k": len(m["members"]) + 1},
        lambda m: {**m, "members": list(reversed(m["members"]))},
        lambda m: {**m, "members": [m["members"][0], m["members"][0]]},
        lambda m: {
            **m,
            "members": [{**m["members"][0], "public_key": "04" + "00" * 64}, *m["members"][1:]],
        },
        lambda m: {**m, "extra": 1},
    ],
)
def test_it_validates_the_manifest(change: Any) -> None:
    manifest, _ = committee()
    with pytest.raises(InvalidManifest):
        validate_manifest(change(manifest))


def test_it_seals_files_in_the_given_order_under_the_given_names(tmp_path: Path) -> None:
    manifest, context = committee()
    (tmp_path / "x").write_bytes(b"x")
    (tmp_path / "y").write_bytes(b"y")
    blob = io.BytesIO()
    result = seal_files(
        [("z-last.txt", tmp_path / "x"), ("a-first.txt", tmp_path / "y")],
        manifest=manifest,
        context=context,
        out=blob,
        chunk_size=4096,
    )
    shares = plain_shares(result.sealed_shares, context_hash(context))
    open_envelope(
        io.BytesIO(blob.getvalue()),
        shares,
        context=context,
        out_tar=tmp_path / "t.tar",
        chunk_size=4096,
    )
    with tarfile.open(tmp_path / "t.tar") as tar:
        assert tar.getnames() == ["z-last.txt", "a-first.txt"]
    with pytest.raises(InvalidInput):
        seal_files(
            [("../evil", tmp_path / "x")], manifest=manifest, context=context, out=io.BytesIO()
        )


def test_it_refuses_to_seal_folders_with_subfolders(folder: Path) -> None:
    manifest, context = committee()
    (folder / "sub").mkdir()
    with pytest.raises(InvalidInput):
        seal_folder(folder, manifest=manifest, context=context, out=io.BytesIO())


@pytest.mark.parametrize("evil", ["../escape.txt", "/abs.txt", "sub/dir.txt", "link"])
def test_it_refuses_to_extract_unsafe_members(tmp_path: Path, evil: str) -> None:
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tar:
        good = tarfile.TarInfo("good.txt")
        good.size = 2
        tar.addfile(good, io.BytesIO(b"ok"))
        info = tarfile.TarInfo(evil)
        if evil == "link":
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)
        else:
            info.size = 4
            tar.addfile(info, io.BytesIO(b"evil"))
    with pytest.raises(UnsafeArchive):
        extract_tar(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "escape.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.tar"]


def test_it_never_imports_django() -> None:
    code = (
        "import sys, importlib, pkgutil, crypto\n"
        "for m in pkgutil.iter_modules(crypto.__path__):\n"
        "    importlib.import_module('crypto.' + m.name)\n"
        "assert not [n for n in sys.modules if n.split('.')[0] in ('django', 'rest_framework')]\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_it_refuses_to_extract_something_that_is_not_a_tar(tmp_path: Path) -> None:
    (tmp_path / "junk.tar").write_bytes(b"\x01" * 2048)
    with pytest.raises(UnsafeArchive):
        extract_tar(tmp_path / "junk.tar", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.tar"]


def test_it_lets_a_member_check_that_its_key_is_listed() -> None:
    manifest, _ = committee()
    key_id, key = sorted(KEYS.items())[1]
    assert find_member(manifest, key_id, public_key_hex(key)) == 1
    with pytest.raises(InvalidManifest):
        find_member(manifest, key_id, public_key_hex(KEYS["member-1"]))
    with pytest.raises(InvalidManifest):
        find_member(manifest, "member-9", public_key_hex(key))
