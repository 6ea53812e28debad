"""Admin: read-only, and no submission row is visible before its tender's deadline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.admin import EventAdmin, ReadOnlyAdmin
from backend.clock import db_now
from bids.models import (
    BidEvent,
    Committee,
    LogEntry,
    Manifest,
    Receipt,
    SignedTreeHead,
    Submission,
)


class AfterDeadlineAdmin(ReadOnlyAdmin):
    """Rows tied to a bid appear only once the tender's deadline has passed."""

    notice_path = "notice"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        clock = db_now()
        return super().get_queryset(request).filter(
            **{f"{self.notice_path}__submission_deadline__lte": clock})


@admin.register(Submission)
class SubmissionAdmin(AfterDeadlineAdmin):
    list_display = ("id", "notice", "supplier", "status", "sealing", "received_at", "size")
    list_filter = ("status", "sealing")
    exclude = ("context",)


@admin.register(Receipt)
class ReceiptAdmin(AfterDeadlineAdmin):
    notice_path = "submission__notice"
    list_display = ("submission", "issued_at")


@admin.register(BidEvent)
class BidEventAdmin(EventAdmin):
    list_display = ("at", "notice", "kind", "kind_code", "by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Committee events are not about bids; submission events wait for the deadline.
        clock = db_now()
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs.filter(submission__isnull=True) | qs.filter(
            submission__isnull=False, notice__submission_deadline__lte=clock)


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyAdmin):
    list_display = ("notice", "k", "electronic_bids")


@admin.register(Manifest)
class ManifestAdmin(ReadOnlyAdmin):
    list_display = ("notice", "number", "manifest_hash", "published_at", "superseded_at")


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ("index", "kind", "created_at")


@admin.register(SignedTreeHead)
class SignedTreeHeadAdmin(ReadOnlyAdmin):
    list_display = ("size", "root", "timestamp", "reason", "notice")
