"""ETB-1 sealed bids: a pure library (no Django), shared by the CLI and the bids app.

Module map (see docs/crypto.md): canonical (manifest/context hashing), payload (streaming
seal/open), merkle (RFC 9162), tarstream (§3 plaintext), shamir (GF(2^8) shares), shares (HPKE),
member_keys (§7), receipts (§9), tlog (§10), envelope (high level), cli (`anbud-etb`).
"""

from __future__ import annotations

from crypto.constants import CHUNK_SIZE
from crypto.errors import EtbError

__all__ = ["CHUNK_SIZE", "EtbError"]
