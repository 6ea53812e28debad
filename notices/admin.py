from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from backend.admin import EventAdmin, ReadOnlyAdmin
from notices.models import (
    DeadlineRule,
    DocumentVersion,
    Lot,
    Notice,
    NoticeEvent,
    NoticeVersion,
    QuestionEvent,
    TenderDocument,
    Threshold,
)
from notices.rules.models import LateChangeRule


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "buyer", "kind", "status", "regime", "published_at"]
    list_filter = ["kind", "status", "regime"]
    search_fields = ["reference", "title", "buyer__name"]
    inlines = [LotInline]


admin.site.register(NoticeVersion, ReadOnlyAdmin)
admin.site.register(NoticeEvent, EventAdmin)
admin.site.register(QuestionEvent, EventAdmin)
admin.site.register(TenderDocument, ReadOnlyAdmin)
admin.site.register(DocumentVersion, ReadOnlyAdmin)


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = ["kind", "buyer_type", "category", "amount", "valid_from", "valid_to", "source"]
    list_filter = ["kind", "buyer_type", "category"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["regime", "procedure_type", "phase", "days", "reduced_days", "valid_from",
                    "valid_to", "source"]


@admin.register(LateChangeRule)
class LateChangeRuleAdmin(admin.ModelAdmin):
    list_display = ["regime", "days", "reduced_days", "valid_from", "valid_to", "source"]
