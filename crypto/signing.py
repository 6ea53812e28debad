"""Ed25519 helpers shared by receipts and signed tree heads (platform signing key)."""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from crypto.errors import InvalidInput, SignatureInvalid


def signing_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    if len(seed) != 32:
        raise InvalidInput("an Ed25519 seed is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verifying_key(public_key: Ed25519PublicKey | bytes | str) -> Ed25519PublicKey:
    """Accept a key object, 32 raw bytes or 64 hex characters."""
    if isinstance(public_key, Ed25519PublicKey):
        return public_key
    try:
        raw = bytes.fromhex(public_key) if isinstance(public_key, str) else bytes(public_key)
        if len(raw) != 32:
            raise ValueError
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise InvalidInput("an Ed25519 public key is 32 bytes (64 hex characters)") from None


def verify_signature(
    public_key: Ed25519PublicKey | bytes | str, signature: str, data: bytes
) -> None:
    key = verifying_key(public_key)
    try:
        raw = bytes.fromhex(signature)
        if len(raw) != 64:
            raise ValueError
        key.verify(raw, data)
    except (ValueError, TypeError, InvalidSignature):
        raise SignatureInvalid("the signature does not verify with this public key") from None
