"""ETB-1 in real Chromium: the fixed vectors reproduce in the page (WebCrypto), and a file
sealed in the page (as the bid form will do it) opens with the Python library."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from crypto.canonical import context_hash, manifest_hash
from crypto.envelope import extract_tar, open_envelope
from crypto.member_keys import generate_member_key, unwrap_member_key, wrap_member_key
from crypto.shares import open_share, public_key_hex
from tests.e2e.etb1_harness import CHROMIUM, REPO, harness_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]

SCREENSHOTS = REPO / "tests/e2e/screenshots"
VECTORS = REPO / "tests/crypto/vectors/etb1-vectors.json"
MIB = 1 << 20


def formula(size: int) -> bytes:
    return bytes((i * 7 + 3) % 251 for i in range(size))


def test_etb1_in_chromium(tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed")
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    keys = [generate_member_key() for _ in range(3)]
    members = [
        {"key_id": f"member-{i + 1:02d}", "public_key": public_key_hex(k)}
        for i, k in enumerate(keys)
    ]
    manifest = {"tender": "T-2026-42", "k": 2, "members": members}
    context = {
        "bidder": "org-974760673",
        "envelope": "offer",
        "k": 2,
        "manifest": manifest_hash(manifest).hex(),
        "n": 3,
        "submission": "sub-browser-1",
        "tender": "T-2026-42",
    }
    passphrase = "passord for nøkkel"
    stored = wrap_member_key(
        keys[1],
        key_id="member-02",
        passphrase=passphrase,
        iterations=1000,
        allow_weak_for_tests=True,
    )
    size = 3 * MIB + 1000

    with harness_page() as page:
        assert page.evaluate("window.isSecureContext")
        report = page.evaluate("(v) => window.etb1Harness.runVectors(v)", vectors)
        sealed = page.evaluate(
            "(a) => window.etb1Harness.sealGenerated(a)",
            {
                "manifest": manifest,
                "manifestHash": manifest_hash(manifest).hex(),
                "context": context,
                "size": size,
                "mtime": 1767225600,
                "member": {"stored": stored, "passphrase": passphrase},
            },
        )
        enrolled = page.evaluate(
            "(a) => window.etb1Harness.enrolDefault(a)",
            {"keyId": "member-09", "passphrase": "lang og tilfeldig passfrase"},
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "crypto_browser.png"), full_page=True)
        assert page.errors == []  # type: ignore[attr-defined]

    assert report["failed"] == [], report["failed"]
    assert report["passed"] >= len(vectors["payload_cases"]) + 5

    # A key enrolled in the browser with the production PBKDF2 cost unwraps in Python.
    record = enrolled["record"]
    assert record["iterations"] == 600_000
    assert enrolled["unwrappedPublicKey"] == enrolled["publicKey"] == record["public_key"]
    unwrapped = unwrap_member_key(record, "lang og tilfeldig passfrase")
    assert public_key_hex(unwrapped) == record["public_key"]

    # Python opens what the browser sealed.
    ctx_hash = context_hash(context)
    assert sealed["contextHash"] == ctx_hash.hex()
    assert sealed["chunks"] == 4 and sealed["progressCalls"] == 4
    blob = tmp_path / "browser.etb"
    blob.write_bytes(base64.b64decode(sealed["blobBase64"]))
    assert blob.stat().st_size == sealed["size"]
    shares = [
        open_share(bytes.fromhex(s["sealed_share"]), key, context_hash=ctx_hash, key_id=s["key_id"])
        for s, key in zip(sealed["sealedShares"], keys, strict=True)
    ]
    # member-02 unwrapped its Python-wrapped key in the page and opened its own share
    assert sealed["memberShare"] == shares[1].hex()
    with blob.open("rb") as fh:
        opened = open_envelope(
            fh, [shares[0], shares[2]], context=context, out_tar=tmp_path / "o.tar"
        )
    assert opened.digest.root.hex() == sealed["root"]
    assert opened.digest.header_hash.hex() == sealed["headerHash"]
    names = extract_tar(tmp_path / "o.tar", tmp_path / "files")
    assert names == ["tilbud-æøå.bin", "vedlegg.txt"]
    assert (tmp_path / "files" / "tilbud-æøå.bin").read_bytes() == formula(size)
    assert (tmp_path / "files" / "vedlegg.txt").read_bytes() == b"Pris: 1 234 567 NOK\n"
