"""Following notices, the in-app inbox, saved searches and their digests."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notices.models import Notice, NoticeEvent


class Follow(models.Model):
    """A supplier user who wants to hear about every change to a notice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="follows")
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "notice"],
                                               name="follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.notice_id}"


class InboxKind(models.TextChoices):
    CHANGE = "change", _("Change notice")
    DEADLINE = "deadline", _("Deadline changed")
    DOCUMENT = "document", _("New document version")
    ANSWER = "answer", _("Answer published")
    PRIVATE_ANSWER = "private_answer", _("Answer to your question")
    CANCELLED = "cancelled", _("Notice cancelled")
    QUESTION = "question", _("New question from a supplier")
    RECEIPT = "receipt", _("Bid received")
    COMMITTEE = "committee", _("Named to an opening committee")
    KEY_NEEDED = "key_needed", _("Your opening key is needed")
    OPENING_READY = "opening_ready", _("The opening can start")
    OPENING_STARTED = "opening_started", _("The opening has started")
    # Messages of the evaluation to one supplier (evaluation.qualification), with no
    # NoticeEvent behind them: `path` points at the page to act on.
    CLARIFICATION = "clarification", _("Request for clarification")
    REJECTION = "rejection", _("Bid rejected")
    # The end of the procedure (evaluation.award): letters to every bidder of a lot, and
    # the tasks the officer's dashboard shows (standstill ending, award notice due).
    AWARD = "award", _("Award decision")
    AWARD_WITHDRAWN = "award_withdrawn", _("Award decision withdrawn")
    PROCUREMENT_CANCELLED = "proc_cancelled", _("Procurement cancelled")
    AWARD_TASK = "award_task", _("Award step waiting for you")
    # Ethical-trade follow-up of a contract (evaluation.ethics, evaluation.audits).
    FOLLOW_UP = "follow_up", _("Ethical-trade follow-up")
    AUDIT_TASK = "audit_task", _("Audit step waiting for you")


class InboxMessage(models.Model):
    """One message to one person about one thing, in that person's language, with a link to
    the page it is about. (user, key) is unique (and (user, event) for notice events), so a
    retried notification never writes or mails a message twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="inbox")
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="+")
    # The notice event told about; messages about bids, committees and questions have none.
    event = models.ForeignKey(NoticeEvent, on_delete=models.CASCADE, related_name="+",
                              null=True, blank=True)
    # What the message is about, e.g. "receipt:<submission>": one message per user and key.
    key = models.CharField(max_length=120, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=16, choices=InboxKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    # The page the message is about (a path on the site; links are made absolute from it).
    path = models.CharField(max_length=300, blank=True, default="")
    # A file sent with the e-mail: {"name", "content_type", "content"} (text), e.g. a receipt.
    attachment = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"],
                                    name="inbox_message_once_per_event"),
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""),
                                    name="inbox_message_once_per_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def url(self) -> str:
        """The absolute link to the page the message is about, on the configured site."""
        from backend.links import absolute_url

        return absolute_url(self.path or f"/notices/{self.notice_id}/")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class SavedSearch(models.Model):
    """A search (the same parameters as GET /api/notices/) a supplier wants digests of."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="saved_searches")
    name = models.CharField(_("name"), max_length=200)
    params = models.JSONField(_("query and filters"), default=dict, blank=True)
    frequency = models.CharField(_("how often"), max_length=16, choices=Frequency.choices,
                                 default=Frequency.DAILY)
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token,
                                  editable=False)
    created_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class DigestDelivery(models.Model):
    """A notice that has been sent in a digest of a saved search: never send it again."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE,
                                     related_name="deliveries")
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["saved_search", "notice"],
                                               name="digest_delivery_once")]

    def __str__(self) -> str:
        return f"{self.saved_search_id}: {self.notice_id}"
