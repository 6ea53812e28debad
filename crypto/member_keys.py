"""Committee member key pairs and their passphrase wrapping (ETB-1 §7).

The wrapped form is the only form a server may store. Passphrases are NFC-normalised so the
same words typed on macOS (NFD) and elsewhere derive the same KEK.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from crypto.canonical import KEY_ID_RE, parse_hex
from crypto.constants import MAX_PBKDF2_ITERATIONS, MEMBER_KEY_AAD_PREFIX, MIN_PBKDF2_ITERATIONS
from crypto.errors import InvalidInput, MemberKeyError, WeakKdfParameters, WrongPassphrase
from crypto.shares import public_key_hex

KDF_NAME = "pbkdf2-sha256"
STORED_KEYS = frozenset({"key_id", "public_key", "kdf", "iterations", "salt", "nonce", "wrapped"})


def generate_member_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_key_to_pkcs8(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pkcs8(der: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError):
        raise MemberKeyError("not a valid PKCS#8 private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise MemberKeyError("member keys must be P-256")
    return key


def _check_iterations(iterations: int, allow_weak_for_tests: bool) -> None:
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise InvalidInput("iterations must be a positive integer")
    if iterations > MAX_PBKDF2_ITERATIONS:
        raise WeakKdfParameters(f"iterations above {MAX_PBKDF2_ITERATIONS} are refused")
    if iterations < MIN_PBKDF2_ITERATIONS and not allow_weak_for_tests:
        raise WeakKdfParameters(f"at least {MIN_PBKDF2_ITERATIONS} PBKDF2 iterations required")


def derive_kek(passphrase: str, salt: bytes, iterations: int) -> bytes:
    password = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(password)


def _aad(key_id: str) -> bytes:
    return (MEMBER_KEY_AAD_PREFIX + key_id).encode("utf-8")


def wrap_member_key(
    private_key: ec.EllipticCurvePrivateKey,
    *,
    key_id: str,
    passphrase: str,
    iterations: int = MIN_PBKDF2_ITERATIONS,
    allow_weak_for_tests: bool = False,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> dict[str, Any]:
    """Return the storable {key_id, public_key, kdf, iterations, salt, nonce, wrapped}.

    `salt`/`nonce` are injectable for fixed test vectors only; leave them None.
    """
    if not KEY_ID_RE.fullmatch(key_id):
        raise InvalidInput("invalid key_id")
    if not passphrase:
        raise InvalidInput("the passphrase must not be empty")
    _check_iterations(iterations, allow_weak_for_tests)
    salt = secrets.token_bytes(16) if salt is None else salt
    nonce = secrets.token_bytes(12) if nonce is None else nonce
    if len(salt) != 16 or len(nonce) != 12:
        raise InvalidInput("salt must be 16 bytes and nonce 12 bytes")
    kek = derive_kek(passphrase, salt, iterations)
    wrapped = AESGCM(kek).encrypt(nonce, private_key_to_pkcs8(private_key), _aad(key_id))
    return {
        "key_id": key_id,
        "public_key": public_key_hex(private_key),
        "kdf": KDF_NAME,
        "iterations": iterations,
        "salt": salt.hex(),
        "nonce": nonce.hex(),
        "wrapped": wrapped.hex(),
    }


def unwrap_member_key(
    stored: Mapping[str, Any],
    passphrase: str,
    *,
    allow_weak_for_tests: bool = False,
) -> ec.EllipticCurvePrivateKey:
    """Unwrap a stored member key; WrongPassphrase if the passphrase (or record) is wrong."""
    if not isinstance(stored, Mapping) or set(stored) != STORED_KEYS:
        raise MemberKeyError("not a wrapped ETB-1 member key")
    if stored["kdf"] != KDF_NAME:
        raise MemberKeyError(f"unsupported kdf {stored['kdf']!r}")
    key_id = stored["key_id"]
    if not isinstance(key_id, str) or not KEY_ID_RE.fullmatch(key_id):
        raise MemberKeyError("invalid key_id")
    _check_iterations(stored["iterations"], allow_weak_for_tests)
    salt = parse_hex(stored["salt"], 16, "salt")
    nonce = parse_hex(stored["nonce"], 12, "nonce")
    try:
        wrapped = bytes.fromhex(stored["wrapped"])
    except (TypeError, ValueError):
        raise MemberKeyError("wrapped key is not hex") from None
    kek = derive_kek(passphrase, salt, stored["iterations"])
    try:
        der = AESGCM(kek).decrypt(nonce, wrapped, _aad(key_id))
    except InvalidTag:
        raise WrongPassphrase("wrong passphrase for this member key") from None
    key = private_key_from_pkcs8(der)
    if public_key_hex(key) != stored["public_key"]:
        raise MemberKeyError("the unwrapped key does not match the stored public key")
    return key
