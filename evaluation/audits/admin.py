"""Audits in the admin: read-only. Statuses and records change only through the services
(and their events); staff see who audited whom and when, not the findings' text."""

from __future__ import annotations

from django.contrib import admin

from backend.admin import ReadOnlyAdmin
from evaluation.audits.models import Audit, AuditReliance, AuditShare, RelianceRule


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ("pk", "plan", "kind", "performed_by", "planned_on", "status",
                    "completed_on", "published_at")
    list_filter = ("status", "kind", "performed_by")
    fields = ("plan", "kind", "performed_by", "auditor_name", "planned_on", "status",
              "completed_on", "published_at", "public_summary")


@admin.register(AuditShare)
class AuditShareAdmin(ReadOnlyAdmin):
    list_display = ("audit", "organization", "shared_at", "shared_by")


@admin.register(AuditReliance)
class AuditRelianceAdmin(ReadOnlyAdmin):
    list_display = ("audit", "plan", "relied_at", "relied_by")


@admin.register(RelianceRule)
class RelianceRuleAdmin(admin.ModelAdmin):
    # A dated rule row: staff add a row with its own valid_from when the limit changes.
    list_display = ["max_age_years", "valid_from", "valid_to", "source"]
