"""HPKE sealing of Shamir shares to committee members (ETB-1 §6).

RFC 9180 base mode, DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, empty aad,
info = "ETB1/share|" + context_hash hex + "|" + key_id. Binding the context hash and key_id in
`info` means a share only opens for the submission and the member it was sealed for.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.constants import HASH_LEN, SEALED_SHARE_LEN, SHARE_INFO_PREFIX, SHARE_LEN
from crypto.errors import BadShare, InvalidInput, ShareOpenFailed

_SUITE = hpke.Suite(hpke.KEM.P256, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


def share_info(context_hash: bytes, key_id: str) -> bytes:
    if len(context_hash) != HASH_LEN:
        raise InvalidInput("context_hash must be 32 bytes")
    return (SHARE_INFO_PREFIX + context_hash.hex() + "|" + key_id).encode("utf-8")


def public_key_from_hex(public_key_hex: str) -> ec.EllipticCurvePublicKey:
    try:
        raw = bytes.fromhex(public_key_hex)
        if len(raw) != 65 or raw[0] != 4:
            raise ValueError
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise InvalidInput("public key must be a 65-byte uncompressed P-256 point") from None


def public_key_hex(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> str:
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint).hex()


def seal_share(
    share: bytes,
    public_key: ec.EllipticCurvePublicKey,
    *,
    context_hash: bytes,
    key_id: str,
) -> bytes:
    """HPKE-seal one 33-byte share to a member: enc (65) || ciphertext (49) = 114 bytes."""
    if len(share) != SHARE_LEN:
        raise InvalidInput("a share must be 33 bytes")
    sealed = _SUITE.encrypt(bytes(share), public_key, share_info(context_hash, key_id))
    assert len(sealed) == SEALED_SHARE_LEN
    return sealed


def open_share(
    sealed: bytes,
    private_key: ec.EllipticCurvePrivateKey,
    *,
    context_hash: bytes,
    key_id: str,
) -> bytes:
    """Open a sealed share; fails for another member's key or another submission."""
    if len(sealed) != SEALED_SHARE_LEN:
        raise ShareOpenFailed("a sealed share must be 114 bytes")
    try:
        share = _SUITE.decrypt(bytes(sealed), private_key, share_info(context_hash, key_id))
    except (InvalidTag, ValueError):
        raise ShareOpenFailed(
            "this sealed share does not open with this member key for this submission"
        ) from None
    if len(share) != SHARE_LEN or share[-1] == 0:
        raise BadShare("the opened share is malformed")
    return share
