"""Generate tests/crypto/vectors/etb1-vectors.json from fixed randomness.

Run from the repository root: .venv/bin/python tests/crypto/vectors/make_vectors.py
Every value is reproducible except the HPKE `sealed_share` bytes (fresh ephemeral keys).
See README.md next to this file for the meaning of every field.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tarfile
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from crypto import merkle, shamir  # noqa: E402
from crypto.canonical import canonical_json, context_hash, manifest_hash  # noqa: E402
from crypto.constants import CHUNK_SIZE, HEADER_LEN, TAG_LEN  # noqa: E402
from crypto.member_keys import (  # noqa: E402
    derive_kek,
    private_key_to_pkcs8,
    unwrap_member_key,
    wrap_member_key,
)
from crypto.payload import chunk_nonce, derive_keys, seal_stream  # noqa: E402
from crypto.receipts import sign_receipt  # noqa: E402
from crypto.shares import open_share, public_key_hex, seal_share, share_info  # noqa: E402
from crypto.signing import public_key_raw, signing_key_from_seed  # noqa: E402
from crypto.tarstream import TarWriter, padded_length  # noqa: E402
from crypto.tlog import entry_bytes, sign_tree_head  # noqa: E402

SEED = "ETB-1 test vectors v1"
OUT = Path(__file__).with_name("etb1-vectors.json")
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
TENDER = "tender-2026-0001"
BIDDER = "org-987654321"
MTIME = 1767225600  # 2026-01-01T00:00:00Z


class Drbg:
    """SHA-256 counter DRBG: block_i = SHA-256(seed || u32be(i)); draws consume the stream."""

    def __init__(self, seed: str) -> None:
        self._seed = seed.encode("utf-8")
        self._counter = 0
        self._pool = b""

    def draw(self, n: int) -> bytes:
        while len(self._pool) < n:
            block = hashlib.sha256(self._seed + self._counter.to_bytes(4, "big")).digest()
            self._pool += block
            self._counter += 1
        out, self._pool = self._pool[:n], self._pool[n:]
        return out

    def byte(self) -> int:
        return self.draw(1)[0]


def plaintext(size: int) -> bytes:
    period = bytes((i * 7 + 3) % 251 for i in range(251))
    return (period * (size // 251 + 1))[:size]


def make_members(drbg: Drbg) -> list[dict[str, Any]]:
    members = []
    for i in range(1, 6):
        scalar = int.from_bytes(drbg.draw(32), "big") % (P256_ORDER - 1) + 1
        key = ec.derive_private_key(scalar, ec.SECP256R1())
        members.append(
            {
                "key_id": f"member-{i:02d}",
                "public_key": public_key_hex(key),
                "private_key_pkcs8": private_key_to_pkcs8(key).hex(),
                "private_scalar": scalar.to_bytes(32, "big").hex(),
                "_key": key,
            }
        )
    return members


def draw_xs(drbg: Drbg, n: int) -> list[int]:
    xs: list[int] = []
    while len(xs) < n:
        x = drbg.byte()
        if x != 0 and x not in xs:
            xs.append(x)
    return xs


def draw_coefficients(drbg: Drbg, k: int) -> list[list[int]]:
    rows = []
    for _ in range(32):
        row = list(drbg.draw(k - 1))
        while row[-1] == 0:
            row[-1] = drbg.byte()
        rows.append(row)
    return rows


def payload_case(drbg: Drbg, members: list[dict[str, Any]], size: int, k: int, n: int) -> dict:
    chosen = members[:n]
    manifest = {
        "tender": TENDER,
        "k": k,
        "members": [{"key_id": m["key_id"], "public_key": m["public_key"]} for m in chosen],
    }
    m_hash = manifest_hash(manifest)
    name = f"size-{size}-k{k}-n{n}"
    context = {
        "bidder": BIDDER,
        "envelope": "offer",
        "k": k,
        "manifest": m_hash.hex(),
        "n": n,
        "submission": f"sub-{name}",
        "tender": TENDER,
    }
    c_hash = context_hash(context)
    dek, salt, nonce_prefix = drbg.draw(32), drbg.draw(32), drbg.draw(7)
    xs, coefficients = draw_xs(drbg, n), draw_coefficients(drbg, k)
    pt = plaintext(size)
    blob = io.BytesIO()
    sealed = seal_stream(
        io.BytesIO(pt), blob, c_hash, dek=dek, salt=salt, nonce_prefix=nonce_prefix
    )
    raw = blob.getvalue()
    digest = sealed.digest
    body = raw[HEADER_LEN:]
    step = CHUNK_SIZE + TAG_LEN
    cts = [body[i : i + step] for i in range(0, len(body), step)]
    assert len(cts) == digest.chunks
    leaves = [merkle.leaf_hash(ct) for ct in cts]
    assert merkle.root_of(leaves) == digest.root
    payload_key, key_commit = derive_keys(dek, salt)
    shares = shamir.split_with(dek, xs, coefficients)
    assert shamir.combine(shares[:k]) == dek
    sealed_shares = []
    for member, share in zip(chosen, shares, strict=True):
        sealed_share = seal_share(
            share, member["_key"].public_key(), context_hash=c_hash, key_id=member["key_id"]
        )
        opened = open_share(
            sealed_share, member["_key"], context_hash=c_hash, key_id=member["key_id"]
        )
        assert opened == share
        sealed_shares.append(
            {
                "key_id": member["key_id"],
                "info": share_info(c_hash, member["key_id"]).decode(),
                "sealed_share": sealed_share.hex(),
            }
        )
    return {
        "name": name,
        "plaintext_size": size,
        "plaintext_sha256": hashlib.sha256(pt).hexdigest(),
        "manifest": manifest,
        "manifest_canonical": canonical_json(manifest).decode(),
        "manifest_hash": m_hash.hex(),
        "context": context,
        "context_canonical": canonical_json(context).decode(),
        "context_hash": c_hash.hex(),
        "dek": dek.hex(),
        "salt": salt.hex(),
        "nonce_prefix": nonce_prefix.hex(),
        "payload_key": payload_key.hex(),
        "key_commit": key_commit.hex(),
        "header": sealed.header.hex(),
        "header_hash": digest.header_hash.hex(),
        "chunks": digest.chunks,
        "size": digest.size,
        "leaves": [leaf.hex() for leaf in leaves],
        "root": digest.root.hex(),
        "blob_sha256": hashlib.sha256(raw).hexdigest(),
        "first_chunk_sha256": hashlib.sha256(cts[0]).hexdigest(),
        "last_chunk_sha256": hashlib.sha256(cts[-1]).hexdigest(),
        "first_chunk_nonce": chunk_nonce(nonce_prefix, 0, len(cts) == 1).hex(),
        "last_chunk_nonce": chunk_nonce(nonce_prefix, len(cts) - 1, True).hex(),
        "shamir": {"k": k, "n": n, "xs": xs, "coefficients": coefficients},
        "shares": [
            {"key_id": m["key_id"], "share": s.hex()} for m, s in zip(chosen, shares, strict=True)
        ],
        "sealed_shares": sealed_shares,
    }


def wrong_share(case: dict) -> dict:
    shares = [bytes.fromhex(s["share"]) for s in case["shares"]]
    bad = bytearray(shares[1])
    bad[0] ^= 0x01
    wrong = shamir.combine([bytes(bad), shares[0]])
    assert wrong != bytes.fromhex(case["dek"])
    return {
        "case": case["name"],
        "good_shares": [shares[0].hex(), shares[2].hex()],
        "bad_share": bytes(bad).hex(),
        "combine_bad_with_first": wrong.hex(),
        "expected_error": "KeyCommitMismatch",
        "identify_input": [shares[0].hex(), bytes(bad).hex(), shares[2].hex()],
        "identify_bad_index": 1,
    }


def wrapped_keys(drbg: Drbg, members: list[dict[str, Any]]) -> list[dict]:
    cases = []
    for member, passphrase in (
        (members[0], "Bla\u030abærsyltetøy og kaffe 2026"),
        (members[1], "korrekt hest batteri stift"),
    ):
        salt, nonce = drbg.draw(16), drbg.draw(12)
        stored = wrap_member_key(
            member["_key"],
            key_id=member["key_id"],
            passphrase=passphrase,
            iterations=1000,
            allow_weak_for_tests=True,
            salt=salt,
            nonce=nonce,
        )
        again = unwrap_member_key(stored, passphrase, allow_weak_for_tests=True)
        assert private_key_to_pkcs8(again) == bytes.fromhex(member["private_key_pkcs8"])
        cases.append(
            {
                "key_id": member["key_id"],
                "passphrase": passphrase,
                "passphrase_nfc_utf8": unicodedata.normalize("NFC", passphrase)
                .encode("utf-8")
                .hex(),
                "stored": stored,
                "kek": derive_kek(passphrase, salt, 1000).hex(),
                "aad": "ETB1/member-key|" + member["key_id"],
                "private_key_pkcs8": member["private_key_pkcs8"],
                "wrong_passphrase": passphrase + "!",
            }
        )
    return cases


TAR_FILES = [
    ("tilbudsbrev.txt", "Tilbud fra Eksempel AS\nVi bekrefter vedståelsesfristen.\n"),
    ("prisskjema-æøå.txt", "Post;Pris\n1;1 234 567 NOK\n"),
    ("vedlegg-" + "x" * 100 + ".txt", ""),
]


def tar_case() -> dict:
    ours = io.BytesIO()
    writer = TarWriter(ours.write)
    for name, content in TAR_FILES:
        writer.add_bytes(name, content.encode("utf-8"), MTIME)
    writer.close()
    reference = io.BytesIO()
    with tarfile.open(fileobj=reference, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, content in TAR_FILES:
            info = tarfile.TarInfo(name)
            data = content.encode("utf-8")
            info.size, info.mtime, info.mode = len(data), MTIME, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    tar_bytes = ours.getvalue()
    assert tar_bytes == reference.getvalue(), "TarWriter differs from tarfile"
    padded = tar_bytes + bytes(padded_length(len(tar_bytes), CHUNK_SIZE) - len(tar_bytes))
    return {
        "files": [{"name": n, "content_utf8": c, "mtime": MTIME} for n, c in TAR_FILES],
        "tar_size": len(tar_bytes),
        "tar_sha256": hashlib.sha256(tar_bytes).hexdigest(),
        "padded_size": len(padded),
        "padded_sha256": hashlib.sha256(padded).hexdigest(),
    }


def receipt_case(seed: bytes, case: dict) -> dict:
    key = signing_key_from_seed(seed)
    receipt = {
        "v": "ETB1-receipt",
        "submission": case["context"]["submission"],
        "tender": TENDER,
        "bidder": BIDDER,
        "context_hash": case["context_hash"],
        "header_hash": case["header_hash"],
        "root": case["root"],
        "size": case["size"],
        "chunks": case["chunks"],
        "received_at": "2026-11-21T10:15:30.123456Z",
        "sealing": "client",
        "log_index": 7,
    }
    signed = sign_receipt(receipt, key)
    return {
        "seed": seed.hex(),
        "public_key": public_key_raw(key).hex(),
        "receipt": receipt,
        "canonical": canonical_json(receipt).decode(),
        "signature": signed["signature"],
        "signed": signed,
    }


def merkle_case(cases: list[dict]) -> dict:
    entries = [
        {"kind": "manifest.published", "tender": TENDER, "manifest_hash": cases[0]["manifest_hash"]}
    ]
    for i in range(1, 7):
        entries.append(
            {
                "kind": "submission.received",
                "tender": TENDER,
                "submission": f"sub-{i}",
                "context_hash": cases[i]["context_hash"],
            }
        )
    entries.append({"kind": "tender.closed", "tender": TENDER, "entries": 7})
    raw = [entry_bytes(e) for e in entries]
    leaves = [merkle.leaf_hash(r) for r in raw]
    roots = {str(m): merkle.root_of(leaves[:m]).hex() for m in range(1, 9)}
    inclusion = []
    for index, size in ((0, 1), (2, 7), (6, 7), (0, 8), (5, 8), (4, 5)):
        path = merkle.inclusion_proof(leaves[:size], index)
        merkle.verify_inclusion(leaves[index], index, size, path, merkle.root_of(leaves[:size]))
        inclusion.append(
            {
                "index": index,
                "tree_size": size,
                "leaf": leaves[index].hex(),
                "path": [p.hex() for p in path],
                "root": roots[str(size)],
            }
        )
    consistency = []
    for old, new in ((1, 2), (3, 7), (4, 8), (6, 8), (2, 5)):
        path = merkle.consistency_proof(leaves[:new], old)
        merkle.verify_consistency(
            old, new, bytes.fromhex(roots[str(old)]), bytes.fromhex(roots[str(new)]), path
        )
        consistency.append(
            {
                "old_size": old,
                "new_size": new,
                "old_root": roots[str(old)],
                "new_root": roots[str(new)],
                "path": [p.hex() for p in path],
            }
        )
    return {
        "entries": [r.decode() for r in raw],
        "leaves": [leaf.hex() for leaf in leaves],
        "empty_root": merkle.EMPTY_ROOT.hex(),
        "roots": roots,
        "inclusion": inclusion,
        "consistency": consistency,
    }


def tree_head_case(seed: bytes, root: str) -> dict:
    key = signing_key_from_seed(seed)
    head = {"root": root, "size": 8, "timestamp": "2026-11-21T12:00:00.000000Z"}
    signed = sign_tree_head(head, key)
    return {
        "seed": seed.hex(),
        "public_key": public_key_raw(key).hex(),
        "tree_head": head,
        "canonical": canonical_json(head).decode(),
        "signature": signed["signature"],
        "signed": signed,
    }


def build() -> dict:
    drbg = Drbg(SEED)
    members = make_members(drbg)
    c = CHUNK_SIZE
    cases = []
    for size in (0, 1, c - 1, c, c + 1, 3 * c):
        for k, n in ((2, 2), (2, 3), (3, 5)):
            if (k, n) == (2, 2) and size not in (0, c):
                continue
            cases.append(payload_case(drbg, members, size, k, n))
    two_of_three = next(case for case in cases if case["name"] == "size-1-k2-n3")
    wrapped = wrapped_keys(drbg, members)
    signing_seed = drbg.draw(32)
    merkle_vectors = merkle_case(cases)
    return {
        "format": "ETB1-vectors",
        "version": 1,
        "chunk_size": CHUNK_SIZE,
        "drbg_seed": SEED,
        "plaintext_formula": "pt[i] = (i*7+3) % 251",
        "members": [{k: v for k, v in m.items() if k != "_key"} for m in members],
        "payload_cases": cases,
        "wrong_share": wrong_share(two_of_three),
        "member_key_wrap": wrapped,
        "tar": tar_case(),
        "receipt": receipt_case(signing_seed, two_of_three),
        "merkle": merkle_vectors,
        "tree_head": tree_head_case(signing_seed, merkle_vectors["roots"]["8"]),
    }


def main() -> None:
    vectors = build()
    OUT.write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(vectors['payload_cases'])} cases)")


if __name__ == "__main__":
    main()
