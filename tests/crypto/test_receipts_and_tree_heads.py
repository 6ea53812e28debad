"""Signed receipts (§9) and signed tree heads (§10) verify offline with the public key."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crypto.errors import InvalidInput, InvalidReceipt, SignatureInvalid
from crypto.payload import BlobDigest
from crypto.receipts import build_receipt, sign_receipt, verify_receipt
from crypto.signing import public_key_raw, signing_key_from_seed
from crypto.timestamps import format_timestamp
from crypto.tlog import sign_tree_head, tree_head, verify_tree_head

KEY = signing_key_from_seed(b"\x07" * 32)
PUBLIC = public_key_raw(KEY).hex()
DIGEST = BlobDigest(
    header_hash=hashlib.sha256(b"h").digest(),
    root=hashlib.sha256(b"r").digest(),
    size=1_048_706,
    chunks=1,
    context_hash=hashlib.sha256(b"c").digest(),
)


def receipt(**overrides: object) -> dict[str, object]:
    base = build_receipt(
        submission="sub-1",
        tender="tender-1",
        bidder="org-1",
        digest=DIGEST,
        received_at=datetime(2026, 11, 21, 11, 15, 30, 5, tzinfo=timezone(timedelta(hours=1))),
        sealing="server",
        log_index=12,
    )
    return {**base, **overrides}


def test_it_formats_received_at_as_utc_with_microseconds() -> None:
    assert receipt()["received_at"] == "2026-11-21T10:15:30.000005Z"
    with pytest.raises(InvalidInput):
        format_timestamp(datetime(2026, 1, 1))  # naive times are ambiguous


def test_it_signs_and_verifies_a_receipt() -> None:
    signed = sign_receipt(receipt(), KEY)
    assert verify_receipt(signed, PUBLIC) == receipt()
    assert verify_receipt(signed, bytes.fromhex(PUBLIC)) == receipt()


@pytest.mark.parametrize(
    "change", [{"size": 1}, {"root": "00" * 32}, {"sealing": "client"}, {"log_index": 13}]
)
def test_it_rejects_an_altered_receipt(change: dict[str, object]) -> None:
    signed = sign_receipt(receipt(), KEY)
    with pytest.raises(SignatureInvalid):
        verify_receipt(
            {"receipt": {**signed["receipt"], **change}, "signature": signed["signature"]}, PUBLIC
        )


def test_it_rejects_another_key() -> None:
    signed = sign_receipt(receipt(), KEY)
    other = public_key_raw(signing_key_from_seed(b"\x08" * 32))
    with pytest.raises(SignatureInvalid):
        verify_receipt(signed, other)


@pytest.mark.parametrize(
    "bad",
    [{"v": "other"}, {"sealing": "browser"}, {"received_at": "2026-11-21T10:15:30Z"}, {"size": -1}],
)
def test_it_refuses_malformed_receipts(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidReceipt):
        sign_receipt(receipt(**bad), KEY)


def test_it_cannot_pass_a_tree_head_off_as_a_receipt() -> None:
    head = tree_head(size=3, root=DIGEST.root, timestamp=datetime(2026, 11, 21, tzinfo=UTC))
    signed = sign_tree_head(head, KEY)
    assert verify_tree_head(signed, PUBLIC) == head
    with pytest.raises(InvalidReceipt):
        verify_receipt({"receipt": signed["tree_head"], "signature": signed["signature"]}, PUBLIC)
    with pytest.raises(SignatureInvalid):
        verify_tree_head(
            {"tree_head": {**head, "size": 4}, "signature": signed["signature"]}, PUBLIC
        )
