from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """Published data, bids and events change only through services, never in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventAdmin(ReadOnlyAdmin):
    """Event rows (backend.events): read-only, never deleted; the stored code beside its name."""

    list_display: tuple[str, ...] = ("at", "kind", "kind_code", "by")

    @admin.display(description=_("event code"), ordering="kind")
    def kind_code(self, obj: Any) -> str:
        return str(obj.kind)
