"""Transparency log helpers (ETB-1 §10): entry leaves and signed tree heads.

Storage and ordering of entries belong to the bids app; this module only defines the bytes.
A signed tree head is {"tree_head": {"root", "size", "timestamp"}, "signature": "<hex>"}.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from crypto.canonical import HEX64_RE, canonical_json
from crypto.errors import InvalidInput
from crypto.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from crypto.signing import verify_signature
from crypto.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "consistency_proof",
    "entry_bytes",
    "entry_leaf_hash",
    "inclusion_proof",
    "root_of",
    "sign_tree_head",
    "tree_head",
    "verify_consistency",
    "verify_inclusion",
    "verify_tree_head",
]

TREE_HEAD_KEYS = frozenset({"root", "size", "timestamp"})


def entry_bytes(entry: Mapping[str, Any]) -> bytes:
    """A log entry is the canonical JSON of an object; its `kind` says what happened."""
    if not isinstance(entry, Mapping):
        raise InvalidInput("a log entry is a JSON object")
    return canonical_json(entry)


def entry_leaf_hash(entry: Mapping[str, Any] | bytes) -> bytes:
    """leaf = SHA-256(0x00 || canonical entry)."""
    return leaf_hash(entry if isinstance(entry, bytes) else entry_bytes(entry))


def tree_head(*, size: int, root: bytes, timestamp: datetime) -> dict[str, Any]:
    return {"root": root.hex(), "size": size, "timestamp": format_timestamp(timestamp)}


def validate_tree_head(head: Any) -> dict[str, Any]:
    if not isinstance(head, Mapping) or set(head) != TREE_HEAD_KEYS:
        raise InvalidInput("tree head must have exactly root, size, timestamp")
    if not isinstance(head["root"], str) or not HEX64_RE.fullmatch(head["root"]):
        raise InvalidInput("tree head root must be 64 lowercase hex characters")
    size = head["size"]
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidInput("tree head size must be a non-negative integer")
    parse_timestamp(head["timestamp"])
    return dict(head)


def sign_tree_head(head: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    validate_tree_head(head)
    return {"tree_head": dict(head), "signature": key.sign(canonical_json(head)).hex()}


def verify_tree_head(
    signed: Mapping[str, Any], public_key: Ed25519PublicKey | bytes | str
) -> dict[str, Any]:
    if not isinstance(signed, Mapping) or set(signed) != {"tree_head", "signature"}:
        raise InvalidInput('a signed tree head is {"tree_head": {...}, "signature": "<hex>"}')
    head = validate_tree_head(signed["tree_head"])
    if not isinstance(signed["signature"], str):
        raise InvalidInput("signature must be hex")
    verify_signature(public_key, signed["signature"], canonical_json(head))
    return head


def leaves_of(entries: Sequence[Mapping[str, Any] | bytes]) -> list[bytes]:
    return [entry_leaf_hash(e) for e in entries]
