"""The committed ETB-1 vectors are reproduced exactly by the Python implementation."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from crypto import merkle, shamir
from crypto.canonical import canonical_json, context_hash, manifest_hash
from crypto.constants import CHUNK_SIZE
from crypto.envelope import recover_dek
from crypto.errors import KeyCommitMismatch, ShareOpenFailed, SignatureInvalid
from crypto.member_keys import (
    derive_kek,
    private_key_from_pkcs8,
    private_key_to_pkcs8,
    unwrap_member_key,
)
from crypto.payload import derive_keys, parse_header, seal_stream, verify_blob
from crypto.receipts import verify_receipt
from crypto.shares import open_share, public_key_hex, share_info
from crypto.signing import public_key_raw, signing_key_from_seed
from crypto.tarstream import TarWriter
from crypto.tlog import sign_tree_head, verify_tree_head

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "vectors" / "etb1-vectors.json").read_text(encoding="utf-8")
)
CASES = VECTORS["payload_cases"]
MEMBER_KEYS = {
    m["key_id"]: private_key_from_pkcs8(bytes.fromhex(m["private_key_pkcs8"]))
    for m in VECTORS["members"]
}


def plaintext(size: int) -> bytes:
    period = bytes((i * 7 + 3) % 251 for i in range(251))
    return (period * (size // 251 + 1))[:size]


def test_it_covers_the_required_sizes_and_thresholds() -> None:
    c = CHUNK_SIZE
    sizes = {case["plaintext_size"] for case in CASES}
    assert sizes == {0, 1, c - 1, c, c + 1, 3 * c}
    assert {(case["shamir"]["k"], case["shamir"]["n"]) for case in CASES} == {
        (2, 2),
        (2, 3),
        (3, 5),
    }


def test_it_derives_member_public_keys_from_the_private_keys() -> None:
    for member in VECTORS["members"]:
        key = MEMBER_KEYS[member["key_id"]]
        assert public_key_hex(key) == member["public_key"]
        assert key.private_numbers().private_value == int(member["private_scalar"], 16)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_it_reproduces_the_payload_case(case: dict[str, Any]) -> None:
    assert canonical_json(case["manifest"]).decode() == case["manifest_canonical"]
    assert manifest_hash(case["manifest"]).hex() == case["manifest_hash"]
    assert canonical_json(case["context"]).decode() == case["context_canonical"]
    ctx_hash = context_hash(case["context"])
    assert ctx_hash.hex() == case["context_hash"]
    dek, salt = bytes.fromhex(case["dek"]), bytes.fromhex(case["salt"])
    payload_key, key_commit = derive_keys(dek, salt)
    assert (payload_key.hex(), key_commit.hex()) == (case["payload_key"], case["key_commit"])

    pt = plaintext(case["plaintext_size"])
    assert hashlib.sha256(pt).hexdigest() == case["plaintext_sha256"]
    blob = io.BytesIO()
    sealed = seal_stream(
        io.BytesIO(pt),
        blob,
        ctx_hash,
        dek=dek,
        salt=salt,
        nonce_prefix=bytes.fromhex(case["nonce_prefix"]),
    )
    raw = blob.getvalue()
    assert raw[:115].hex() == case["header"]
    assert hashlib.sha256(raw).hexdigest() == case["blob_sha256"]
    digest = sealed.digest
    assert digest.header_hash.hex() == case["header_hash"]
    assert digest.root.hex() == case["root"]
    assert (digest.size, digest.chunks) == (case["size"], case["chunks"])
    assert len(raw) == case["size"] == 115 + len(pt) + 16 * case["chunks"]
    step = CHUNK_SIZE + 16
    cts = [raw[115 + i : 115 + i + step] for i in range(0, len(raw) - 115, step)]
    assert [merkle.leaf_hash(ct).hex() for ct in cts] == case["leaves"]
    assert hashlib.sha256(cts[0]).hexdigest() == case["first_chunk_sha256"]
    assert hashlib.sha256(cts[-1]).hexdigest() == case["last_chunk_sha256"]
    assert verify_blob(io.BytesIO(raw)) == digest
    header = parse_header(raw[:115])
    assert header.nonce_prefix.hex() == case["nonce_prefix"]
    assert header.context_hash == ctx_hash


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_it_reproduces_and_reopens_the_shares(case: dict[str, Any]) -> None:
    params = case["shamir"]
    dek = bytes.fromhex(case["dek"])
    shares = shamir.split_with(dek, params["xs"], params["coefficients"])
    assert [s.hex() for s in shares] == [s["share"] for s in case["shares"]]
    assert shamir.combine(shares[-params["k"] :]) == dek
    ctx_hash = bytes.fromhex(case["context_hash"])
    for sealed, plain in zip(case["sealed_shares"], case["shares"], strict=True):
        key_id = sealed["key_id"]
        assert sealed["info"] == share_info(ctx_hash, key_id).decode()
        opened = open_share(
            bytes.fromhex(sealed["sealed_share"]),
            MEMBER_KEYS[key_id],
            context_hash=ctx_hash,
            key_id=key_id,
        )
        assert opened.hex() == plain["share"]
    other = case["sealed_shares"][1]
    with pytest.raises(ShareOpenFailed):
        open_share(
            bytes.fromhex(other["sealed_share"]),
            MEMBER_KEYS[case["sealed_shares"][0]["key_id"]],
            context_hash=ctx_hash,
            key_id=other["key_id"],
        )


def test_it_rejects_the_wrong_share_and_identifies_it() -> None:
    vec = VECTORS["wrong_share"]
    case = next(c for c in CASES if c["name"] == vec["case"])
    header = parse_header(bytes.fromhex(case["header"]))
    bad, first = bytes.fromhex(vec["bad_share"]), bytes.fromhex(vec["good_shares"][0])
    assert shamir.combine([bad, first]).hex() == vec["combine_bad_with_first"]
    with pytest.raises(KeyCommitMismatch):
        recover_dek([bad, first], k=2, header=header)
    recovery = recover_dek([bytes.fromhex(s) for s in vec["identify_input"]], k=2, header=header)
    assert recovery.dek.hex() == case["dek"]
    assert recovery.bad_shares == [vec["identify_bad_index"]]


@pytest.mark.parametrize("vec", VECTORS["member_key_wrap"], ids=lambda v: v["key_id"])
def test_it_unwraps_the_member_key_vectors(vec: dict[str, Any]) -> None:
    stored = vec["stored"]
    kek = derive_kek(vec["passphrase"], bytes.fromhex(stored["salt"]), stored["iterations"])
    assert kek.hex() == vec["kek"]
    key = unwrap_member_key(stored, vec["passphrase"], allow_weak_for_tests=True)
    assert private_key_to_pkcs8(key).hex() == vec["private_key_pkcs8"]
    nfc = bytes.fromhex(vec["passphrase_nfc_utf8"]).decode("utf-8")
    assert unwrap_member_key(stored, nfc, allow_weak_for_tests=True) is not None


def test_it_reproduces_the_tar_vector_with_our_writer_and_with_tarfile() -> None:
    vec = VECTORS["tar"]
    ours = io.BytesIO()
    writer = TarWriter(ours.write)
    for f in vec["files"]:
        writer.add_bytes(f["name"], f["content_utf8"].encode("utf-8"), f["mtime"])
    writer.close()
    assert len(ours.getvalue()) == vec["tar_size"]
    assert hashlib.sha256(ours.getvalue()).hexdigest() == vec["tar_sha256"]
    padded = ours.getvalue().ljust(vec["padded_size"], b"\x00")
    assert vec["padded_size"] % CHUNK_SIZE == 0
    assert hashlib.sha256(padded).hexdigest() == vec["padded_sha256"]
    with tarfile.open(fileobj=io.BytesIO(padded)) as archive:
        read_back = {m.name: archive.extractfile(m).read() for m in archive}  # type: ignore[union-attr]
    assert read_back == {f["name"]: f["content_utf8"].encode() for f in vec["files"]}


def test_it_reproduces_the_receipt_signature() -> None:
    vec = VECTORS["receipt"]
    key = signing_key_from_seed(bytes.fromhex(vec["seed"]))
    assert public_key_raw(key).hex() == vec["public_key"]
    assert canonical_json(vec["receipt"]).decode() == vec["canonical"]
    # Ed25519 is deterministic, so the signature is reproducible byte for byte.
    assert key.sign(vec["canonical"].encode()).hex() == vec["signature"]
    assert verify_receipt(vec["signed"], vec["public_key"]) == vec["receipt"]
    forged = {"receipt": {**vec["receipt"], "size": vec["receipt"]["size"] + 1}}
    with pytest.raises(SignatureInvalid):
        verify_receipt({**forged, "signature": vec["signature"]}, vec["public_key"])


def test_it_reproduces_the_merkle_vectors() -> None:
    vec = VECTORS["merkle"]
    leaves = [merkle.leaf_hash(e.encode()) for e in vec["entries"]]
    assert [leaf.hex() for leaf in leaves] == vec["leaves"]
    assert merkle.root_of([]).hex() == vec["empty_root"]
    for size, root in vec["roots"].items():
        assert merkle.root_of(leaves[: int(size)]).hex() == root
    for proof in vec["inclusion"]:
        path = merkle.inclusion_proof(leaves[: proof["tree_size"]], proof["index"])
        assert [p.hex() for p in path] == proof["path"]
        merkle.verify_inclusion(
            bytes.fromhex(proof["leaf"]),
            proof["index"],
            proof["tree_size"],
            [bytes.fromhex(p) for p in proof["path"]],
            bytes.fromhex(proof["root"]),
        )
    for proof in vec["consistency"]:
        path = merkle.consistency_proof(leaves[: proof["new_size"]], proof["old_size"])
        assert [p.hex() for p in path] == proof["path"]
        merkle.verify_consistency(
            proof["old_size"],
            proof["new_size"],
            bytes.fromhex(proof["old_root"]),
            bytes.fromhex(proof["new_root"]),
            path,
        )


def test_it_reproduces_the_signed_tree_head() -> None:
    vec = VECTORS["tree_head"]
    key = signing_key_from_seed(bytes.fromhex(vec["seed"]))
    assert sign_tree_head(vec["tree_head"], key) == vec["signed"]
    assert canonical_json(vec["tree_head"]).decode() == vec["canonical"]
    assert verify_tree_head(vec["signed"], vec["public_key"]) == vec["tree_head"]
    assert vec["tree_head"]["root"] == VECTORS["merkle"]["roots"]["8"]
