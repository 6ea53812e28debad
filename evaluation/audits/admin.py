"""Audits in the admin: read-only. Statuses and records change only through the services
(and their events); staff see who audited whom and when, not the findings' text."""

from __future__ import annotations

from django.contrib import admin

from backend.admin import ReadOnlyAdmin
from evaluation.audits.models import Audit, AuditReliance, AuditShare


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
