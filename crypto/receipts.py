"""Signed submission receipts (ETB-1 §9).

A signed receipt is the document {"receipt": {...}, "signature": "<hex>"}; the signature is
Ed25519 over the canonical JSON of "receipt". It verifies offline with the published key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from crypto.canonical import HEX64_RE, canonical_json
from crypto.errors import InvalidInput, InvalidReceipt
from crypto.payload import BlobDigest
from crypto.signing import verify_signature
from crypto.timestamps import format_timestamp, parse_timestamp

RECEIPT_VERSION = "ETB1-receipt"
_STRING_FIELDS = ("submission", "tender", "bidder")
_HASH_FIELDS = ("context_hash", "header_hash", "root")
_INT_FIELDS = ("size", "chunks", "log_index")
RECEIPT_KEYS = frozenset(
    {"v", "received_at", "sealing", *_STRING_FIELDS, *_HASH_FIELDS, *_INT_FIELDS}
)


def build_receipt(
    *,
    submission: str,
    tender: str,
    bidder: str,
    digest: BlobDigest,
    received_at: datetime,
    sealing: str,
    log_index: int,
) -> dict[str, Any]:
    receipt = {
        "v": RECEIPT_VERSION,
        "submission": submission,
        "tender": tender,
        "bidder": bidder,
        "context_hash": digest.context_hash.hex(),
        "header_hash": digest.header_hash.hex(),
        "root": digest.root.hex(),
        "size": digest.size,
        "chunks": digest.chunks,
        "received_at": format_timestamp(received_at),
        "sealing": sealing,
        "log_index": log_index,
    }
    validate_receipt(receipt)
    return receipt


def validate_receipt(receipt: Any) -> dict[str, Any]:
    if not isinstance(receipt, Mapping) or set(receipt) != RECEIPT_KEYS:
        raise InvalidReceipt("receipt must have exactly the ETB-1 §9 fields")
    if receipt["v"] != RECEIPT_VERSION:
        raise InvalidReceipt("not an ETB1-receipt")
    for name in _STRING_FIELDS:
        if not isinstance(receipt[name], str) or not receipt[name]:
            raise InvalidReceipt(f"receipt {name} must be a non-empty string")
    for name in _HASH_FIELDS:
        if not isinstance(receipt[name], str) or not HEX64_RE.fullmatch(receipt[name]):
            raise InvalidReceipt(f"receipt {name} must be 64 lowercase hex characters")
    for name in _INT_FIELDS:
        value = receipt[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidReceipt(f"receipt {name} must be a non-negative integer")
    if receipt["sealing"] not in ("client", "server"):
        raise InvalidReceipt("receipt sealing must be client or server")
    try:
        parse_timestamp(receipt["received_at"])
    except InvalidInput:
        raise InvalidReceipt("received_at must be RFC 3339 UTC with microseconds") from None
    return dict(receipt)


def sign_receipt(receipt: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    validate_receipt(receipt)
    signature = key.sign(canonical_json(receipt))
    return {"receipt": dict(receipt), "signature": signature.hex()}


def verify_receipt(
    signed: Mapping[str, Any], public_key: Ed25519PublicKey | bytes | str
) -> dict[str, Any]:
    """Return the receipt if the signature verifies; SignatureInvalid / InvalidReceipt else."""
    if not isinstance(signed, Mapping) or set(signed) != {"receipt", "signature"}:
        raise InvalidReceipt('a signed receipt is {"receipt": {...}, "signature": "<hex>"}')
    receipt = validate_receipt(signed["receipt"])
    if not isinstance(signed["signature"], str):
        raise InvalidReceipt("signature must be hex")
    verify_signature(public_key, signed["signature"], canonical_json(receipt))
    return receipt
