"""ETB-1 cross-implementation tests: the JavaScript library (crypto/static/etb1, run in Node)
against the Python library (crypto/), both ways.

- JS seals files to a Python-made committee; Python opens the member shares, recovers the DEK,
  opens the blob and compares the files (and the tar bytes against CPython's tarfile).
- Python seals; JS unwraps Python-wrapped member keys, opens the shares and the payload.
- JS-wrapped member keys unwrap in Python; Python-signed receipts verify in JS.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from crypto.canonical import context_hash, manifest_hash
from crypto.envelope import extract_tar, open_envelope, seal_files
from crypto.member_keys import generate_member_key, unwrap_member_key, wrap_member_key
from crypto.shares import open_share, public_key_hex

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "tests/crypto/js/etb1_cli.mjs"
NODE = shutil.which("node") or ""
CHUNK = 1 << 20
MTIME = 1767225600

pytestmark = pytest.mark.skipif(
    not NODE, reason="node is not installed: JS interop needs Node >= 20"
)


def run_js(command: str, job: dict[str, Any], tmp_path: Path) -> str:
    job_path = tmp_path / f"{command}-job.json"
    job_path.write_text(json.dumps(job), encoding="utf-8")
    proc = subprocess.run(
        [NODE, str(CLI), command, str(job_path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, f"node {command} failed: {proc.stderr[-4000:]}"
    return proc.stdout


def committee(n: int, k: int, tender: str = "T-2026-17") -> tuple[list[Any], dict[str, Any]]:
    keys = [generate_member_key() for _ in range(n)]
    members = sorted(
        (
            {"key_id": f"member-{i + 1:02d}", "public_key": public_key_hex(key)}
            for i, key in enumerate(keys)
        ),
        key=lambda m: m["key_id"],
    )
    return keys, {"tender": tender, "k": k, "members": members}


def context_for(manifest: dict[str, Any], submission: str = "sub-0001") -> dict[str, Any]:
    return {
        "bidder": "org-974760673",
        "envelope": "offer",
        "k": manifest["k"],
        "manifest": manifest_hash(manifest).hex(),
        "n": len(manifest["members"]),
        "submission": submission,
        "tender": manifest["tender"],
    }


def make_files(folder: Path) -> list[tuple[str, bytes]]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        ("tilbud.pdf", os.urandom(2 * CHUNK + 12345)),
        ("prisskjema-æøå.xlsx", os.urandom(4000)),
        ("tom.txt", b""),
        ("n" * 120 + ".txt", b"long name\n"),
    ]
    for name, data in files:
        (folder / name).write_bytes(data)
    return files


def python_tar(files: list[tuple[str, bytes]], mtime: int) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            tf.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    return raw + bytes(-len(raw) % CHUNK)


def test_js_seals_python_opens(tmp_path: Path) -> None:
    keys, manifest = committee(3, 2)
    context = context_for(manifest)
    files = make_files(tmp_path / "in")
    out = tmp_path / "js-out"
    run_js(
        "seal",
        {
            "manifest": manifest,
            "manifest_hash": manifest_hash(manifest).hex(),
            "context": context,
            "files": [{"name": name, "path": str(tmp_path / "in" / name)} for name, _ in files],
            "mtime": MTIME,
            "out_dir": str(out),
        },
        tmp_path,
    )
    result = json.loads((out / "result.json").read_text())
    blob = out / "blob.etb"
    ctx_hash = context_hash(context)
    assert result["context_hash"] == ctx_hash.hex()
    assert blob.stat().st_size == result["size"]
    assert result["chunks"] == 3
    assert result["progress_calls"] == 3
    assert [s["key_id"] for s in result["sealed_shares"]] == [
        m["key_id"] for m in manifest["members"]
    ]

    # Members 3 and 1 open their own shares with the Python library.
    by_id = {public_key_hex(key): key for key in keys}
    shares = []
    for member, sealed in zip(manifest["members"], result["sealed_shares"], strict=True):
        assert len(bytes.fromhex(sealed["sealed_share"])) == 114
        shares.append(
            open_share(
                bytes.fromhex(sealed["sealed_share"]),
                by_id[member["public_key"]],
                context_hash=ctx_hash,
                key_id=member["key_id"],
            )
        )
    out_tar = tmp_path / "opened.tar"
    with blob.open("rb") as fh:
        opened = open_envelope(fh, [shares[2], shares[0]], context=context, out_tar=out_tar)
    assert opened.digest.header_hash.hex() == result["header_hash"]
    assert opened.digest.root.hex() == result["root"]
    assert opened.digest.size == result["size"]
    assert opened.digest.chunks == result["chunks"]
    # The plaintext the browser library built is byte-identical to CPython's tarfile + padding.
    assert out_tar.read_bytes() == python_tar(files, MTIME)
    names = extract_tar(out_tar, tmp_path / "extracted")
    assert names == [name for name, _ in files]
    for name, data in files:
        assert (tmp_path / "extracted" / name).read_bytes() == data


def test_python_seals_js_opens(tmp_path: Path) -> None:
    keys, manifest = committee(5, 3)
    by_pub = {public_key_hex(key): key for key in keys}
    context = context_for(manifest, submission="sub-0002")
    files = make_files(tmp_path / "in")
    blob = tmp_path / "py.etb"
    with blob.open("wb") as fh:
        sealed = seal_files(
            [(name, tmp_path / "in" / name) for name, _ in files],
            manifest=manifest,
            context=context,
            out=fh,
            expected_manifest_hash=manifest_hash(manifest).hex(),
            mtime=MTIME,
        )
    passphrase = "Tilbud-a\u030apning 2026"  # not NFC on purpose
    members = [
        {
            "stored": wrap_member_key(
                by_pub[m["public_key"]],
                key_id=m["key_id"],
                passphrase=passphrase,
                iterations=1000,
                allow_weak_for_tests=True,
            ),
            "passphrase": passphrase,
        }
        for m in manifest["members"][1:4]
    ]
    out = tmp_path / "js-opened"
    run_js(
        "open",
        {
            "members": members,
            "context": context,
            "sealed_shares": sealed.sealed_shares,
            "blob": str(blob),
            "out_dir": str(out),
        },
        tmp_path,
    )
    result = json.loads((out / "result.json").read_text())
    assert result["header_hash"] == sealed.digest.header_hash.hex()
    assert result["root"] == sealed.digest.root.hex()
    assert result["size"] == sealed.digest.size == blob.stat().st_size
    assert result["chunks"] == sealed.digest.chunks
    assert result["names"] == [name for name, _ in files]
    for name, data in files:
        assert (out / name).read_bytes() == data
    # The shares JS opened are the ones Python opens from the same sealed shares.
    ctx_hash = context_hash(context)
    for share_hex, m in zip(result["shares"], manifest["members"][1:4], strict=True):
        sealed_hex = next(
            s["sealed_share"] for s in sealed.sealed_shares if s["key_id"] == m["key_id"]
        )
        py_share = open_share(
            bytes.fromhex(sealed_hex),
            by_pub[m["public_key"]],
            context_hash=ctx_hash,
            key_id=m["key_id"],
        )
        assert py_share.hex() == share_hex


def test_python_sealed_blob_tampered_js_rejects(tmp_path: Path) -> None:
    keys, manifest = committee(2, 2)
    by_pub = {public_key_hex(key): key for key in keys}
    context = context_for(manifest, submission="sub-0003")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(b"x" * 5000)
    blob = tmp_path / "py.etb"
    with blob.open("wb") as fh:
        sealed = seal_files([tmp_path / "in" / "a.txt"], manifest=manifest, context=context, out=fh)
    raw = bytearray(blob.read_bytes())
    raw[200] ^= 1
    blob.write_bytes(bytes(raw))
    members = [
        {
            "stored": wrap_member_key(
                by_pub[m["public_key"]],
                key_id=m["key_id"],
                passphrase="pw",
                iterations=1000,
                allow_weak_for_tests=True,
            ),
            "passphrase": "pw",
        }
        for m in manifest["members"]
    ]
    job = {
        "members": members,
        "context": context,
        "sealed_shares": sealed.sealed_shares,
        "blob": str(blob),
        "out_dir": str(tmp_path / "out"),
    }
    job_path = tmp_path / "job.json"
    job_path.write_text(json.dumps(job))
    proc = subprocess.run(
        [NODE, str(CLI), "open", str(job_path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert "failed authentication" in proc.stderr
    assert not (tmp_path / "out" / "a.txt").exists()


def test_js_wrapped_member_key_unwraps_in_python(tmp_path: Path) -> None:
    passphrase = "sa\u0308ker passord"
    record = json.loads(
        run_js(
            "enrol", {"key_id": "member-07", "passphrase": passphrase, "iterations": 1000}, tmp_path
        )
    )
    assert set(record) == {"key_id", "public_key", "kdf", "iterations", "salt", "nonce", "wrapped"}
    key = unwrap_member_key(record, "s\u00e4ker passord", allow_weak_for_tests=True)
    assert public_key_hex(key) == record["public_key"]


def test_python_signed_receipt_verifies_in_js(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from crypto.receipts import sign_receipt

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    receipt = {
        "v": "ETB1-receipt",
        "submission": "sub-1",
        "tender": "T-1",
        "bidder": "org-1",
        "context_hash": "ab" * 32,
        "header_hash": "cd" * 32,
        "root": "ef" * 32,
        "size": 1048707,
        "chunks": 1,
        "received_at": "2026-11-21T10:15:30.123456Z",
        "sealing": "client",
        "log_index": 3,
    }
    signed = sign_receipt(receipt, key)
    assert run_js("verify-receipt", {"signed": signed, "public_key": public}, tmp_path) == "true"
    signed["receipt"]["size"] += 1
    assert run_js("verify-receipt", {"signed": signed, "public_key": public}, tmp_path) == "false"
