from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminPasswordSetForm
from accounts.models import (
    AccountEvent,
    ApiToken,
    BuyerType,
    Invitation,
    Membership,
    Organization,
    User,
)
from accounts.services import authority_create
from backend.admin import EventAdmin
from backend.errors import ApplicationError


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = AdminPasswordSetForm  # revokes the user's API tokens
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("email", "full_name", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class AuthorityCreateForm(forms.ModelForm):
    admin_email = forms.EmailField(label=_("First administrator's e-mail"),
                                   help_text=_("They receive an invitation to set a password."))
    buyer_type = forms.ChoiceField(choices=BuyerType.choices, label=_("Buyer type"))

    class Meta:
        model = Organization
        fields = ["name", "org_number", "buyer_type", "city", "nuts"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "identifier", "buyer_type", "city"]
    list_filter = ["kind", "buyer_type", "country"]
    search_fields = ["name", "org_number", "national_id"]
    inlines = [MembershipInline]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False,
                 **kwargs: Any) -> Any:
        if obj is None:
            return AuthorityCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [] if obj is None else self.inlines

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # New organisations from the admin are authorities, created through the service so the
        # first administrator is invited and the event is logged.
        try:
            org, _token = authority_create(
                name=form.cleaned_data["name"], org_number=form.cleaned_data["org_number"],
                buyer_type=form.cleaned_data["buyer_type"],
                admin_email=form.cleaned_data["admin_email"], by=request.user,  # type: ignore[arg-type]
                city=form.cleaned_data.get("city", ""), nuts=form.cleaned_data.get("nuts", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            raise
        obj.pk = org.pk
        messages.success(request, _("The authority was created and its administrator invited."))


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_by"]


@admin.register(AccountEvent)
class AccountEventAdmin(EventAdmin):
    list_display = ("at", "organization", "kind", "kind_code", "by")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see which tokens exist and can revoke (delete) one; nobody can read a secret.

    Only knox's SHA-512 digest of a secret is stored (it is the row's key, so it appears in
    admin links); the secret itself exists only in the response that created the token.
    """

    list_display = ["name", "user", "created", "expiry", "last_used_at"]
    search_fields = ["name", "user__email"]
    fields = ("public_id", "name", "user", "created", "expiry", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
