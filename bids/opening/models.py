"""Opening sessions (ETB-1 §8): who sent which share, what was opened, with what result.

Secrets rule: plain shares and DEKs are never stored. A member's plain share is HPKE-sealed
to the session's ephemeral key (its private half lives only in the cache, with a TTL) before
it reaches this table; opened plaintext lives in private storage behind a permission-checked
view. Status fields change only through bids.opening.services (compare-and-swap plus a BidEvent).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bids.models import CommitteeMember, SignedTreeHead, Submission
from notices.models import Notice


class OpeningStatus(models.TextChoices):
    COLLECTING = "collecting", _("Waiting for the committee's shares")
    OPENING = "opening", _("Opening the bids")
    OPENED = "opened", _("All bids opened")
    FAILED = "failed", _("Stopped; can be resumed")


class OpeningSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notice = models.OneToOneField(Notice, on_delete=models.PROTECT, related_name="opening")
    status = models.CharField(max_length=16, choices=OpeningStatus.choices,
                              default=OpeningStatus.COLLECTING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    # Ephemeral HPKE key of the session: public half here, private half only in the cache.
    public_key = models.CharField(max_length=130)
    key_generation = models.PositiveIntegerField(default=1)
    key_expires_at = models.DateTimeField()
    # The tree head at the deadline and the check that the opened set is the received set.
    tree_head = models.ForeignKey(SignedTreeHead, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+")
    log_check = models.JSONField(default=dict, blank=True)
    bids_total = models.PositiveIntegerField(default=0)
    bids_done = models.PositiveIntegerField(default=0)
    bids_failed = models.PositiveIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # plain words, never key material

    class Meta:
        verbose_name = _("opening session")

    def __str__(self) -> str:
        return f"opening {self.notice_id} ({self.status})"


class OpeningShare(models.Model):
    """One member's share of one submission, HPKE-sealed to the session key (never plain)."""

    session = models.ForeignKey(OpeningSession, on_delete=models.CASCADE, related_name="shares")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+")
    key_id = models.CharField(max_length=64)
    resealed = models.CharField(max_length=228)  # hex: enc (65) || ciphertext (49)
    key_generation = models.PositiveIntegerField()
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "received_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "submission", "key_id"],
                                               name="opening_share_unique")]

    def __str__(self) -> str:
        return f"{self.key_id} -> {self.submission_id}"


class OpenedBidStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    OPENED = "opened", _("Opened")
    FAILED = "failed", _("Could not be opened")


class OpenedBid(models.Model):
    """The result of opening one submission; the plaintext is in private storage."""

    session = models.ForeignKey(OpeningSession, on_delete=models.CASCADE, related_name="bids")
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT,
                                      related_name="opened")
    status = models.CharField(max_length=16, choices=OpenedBidStatus.choices,
                              default=OpenedBidStatus.PENDING)
    storage_name = models.CharField(max_length=400, blank=True)
    plaintext_size = models.BigIntegerField(null=True, blank=True)
    # [{"name", "size", "offset"}] of the files in the opened tar (readable after opening).
    files = models.JSONField(default=list, blank=True)
    bad_key_ids = models.JSONField(default=list, blank=True)
    opened_with = models.JSONField(default=list, blank=True)  # key ids whose shares were used
    error_code = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id} ({self.status})"


# Register the opening task in every process that loads the models (web and Celery worker):
# Celery's autodiscovery only imports bids/tasks.py.
from bids.opening import tasks as opening_tasks  # noqa: E402,F401
