"""Canonical JSON, manifest and context validation and hashing (ETB-1 §1, §2)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from crypto.errors import InvalidContext, InvalidInput, InvalidManifest, ManifestHashMismatch

# key_id ends up in the HPKE info string ("...|" + key_id), so keep it plain ASCII.
KEY_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}$")
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
CONTEXT_KEYS = frozenset({"bidder", "envelope", "k", "manifest", "n", "submission", "tender"})
MANIFEST_KEYS = frozenset({"tender", "k", "members"})
MEMBER_KEYS = frozenset({"key_id", "public_key"})


def canonical_json(obj: Any) -> bytes:
    """ETB-1 canonical JSON: sorted keys, no whitespace, UTF-8 (RFC 8785 for str/int values)."""
    _check_json_values(obj)
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _check_json_values(obj: Any) -> None:
    # Floats and booleans canonicalise differently across languages; ETB-1 forbids them.
    if isinstance(obj, bool) or isinstance(obj, float) or obj is None:
        raise ValueError("canonical JSON allows only strings, integers, lists and objects")
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            if not isinstance(key, str):
                raise ValueError("canonical JSON object keys must be strings")
            _check_json_values(value)
    elif isinstance(obj, list | tuple):
        for value in obj:
            _check_json_values(value)
    elif not isinstance(obj, str | int):
        raise ValueError(f"canonical JSON cannot hold {type(obj).__name__}")


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def validate_public_key_hex(value: Any) -> ec.EllipticCurvePublicKey:
    """Parse a 65-byte SEC1 uncompressed P-256 point given as lowercase hex."""
    if not isinstance(value, str) or not re.fullmatch(r"04[0-9a-f]{128}", value):
        raise InvalidManifest("public_key must be 130 lowercase hex chars (uncompressed P-256)")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), bytes.fromhex(value))
    except ValueError:
        raise InvalidManifest("public_key is not a point on P-256") from None


def validate_manifest(manifest: Any) -> dict[str, Any]:
    """Check §1: shape, 2 <= k <= n <= 255, members strictly sorted by key_id, keys valid."""
    if not isinstance(manifest, Mapping) or set(manifest) != MANIFEST_KEYS:
        raise InvalidManifest("manifest must have exactly the keys tender, k, members")
    tender, k, members = manifest["tender"], manifest["k"], manifest["members"]
    if not isinstance(tender, str) or not tender:
        raise InvalidManifest("manifest tender must be a non-empty string")
    if not isinstance(members, list):
        raise InvalidManifest("manifest members must be a list")
    n = len(members)
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= n <= 255:
        raise InvalidManifest(f"need 2 <= k <= n <= 255 (k={k!r}, n={n})")
    seen_keys: set[str] = set()
    previous: str | None = None
    for member in members:
        if not isinstance(member, Mapping) or set(member) != MEMBER_KEYS:
            raise InvalidManifest("each member must have exactly key_id and public_key")
        key_id = member["key_id"]
        if not isinstance(key_id, str) or not KEY_ID_RE.fullmatch(key_id):
            raise InvalidManifest(f"invalid key_id {key_id!r}")
        if previous is not None and key_id <= previous:
            raise InvalidManifest("members must be sorted by key_id without duplicates")
        previous = key_id
        validate_public_key_hex(member["public_key"])
        if member["public_key"] in seen_keys:
            raise InvalidManifest("two members share a public key")
        seen_keys.add(member["public_key"])
    return dict(manifest)


def find_member(manifest: Mapping[str, Any], key_id: str, public_key: str) -> int:
    """§1: a member's client checks its own key is listed; returns its index in the manifest."""
    validate_manifest(manifest)
    for index, member in enumerate(manifest["members"]):
        if member["key_id"] == key_id:
            if member["public_key"] != public_key:
                raise InvalidManifest(f"the manifest lists another public key for {key_id!r}")
            return index
    raise InvalidManifest(f"{key_id!r} is not a member of this committee manifest")


def manifest_hash(manifest: Mapping[str, Any]) -> bytes:
    validate_manifest(manifest)
    return sha256(canonical_json(manifest))


def check_manifest_hash(manifest: Mapping[str, Any], expected_hex: str) -> bytes:
    """Return manifest_hash, refusing a manifest that differs from the published hash."""
    digest = manifest_hash(manifest)
    if digest.hex() != expected_hex.lower():
        raise ManifestHashMismatch("manifest does not match the published manifest hash")
    return digest


def validate_context(context: Any, manifest: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check §2 shape; with a manifest also that k, n, manifest hash and tender agree."""
    if not isinstance(context, Mapping) or set(context) != CONTEXT_KEYS:
        raise InvalidContext("context must have exactly: " + ", ".join(sorted(CONTEXT_KEYS)))
    for key in ("bidder", "envelope", "submission", "tender"):
        if not isinstance(context[key], str) or not context[key]:
            raise InvalidContext(f"context {key} must be a non-empty string")
    for key in ("k", "n"):
        if isinstance(context[key], bool) or not isinstance(context[key], int):
            raise InvalidContext(f"context {key} must be an integer")
    if not 2 <= context["k"] <= context["n"] <= 255:
        raise InvalidContext("context needs 2 <= k <= n <= 255")
    if not isinstance(context["manifest"], str) or not HEX64_RE.fullmatch(context["manifest"]):
        raise InvalidContext("context manifest must be a lowercase SHA-256 hex digest")
    if manifest is not None:
        if context["manifest"] != manifest_hash(manifest).hex():
            raise InvalidContext("context manifest hash does not match the manifest")
        if context["k"] != manifest["k"] or context["n"] != len(manifest["members"]):
            raise InvalidContext("context k/n do not match the manifest")
        if context["tender"] != manifest["tender"]:
            raise InvalidContext("context tender does not match the manifest")
    return dict(context)


def context_hash(context: Mapping[str, Any]) -> bytes:
    validate_context(context)
    return sha256(canonical_json(context))


def parse_hex(value: Any, length: int, what: str) -> bytes:
    """Decode lowercase/uppercase hex of an exact byte length, with a message naming `what`."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a hex string")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise InvalidInput(f"{what} is not valid hex") from None
    if len(raw) != length:
        raise InvalidInput(f"{what} must be {length} bytes")
    return raw
