"""`anbud-etb` end to end through subprocesses: keygen, seal, open-shares, open, verify."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crypto import merkle
from crypto.canonical import context_hash, manifest_hash
from crypto.payload import BlobDigest
from crypto.receipts import build_receipt, sign_receipt
from crypto.signing import public_key_raw, signing_key_from_seed
from crypto.tlog import entry_leaf_hash, sign_tree_head, tree_head

ROOT = Path(__file__).resolve().parents[2]


def etb(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "crypto.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def sealed_bid(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("cli")
    members = []
    for name in ("member-a", "member-b", "member-c"):
        (work / f"{name}.pass").write_text(f"passord for {name} æøå\n", encoding="utf-8")
        out = etb(
            "keygen",
            "--key-id",
            name,
            "--out",
            work / f"{name}.json",
            "--passphrase-file",
            work / f"{name}.pass",
            "--iterations",
            "1000",
            "--insecure-test-iterations",
        )
        members.append(json.loads(out.stdout))
    manifest = {"tender": "tender-1", "k": 2, "members": members}
    m_hash = manifest_hash(manifest).hex()
    context = {
        "bidder": "org-1",
        "envelope": "offer",
        "k": 2,
        "manifest": m_hash,
        "n": 3,
        "submission": "sub-1",
        "tender": "tender-1",
    }
    (work / "manifest.json").write_text(json.dumps(manifest))
    (work / "context.json").write_text(json.dumps(context))
    bid = work / "bid"
    bid.mkdir()
    (bid / "tilbudsbrev.txt").write_text("Vi gir herved tilbud.\n", encoding="utf-8")
    (bid / "prisskjema-æøå.csv").write_bytes(b"post;pris\n1;100\n" * 5000)
    (bid / "tomt.txt").write_bytes(b"")
    out = etb(
        "seal",
        bid,
        "--manifest",
        work / "manifest.json",
        "--context",
        work / "context.json",
        "--manifest-hash",
        m_hash,
        "--out",
        work / "bid.etb",
        "--shares-out",
        work / "shares.json",
    )
    return {
        "work": work,
        "bid": bid,
        "digest": json.loads(out.stdout),
        "context": context,
        "context_hash": context_hash(context).hex(),
    }


def open_member_share(bid: dict[str, Any], name: str, *, ctx: str | None = None) -> Path:
    work = bid["work"]
    etb(
        "open-shares",
        "--key",
        work / f"{name}.json",
        "--sealed-shares",
        work / "shares.json",
        "--context-hash",
        ctx or bid["context_hash"],
        "--passphrase-file",
        work / f"{name}.pass",
        "--insecure-test-iterations",
        "--out",
        work / f"{name}.share.json",
    )
    return work / f"{name}.share.json"


def test_it_seals_a_folder_and_opens_it_with_two_of_three_members(
    sealed_bid: dict[str, Any],
) -> None:
    work = sealed_bid["work"]
    digest = sealed_bid["digest"]
    assert digest["context_hash"] == sealed_bid["context_hash"]
    assert digest["size"] == (work / "bid.etb").stat().st_size
    shares = json.loads((work / "shares.json").read_text())
    assert [s["key_id"] for s in shares["sealed_shares"]] == ["member-a", "member-b", "member-c"]
    share_a = open_member_share(sealed_bid, "member-a")
    share_c = open_member_share(sealed_bid, "member-c")
    out = etb(
        "open",
        "--blob",
        work / "bid.etb",
        "--shares",
        share_a,
        share_c,
        "--context",
        work / "context.json",
        "--out",
        work / "opened",
        "--tar-out",
        work / "opened.tar",
    )
    result = json.loads(out.stdout)
    assert result["digest"] == digest
    for original in sealed_bid["bid"].iterdir():
        assert (work / "opened" / original.name).read_bytes() == original.read_bytes()
    assert sorted(result["files"]) == sorted(p.name for p in sealed_bid["bid"].iterdir())
    assert (work / "opened.tar").stat().st_size % 1_048_576 == 0


def test_it_refuses_to_open_with_one_share(sealed_bid: dict[str, Any]) -> None:
    work = sealed_bid["work"]
    share_b = open_member_share(sealed_bid, "member-b")
    proc = etb(
        "open",
        "--blob",
        work / "bid.etb",
        "--shares",
        share_b,
        "--context",
        work / "context.json",
        "--out",
        work / "never",
        check=False,
    )
    assert proc.returncode == 1
    assert "2 shares are needed" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (work / "never").exists()


def test_it_refuses_a_wrong_passphrase_cleanly(sealed_bid: dict[str, Any]) -> None:
    work = sealed_bid["work"]
    (work / "wrong.pass").write_text("feil passord\n")
    proc = etb(
        "open-shares",
        "--key",
        work / "member-a.json",
        "--sealed-shares",
        work / "shares.json",
        "--context-hash",
        sealed_bid["context_hash"],
        "--passphrase-file",
        work / "wrong.pass",
        "--insecure-test-iterations",
        "--out",
        work / "x.json",
        check=False,
    )
    assert proc.returncode == 1
    assert "wrong passphrase" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (work / "x.json").exists()


def test_it_refuses_shares_for_another_submission(sealed_bid: dict[str, Any]) -> None:
    work = sealed_bid["work"]
    proc = etb(
        "open-shares",
        "--key",
        work / "member-a.json",
        "--sealed-shares",
        work / "shares.json",
        "--context-hash",
        "00" * 32,
        "--passphrase-file",
        work / "member-a.pass",
        "--insecure-test-iterations",
        "--out",
        work / "y.json",
        check=False,
    )
    assert proc.returncode == 1
    assert "another submission" in proc.stderr


def test_it_refuses_a_manifest_that_does_not_match_the_published_hash(
    sealed_bid: dict[str, Any],
) -> None:
    work = sealed_bid["work"]
    proc = etb(
        "seal",
        sealed_bid["bid"],
        "--manifest",
        work / "manifest.json",
        "--context",
        work / "context.json",
        "--manifest-hash",
        "11" * 32,
        "--out",
        work / "other.etb",
        "--shares-out",
        work / "other-shares.json",
        check=False,
    )
    assert proc.returncode == 1
    assert "published manifest hash" in proc.stderr
    assert not (work / "other.etb").exists()


def test_it_verifies_a_receipt_and_the_blob_against_it(sealed_bid: dict[str, Any]) -> None:
    work = sealed_bid["work"]
    d = sealed_bid["digest"]
    key = signing_key_from_seed(hashlib.sha256(b"platform test key").digest())
    digest = BlobDigest(
        header_hash=bytes.fromhex(d["header_hash"]),
        root=bytes.fromhex(d["root"]),
        size=d["size"],
        chunks=d["chunks"],
        context_hash=bytes.fromhex(d["context_hash"]),
    )
    receipt = build_receipt(
        submission="sub-1",
        tender="tender-1",
        bidder="org-1",
        digest=digest,
        received_at=datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
        sealing="client",
        log_index=3,
    )
    (work / "receipt.json").write_text(json.dumps(sign_receipt(receipt, key)))
    public = public_key_raw(key).hex()
    out = etb(
        "verify-receipt",
        "--receipt",
        work / "receipt.json",
        "--public-key",
        public,
        "--blob",
        work / "bid.etb",
    )
    assert json.loads(out.stdout)["valid"] is True
    other = public_key_raw(signing_key_from_seed(b"\x01" * 32)).hex()
    proc = etb(
        "verify-receipt", "--receipt", work / "receipt.json", "--public-key", other, check=False
    )
    assert proc.returncode == 1
    assert "signature does not verify" in proc.stderr


def test_it_verifies_an_inclusion_proof_with_a_signed_tree_head(tmp_path: Path) -> None:
    entries = [{"kind": "submission.received", "n": i} for i in range(6)]
    leaves = [entry_leaf_hash(e) for e in entries]
    root = merkle.root_of(leaves)
    key = signing_key_from_seed(b"\x02" * 32)
    signed = sign_tree_head(
        tree_head(size=6, root=root, timestamp=datetime(2026, 11, 21, tzinfo=UTC)), key
    )
    proof = {
        "entry": entries[4],
        "index": 4,
        "tree_size": 6,
        "path": [p.hex() for p in merkle.inclusion_proof(leaves, 4)],
        "root": root.hex(),
        "signed_tree_head": signed,
    }
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    public = public_key_raw(key).hex()
    out = etb("verify-inclusion", "--proof", tmp_path / "proof.json", "--public-key", public)
    assert json.loads(out.stdout)["valid"] is True
    (tmp_path / "bad.json").write_text(json.dumps({**proof, "index": 3}))
    proc = etb("verify-inclusion", "--proof", tmp_path / "bad.json", check=False)
    assert proc.returncode == 1
    assert "inclusion proof" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_it_is_installed_as_the_anbud_etb_console_script() -> None:
    script = Path(sys.executable).with_name("anbud-etb")
    if not script.exists():
        pytest.skip("the package is not installed in this interpreter's environment")
    proc = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for command in ("keygen", "seal", "open-shares", "open", "verify-receipt", "verify-inclusion"):
        assert command in proc.stdout


def test_it_exits_with_a_usage_error_for_missing_files(tmp_path: Path) -> None:
    proc = etb(
        "verify-receipt", "--receipt", tmp_path / "nope.json", "--public-key", "00", check=False
    )
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
