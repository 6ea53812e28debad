"""One exception family for ETB-1.

Messages are written for people and never contain key material, shares, passphrases or
plaintext: callers may log them and show them to users as they are.
"""

from __future__ import annotations


class EtbError(Exception):
    """Base class of every ETB-1 failure. `code` is stable for APIs and the CLI."""

    code = "etb_error"


class InvalidInput(EtbError):
    """A structurally invalid argument (wrong length, wrong type, out of range)."""

    code = "invalid_input"


class InvalidManifest(InvalidInput):
    code = "invalid_manifest"


class InvalidContext(InvalidInput):
    code = "invalid_context"


class ManifestHashMismatch(EtbError):
    code = "manifest_hash_mismatch"


class BlobError(EtbError):
    """The sealed blob is malformed or has been altered."""

    code = "bad_blob"


class BadMagic(BlobError):
    code = "bad_magic"


class BadChunkSize(BlobError):
    code = "bad_chunk_size"


class ChunkAuthFailed(BlobError):
    code = "chunk_auth_failed"


class TruncatedBlob(BlobError):
    code = "truncated_blob"


class TrailingData(BlobError):
    code = "trailing_data"


class DigestMismatch(BlobError):
    """The blob does not match the digest (header hash, root, size, chunks) on the receipt."""

    code = "digest_mismatch"


class ContextMismatch(EtbError):
    """The blob (or share) was sealed for another submission/context."""

    code = "context_mismatch"


class KeyCommitMismatch(EtbError):
    """The reconstructed DEK does not match the key commitment in the header."""

    code = "key_commit_mismatch"


class ShareError(EtbError):
    code = "bad_share"


class NotEnoughShares(ShareError):
    code = "not_enough_shares"


class BadShare(ShareError):
    """A share is malformed or inconsistent with the others."""

    code = "bad_share"


class ShareOpenFailed(ShareError):
    """HPKE open failed: wrong member key, share sealed for another submission, or damage."""

    code = "share_open_failed"


class MemberKeyError(EtbError):
    code = "member_key_error"


class WrongPassphrase(MemberKeyError):
    code = "wrong_passphrase"


class WeakKdfParameters(MemberKeyError):
    code = "weak_kdf_parameters"


class SignatureInvalid(EtbError):
    code = "signature_invalid"


class InvalidReceipt(InvalidInput):
    code = "invalid_receipt"


class ProofInvalid(EtbError):
    code = "proof_invalid"


class UnsafeArchive(EtbError):
    """The opened tar contains a member that would escape the output folder or is not a file."""

    code = "unsafe_archive"
