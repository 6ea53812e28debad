"""ETB-1 v1 constants (ETB-1.md §4, §6, §7)."""

from __future__ import annotations

MAGIC = b"ETBIDv1\x00"
CHUNK_SIZE = 1_048_576
HEADER_LEN = 115
TAG_LEN = 16
DEK_LEN = 32
SALT_LEN = 32
NONCE_PREFIX_LEN = 7
HASH_LEN = 32
PAYLOAD_INFO = b"ETB1/payload"
SHARE_LEN = DEK_LEN + 1
SEALED_SHARE_LEN = 114
SHARE_INFO_PREFIX = "ETB1/share|"
MEMBER_KEY_AAD_PREFIX = "ETB1/member-key|"
MIN_PBKDF2_ITERATIONS = 600_000
# Upper bound so a hostile stored key cannot make a client spin for hours.
MAX_PBKDF2_ITERATIONS = 10_000_000
