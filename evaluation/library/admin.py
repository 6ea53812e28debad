"""The national criteria library in the admin: platform staff add templates and versions.

A saved template is never edited in place once a notice has copied it: "Save as new
version" (the admin's save-as-new) keeps the old row. Authorities' own templates are shown
read-only here; they maintain them on their own page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from backend.admin import ReadOnlyAdmin
from evaluation.library.models import CriterionTemplate, TemplateApplication


@admin.register(CriterionTemplate)
class CriterionTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "version", "area", "use", "ambition", "counts_for_climate",
                    "owner", "active")
    list_filter = ("area", "use", "ambition", "counts_for_climate", "active",
                   ("owner", admin.EmptyFieldListFilter))
    search_fields = ("key", "title_nb", "title_en", "source")
    readonly_fields = ("created_at", "created_by")
    save_as = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A row a notice copied stays as it was: change it by saving a new version.
        if obj is not None and (obj.owner_id is not None or obj.applications.exists()):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.applications.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: CriterionTemplate, form: Any,
                   change: bool) -> None:
        if not change:
            obj.created_at = timezone.now()
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(TemplateApplication)
class TemplateApplicationAdmin(ReadOnlyAdmin):
    """Append-only: which template version was copied into which notice, by whom."""

    list_display = ("at", "notice", "template_key", "template_version", "use", "lot_number",
                    "by")
