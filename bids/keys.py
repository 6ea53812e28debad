"""The platform's Ed25519 key that signs receipts and tree heads.

Production: ANBUD_RECEIPT_KEY (64 hex characters, the 32-byte seed). Embedded default: a seed
generated once into DATA_DIR/keys/receipt-ed25519.seed with 0600 permissions. Never in the
database, never logged.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from crypto.signing import public_key_raw, signing_key_from_seed

SEED_FILE = "receipt-ed25519.seed"


def _seed_path() -> Path:
    return Path(settings.DATA_DIR) / "keys" / SEED_FILE


def _load_or_create_seed(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        # Write a private temporary file, then link it into place: concurrent workers either
        # create the key or read the complete one, never a half-written file.
        scratch = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_bytes(32).hex())
            try:
                os.link(scratch, path)
            except FileExistsError:
                pass
        finally:
            scratch.unlink(missing_ok=True)
    text = path.read_text().strip()
    try:
        seed = bytes.fromhex(text)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(f"{path} does not hold a 32-byte hex seed")
    return seed


@lru_cache(maxsize=4)
def _key_for(source: str) -> Ed25519PrivateKey:
    if source == "env":
        try:
            seed = bytes.fromhex(os.environ["ANBUD_RECEIPT_KEY"].strip())
        except ValueError:
            seed = b""
        if len(seed) != 32:
            raise ImproperlyConfigured("ANBUD_RECEIPT_KEY must be 64 hex characters (a seed)")
        return signing_key_from_seed(seed)
    return signing_key_from_seed(_load_or_create_seed(Path(source)))


def platform_signing_key() -> Ed25519PrivateKey:
    if os.environ.get("ANBUD_RECEIPT_KEY"):
        return _key_for("env")
    return _key_for(str(_seed_path()))


def platform_public_key_hex() -> str:
    return public_key_raw(platform_signing_key()).hex()
