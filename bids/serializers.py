"""The request bodies of the bids API, field by field (they document the OpenAPI schema).

Serializers check the shape (types, lengths, hex); the services still check everything that
needs the database or the cryptography (the key is a point on P-256, the shares match the
manifest, the digest matches the stored blob), so a call from Python is as safe as one over
HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from crypto.constants import MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS, SEALED_SHARE_LEN

HEX = r"^[0-9a-f]*$"
HEX_MESSAGE = "Lowercase hex only."
KEY_ID = r"^[A-Za-z0-9][A-Za-z0-9._@:+-]*$"


def _hex(length: int | None = None, *, min_length: int | None = None,
         max_length: int | None = None, required: bool = True,
         help_text: str) -> serializers.RegexField:
    return serializers.RegexField(
        HEX, min_length=length or min_length, max_length=length or max_length,
        required=required, error_messages={"invalid": HEX_MESSAGE}, help_text=help_text)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, instead of dropping them silently."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Unknown field: send only the fields listed.")] for name in unknown})
        return super().to_internal_value(data)


class WrappedKeySerializer(StrictSerializer):
    """A committee member's key as `anbud-etb keygen` or the enrolment page wrap it (ETB-1
    §7). Never a passphrase, never an unwrapped key: unknown fields are refused."""

    key_id = serializers.RegexField(KEY_ID, max_length=64, help_text=(
        "The member's key id: letters, digits and . _ @ : + - (at most 64)."))
    public_key = serializers.RegexField(
        r"^04[0-9a-f]{128}$", help_text="SEC1 uncompressed P-256 public key, 130 lowercase hex.",
        error_messages={"invalid": "130 lowercase hex characters starting with 04."})
    kdf = serializers.ChoiceField(choices=["pbkdf2-sha256"],
                                  help_text="Key derivation for the wrapping key.")
    iterations = serializers.IntegerField(
        min_value=MIN_PBKDF2_ITERATIONS, max_value=MAX_PBKDF2_ITERATIONS,
        help_text=f"PBKDF2 rounds, at least {MIN_PBKDF2_ITERATIONS:,}.")
    salt = _hex(32, help_text="PBKDF2 salt, 16 bytes as hex.")
    nonce = _hex(24, help_text="AES-GCM nonce, 12 bytes as hex.")
    wrapped = _hex(min_length=128, max_length=4096,
                   help_text="The AES-GCM wrapped private key with its tag, as hex.")


class EnrolledKeySerializer(serializers.Serializer):
    key_id = serializers.CharField()
    public_key = serializers.CharField()
    enrolled_at = serializers.DateTimeField(allow_null=True)


class SealedShareSerializer(StrictSerializer):
    key_id = serializers.CharField(max_length=64, help_text=(
        "A key id of the submission's committee manifest."))
    sealed_share = _hex(2 * SEALED_SHARE_LEN, help_text=(
        f"The share HPKE-sealed to that member's key, {SEALED_SHARE_LEN} bytes as hex."))


class SealedSharesSerializer(serializers.Serializer):
    """One sealed key share per member of the manifest the bid was sealed to (ETB-1 §4)."""

    sealed_shares = SealedShareSerializer(many=True, allow_empty=False,
                                          help_text="One per committee member.")
    context_hash = _hex(64, required=False, help_text=(
        "Optional check: the submission's context hash the shares were made for."))
    manifest_hash = _hex(64, required=False, help_text=(
        "Optional check: the manifest hash the shares were made for."))


class SharesStoredSerializer(serializers.Serializer):
    key_ids = serializers.ListField(child=serializers.CharField())


class DigestSerializer(serializers.Serializer):
    """The digest the client computed over the sealed blob; the server recomputes it from the
    stored parts and issues the receipt only if they agree."""

    header_hash = _hex(64, help_text="SHA-256 of the blob header, hex.")
    # A field named like a Field attribute (root); the stubs see a clash, DRF does not.
    root = _hex(64, help_text="Merkle root over the chunks, hex.")  # type: ignore[assignment]
    size = serializers.IntegerField(min_value=1, help_text="Size of the sealed blob in bytes.")
    chunks = serializers.IntegerField(min_value=1, help_text="Number of chunks.")
    context_hash = _hex(64, required=False,
                        help_text="Optional: the context hash in the blob header.")


class FinalizeSerializer(DigestSerializer):
    """The digest, and (optional, recommended) the sealed shares in the same request: a bid is
    then start, PUT the part(s), finalise. Without them, POST .../sealed-shares first."""

    sealed_shares = SealedShareSerializer(many=True, allow_empty=False, required=False,
                                          help_text=(
                                              "One per committee member; stored with the "
                                              "receipt in one transaction."))
    manifest_hash = _hex(64, required=False, help_text=(
        "Optional check: the manifest hash the shares were made for."))


class SealedBlobSerializer(serializers.Serializer):
    """The multipart/form-data body of the one-request upload and finalise (PUT .../blob)."""

    finalize = FinalizeSerializer(help_text=(
        "The finalise document as a JSON part (Content-Type application/json): the digest "
        "you computed and the sealed shares, exactly as for POST .../finalize."))
    blob = serializers.FileField(help_text=(
        "The whole sealed blob (ETB-1), at most `part_max_bytes` (see the start answer's "
        "`upload`) and within the tender's `max_bid_bytes`. Larger bids: upload parts, "
        "then finalise."))


class ReceiptSerializer(serializers.Serializer):
    """Exactly the ETB-1 §9 receipt fields (crypto.receipts.RECEIPT_KEYS)."""

    v = serializers.CharField(help_text="ETB1-receipt")
    submission = serializers.CharField()
    tender = serializers.CharField()
    bidder = serializers.CharField()
    context_hash = serializers.CharField()
    header_hash = serializers.CharField()
    # A field named like a Field attribute (root); the stubs see a clash, DRF does not.
    root = serializers.CharField()  # type: ignore[assignment]
    size = serializers.IntegerField()
    chunks = serializers.IntegerField()
    received_at = serializers.CharField(help_text="RFC 3339 UTC with microseconds, as signed.")
    sealing = serializers.CharField()
    log_index = serializers.IntegerField()


class SignedReceiptSerializer(serializers.Serializer):
    receipt = ReceiptSerializer(help_text="The receipt (ETB-1 §9); the signature is over its "
                                          "canonical JSON.")
    signature = serializers.CharField(help_text="Ed25519 signature over the receipt, hex.")


class SubmissionStartSerializer(serializers.Serializer):
    supplier = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                        max_value=2**63 - 1, help_text=(
                                            "Organisation id of the supplier; needed only if "
                                            "you act for several."))
    envelope = serializers.CharField(required=False, default="offer", max_length=32,
                                     help_text="ETB-1 v1 has one envelope, 'offer'.")


class MemberRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, default="", allow_blank=True,
                                   max_length=2000, help_text="Why the member leaves "
                                                              "(published).")
    key_lost = serializers.BooleanField(required=False, default=False,
                                        help_text="The member has lost the key.")


class ManifestRepublishSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, default="", allow_blank=True,
                                   max_length=2000,
                                   help_text="Why the committee changed (published).")


# --- responses (they document the OpenAPI schema; the views build the same shapes) ---------

class DeadlineFieldsSerializer(serializers.Serializer):
    deadline = serializers.DateTimeField(allow_null=True, help_text="The tender deadline.")
    server_time = serializers.DateTimeField(help_text="The database clock, which decides.")


class CommitteeMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    key_id = serializers.CharField(allow_blank=True)
    public_key = serializers.CharField(allow_blank=True)
    enrolled = serializers.BooleanField()


class CommitteeSerializer(serializers.Serializer):
    """The committee as the notice publishes it; without a committee only the first four."""

    electronic_bids = serializers.BooleanField()
    k = serializers.IntegerField(allow_null=True, help_text="Members needed to open a bid.")
    members = CommitteeMemberSerializer(many=True)
    manifest_hash = serializers.CharField(allow_blank=True)
    n = serializers.IntegerField(required=False)
    max_bid_bytes = serializers.IntegerField(required=False)
    problems = serializers.ListField(child=serializers.CharField(), required=False)
    manifest_version = serializers.IntegerField(required=False, allow_null=True)


class CommitteeConfiguredSerializer(CommitteeSerializer):
    warnings = serializers.ListField(child=serializers.CharField())


class ManifestRefSerializer(serializers.Serializer):
    manifest_hash = serializers.CharField(allow_null=True)
    manifest_version = serializers.IntegerField(allow_null=True)


class ManifestVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    manifest = serializers.DictField(help_text="The frozen committee manifest (ETB-1 §1).")
    manifest_hash = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField(allow_null=True)
    log_index = serializers.IntegerField(allow_null=True)


class ManifestPublishedSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    manifest_hash = serializers.CharField()


class SubmissionSummarySerializer(serializers.Serializer):
    """A bid as the authority and the committee see it after the deadline."""

    id = serializers.UUIDField()
    supplier = serializers.CharField(help_text="The supplier's name.")
    status = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    # A field named like a Field attribute (root); the stubs see a clash, DRF does not.
    root = serializers.CharField(allow_null=True, allow_blank=True)  # type: ignore[assignment]
    header_hash = serializers.CharField(allow_null=True, allow_blank=True)
    sealing = serializers.CharField()
    log_index = serializers.IntegerField(allow_null=True)


class SubmissionSerializer(SubmissionSummarySerializer):
    """A bid as its supplier sees it."""

    tender = serializers.CharField(help_text="The notice's reference.")
    # A field named like a Field attribute (context); the stubs see a clash, DRF does not.
    context = serializers.DictField(  # type: ignore[assignment]
        help_text="The submission context (ETB-1 §3).")
    context_hash = serializers.CharField()
    manifest = serializers.DictField(help_text="The committee manifest the bid is sealed to.")
    manifest_hash = serializers.CharField()
    manifest_version = serializers.IntegerField()
    chunks = serializers.IntegerField(allow_null=True)
    reseal_requested = serializers.BooleanField()
    reseal_reason = serializers.CharField(allow_blank=True)


class SubmissionListSerializer(DeadlineFieldsSerializer):
    results = SubmissionSummarySerializer(many=True, help_text=(
        "A supplier gets its own bids with every field of Submission; the authority and the "
        "committee get the current bids after the deadline."))


class SubmissionDetailSerializer(SubmissionSerializer, DeadlineFieldsSerializer):
    pass


class UploadInfoSerializer(serializers.Serializer):
    chunk_size = serializers.IntegerField()
    part_max_bytes = serializers.IntegerField()
    max_bid_bytes = serializers.IntegerField()


class SubmissionStartedSerializer(SubmissionDetailSerializer):
    upload = UploadInfoSerializer()


class UploadPartSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class UploadPartListSerializer(DeadlineFieldsSerializer):
    status = serializers.CharField()
    total_bytes = serializers.IntegerField()
    parts = UploadPartSerializer(many=True)


class ServerSealedSerializer(SignedReceiptSerializer):
    submission = SubmissionSerializer()


class SignedTreeHeadBodySerializer(serializers.Serializer):
    # A field named like a Field attribute (root); the stubs see a clash, DRF does not.
    root = serializers.CharField()  # type: ignore[assignment]
    size = serializers.IntegerField()
    timestamp = serializers.CharField()


class SignedTreeHeadSerializer(serializers.Serializer):
    tree_head = SignedTreeHeadBodySerializer()
    signature = serializers.CharField()


class LatestTreeHeadSerializer(SignedTreeHeadSerializer):
    public_key = serializers.CharField()


class InclusionProofSerializer(serializers.Serializer):
    entry = serializers.DictField(help_text="The log entry as logged.")
    leaf = serializers.CharField()
    index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    path = serializers.ListField(child=serializers.CharField())
    # A field named like a Field attribute (root); the stubs see a clash, DRF does not.
    root = serializers.CharField()  # type: ignore[assignment]
    public_key = serializers.CharField()
    signed_tree_head = SignedTreeHeadSerializer(required=False)


class ConsistencyProofSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    first_root = serializers.CharField()
    second_root = serializers.CharField()
    path = serializers.ListField(child=serializers.CharField())


class PublicKeySerializer(serializers.Serializer):
    use = serializers.CharField()
    algorithm = serializers.CharField()
    public_key = serializers.CharField()


class KeysSerializer(serializers.Serializer):
    keys = PublicKeySerializer(many=True)
    public_key = serializers.CharField(help_text="The receipt-signing key (the first of keys).")
