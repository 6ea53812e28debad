"""Sealed electronic bids: committee and keys, manifests, submissions, receipts, the log.

Nothing secret is stored here: blobs are ETB-1 ciphertext, shares are HPKE-sealed to the
committee members, member keys only in their passphrase-wrapped form (ETB-1 §7). Status fields
change only through the services (compare-and-swap plus a BidEvent).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from backend.events import Event
from notices.models import Notice, cascade_while_draft

__all__ = [
    "BidEvent", "BidEventKind", "Committee", "CommitteeMember", "LogEntry", "Manifest", "Receipt",
    "SealedShare", "Sealing", "SignedTreeHead", "Submission", "SubmissionStatus", "UploadPart",
]


class Committee(models.Model):
    """The opening committee of one tender, and whether the tender takes electronic bids."""

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="committee")
    electronic_bids = models.BooleanField(_("accepts electronic bids"), default=True)
    # Null: the platform default, settings.BID_MAX_BYTES.
    max_bid_bytes = models.BigIntegerField(_("largest bid (bytes)"), null=True, blank=True)
    k = models.PositiveSmallIntegerField(_("members needed to open (k)"), default=2)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opening committee")

    def __str__(self) -> str:
        return f"{self.notice.reference}: k={self.k}"


class CommitteeMember(models.Model):
    """A member of an opening committee and the key the member enrolled (public + wrapped)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="committee_seats")
    key_id = models.CharField(_("key id"), max_length=64, blank=True)
    public_key = models.CharField(_("public key (hex)"), max_length=130, blank=True)
    # ETB-1 §7 wrapped form only: {key_id, public_key, kdf, iterations, salt, nonce, wrapped}.
    wrapped_key = models.JSONField(_("wrapped private key"), null=True, blank=True)
    added_at = models.DateTimeField()
    enrolled_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["committee", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"],
                                    condition=models.Q(removed_at__isnull=True),
                                    name="committee_member_active_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.key_id or 'no key'})"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    @property
    def has_key(self) -> bool:
        return bool(self.public_key) and self.enrolled_at is not None


class Manifest(models.Model):
    """A frozen committee manifest (ETB-1 §1). Version 1 at publication; later versions when the
    committee changes before the deadline."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="manifests")
    number = models.PositiveIntegerField(_("version"))
    manifest = models.JSONField()
    manifest_hash = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    published_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)
    log_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["notice", "number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"],
                                               name="manifest_version_unique")]

    def __str__(self) -> str:
        return f"{self.notice_id} v{self.number} {self.manifest_hash[:12]}"

    @property
    def k(self) -> int:
        return int(self.manifest["k"])

    @property
    def key_ids(self) -> list[str]:
        return [member["key_id"] for member in self.manifest["members"]]


class SubmissionStatus(models.TextChoices):
    UPLOADING = "uploading", _("Uploading")
    SEALED = "sealed", _("Sealed (receipt issued)")
    SUPERSEDED = "superseded", _("Replaced by a later bid")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OPENED = "opened", _("Opened")
    REJECTED = "rejected", _("Rejected")
    ABANDONED = "abandoned", _("Unfinished upload, deleted after the deadline")


class Sealing(models.TextChoices):
    CLIENT = "client", _("Sealed by the supplier")
    SERVER = "server", _("Sealed by the platform from the upload stream")


def new_submission_id() -> uuid.UUID:
    return uuid.uuid4()  # random: a guessable id would let anyone recompute context hashes


class Submission(models.Model):
    """One attempt of one supplier to bid on one tender (one envelope)."""

    id = models.UUIDField(primary_key=True, default=new_submission_id, editable=False)
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="submissions")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                 related_name="submissions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.UPLOADING)
    manifest = models.ForeignKey(Manifest, on_delete=models.PROTECT, related_name="submissions")
    envelope = models.CharField(max_length=32, default="offer")
    context = models.JSONField()
    context_hash = models.CharField(max_length=64)
    sealing = models.CharField(max_length=8, choices=Sealing.choices, default=Sealing.CLIENT)
    # Filled at finalisation (verified against the stored blob).
    size = models.BigIntegerField(null=True, blank=True)
    chunks = models.PositiveIntegerField(null=True, blank=True)
    root = models.CharField(max_length=64, blank=True)
    header_hash = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    log_index = models.BigIntegerField(null=True, blank=True)
    blob_name = models.CharField(max_length=400, blank=True)
    # Set when the committee changed after sealing: the supplier is asked to seal again.
    reseal_requested = models.BooleanField(default=False)
    reseal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["notice", "status"]),
                   models.Index(fields=["notice", "supplier", "status"])]

    def __str__(self) -> str:
        return str(self.id)


class UploadPart(models.Model):
    """One stored part of a sealed blob (ciphertext), as received."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=400)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["submission", "index"]
        constraints = [models.UniqueConstraint(fields=["submission", "index"],
                                               name="upload_part_unique")]

    def __str__(self) -> str:
        return f"{self.submission_id} part {self.index}"


class SealedShare(models.Model):
    """One DEK share HPKE-sealed to one committee member (114 bytes, ETB-1 §6)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="sealed_shares")
    key_id = models.CharField(max_length=64)
    sealed_share = models.CharField(max_length=228)

    class Meta:
        ordering = ["submission", "key_id"]
        constraints = [models.UniqueConstraint(fields=["submission", "key_id"],
                                               name="sealed_share_unique")]

    def __str__(self) -> str:
        return f"{self.submission_id} share for {self.key_id}"


class Receipt(models.Model):
    """The signed receipt (ETB-1 §9) of a sealed submission."""

    submission = models.OneToOneField(Submission, on_delete=models.PROTECT,
                                      related_name="receipt")
    receipt = models.JSONField()
    signature = models.CharField(max_length=128)
    public_key = models.CharField(max_length=64)
    issued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"receipt {self.submission_id}"


class LogEntry(models.Model):
    """The platform-wide append-only transparency log (ETB-1 §10)."""

    index = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=32)
    entry = models.TextField()  # canonical JSON, exactly the bytes that were hashed
    leaf_hash = models.CharField(max_length=64)
    # The Merkle frontier of the tree ending with this entry (size index + 1): the hex roots
    # of its perfect subtrees, left to right, one per set bit of the size (RFC 9162 compact
    # range). The next append and the tree head at this size need only this, O(log n).
    # Empty on entries written before it was kept: recomputed from the leaves once.
    frontier = models.TextField(blank=True, default="")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["index"]

    def __str__(self) -> str:
        return f"#{self.index} {self.kind}"


class SignedTreeHead(models.Model):
    size = models.BigIntegerField()
    root = models.CharField(max_length=64)
    timestamp = models.CharField(max_length=40)  # RFC 3339, exactly as signed
    signature = models.CharField(max_length=128)
    public_key = models.CharField(max_length=64)
    # Set for the tree head issued at a tender's deadline.
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    reason = models.CharField(max_length=16, default="periodic")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice"],
                                               condition=models.Q(notice__isnull=False),
                                               name="sth_one_per_deadline")]

    def __str__(self) -> str:
        return f"tree head size {self.size} at {self.timestamp}"


class BidEventKind(models.TextChoices):
    """Everything that happens in bids/, in one table per tender. The values are stored and
    read by the opening protocol: never rename one."""

    # The committee and its manifest (before the deadline).
    COMMITTEE_CONFIGURED = "committee.configured", _("Opening committee set up")
    MEMBER_ADDED = "committee.member_added", _("Committee member added")
    MEMBER_REMOVED = "committee.member_removed", _("Committee member removed")
    KEY_ENROLLED = "committee.key_enrolled", _("Committee member's key enrolled")
    KEY_LOST = "committee.key_lost", _("Committee member's key reported lost")
    MANIFEST_PUBLISHED = "manifest.published", _("Committee manifest published")
    # Submissions.
    SUBMISSION_STARTED = "submission.started", _("Submission started")
    PART_RECEIVED = "submission.part_received", _("Part of a sealed bid received")
    SHARES_RECEIVED = "submission.shares_received", _("Sealed key shares received")
    SEALED_ON_SERVER = "submission.sealed_on_server", _("Bid sealed by the platform")
    SEALED = "submission.sealed", _("Bid received and receipt issued")
    SUPERSEDED = "submission.superseded", _("Bid replaced by a later bid")
    WITHDRAWN = "submission.withdrawn", _("Bid withdrawn")
    ABANDONED = "submission.abandoned", _("Unfinished upload abandoned")
    LATE_REFUSED = "submission.late_refused", _("Bid refused: after the deadline")
    RESEAL_REQUESTED = "submission.reseal_requested", _("Supplier asked to seal the bid again")
    OPENED = "submission.opened", _("Bid opened")
    REJECTED = "submission.rejected", _("Bid rejected in the evaluation")
    # The deadline.
    TENDER_CLOSED = "tender.closed", _("Deadline for tenders passed; set of bids logged")
    # The opening (bids.opening).
    OPENING_STARTED = "opening.started", _("Opening started")
    OPENING_RUNNING = "opening.opening", _("Opening the bids")
    OPENING_OPENED = "opening.opened", _("All bids opened")
    OPENING_FAILED = "opening.failed", _("Opening stopped")
    OPENING_RESUMED = "opening.resumed", _("Opening resumed")
    OPENING_KEY_RENEWED = "opening.key_renewed", _("Opening session key renewed")
    OPENING_SHARES_RELEASED = "opening.shares_released", _("Key shares released to a member")
    OPENING_SHARES_RECEIVED = "opening.shares_received", _("Key shares received from a member")
    OPENING_BAD_SHARE = "opening.bad_share", _("Wrong key share detected")
    OPENING_BID_FAILED = "opening.bid_failed", _("Bid could not be opened")
    OPENED_READ = "opened.read", _("Opened bid read")


class BidEvent(Event):
    """Append-only record of every change in bids/: who, when, what. Never secrets."""

    # Committee events of a draft go with the draft; once published, the trail is kept.
    notice = models.ForeignKey(Notice, on_delete=cascade_while_draft, related_name="bid_events")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="events")
    kind = models.CharField(max_length=64, choices=BidEventKind.choices)


from bids.opening.models import OpenedBid, OpeningSession, OpeningShare  # noqa: E402,F401
