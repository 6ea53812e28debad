"""Web forms for accounts. They only shape input; the services validate and write."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AdminPasswordChangeForm, AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts.models import AUTHORITY_ROLES, SUPPLIER_ROLES, CompanySize, Organization, Role
from backend.errors import ApplicationError


def apply_application_error(form: forms.BaseForm, exc: ApplicationError,
                            aliases: dict[str, str] | None = None) -> None:
    """Show a service error on the form: field messages next to fields, the rest on top.

    The service's sentence goes in the summary at the top, linked to the field it is about;
    the short field messages stay next to their fields. `aliases` maps service field names
    to form field names where they differ.
    """
    placed: list[str] = []
    for name, errors in exc.fields.items():
        target = (aliases or {}).get(name, name)
        if target in form.fields:
            for error in errors:
                form.add_error(target, error)
            placed.append(target)
    anchors: dict[str, str] = getattr(form, "summary_anchors", {})
    for message in exc.messages or [str(exc)]:
        if message not in form.non_field_errors():
            form.add_error(None, message)
        anchors[message] = (form[placed[0]].auto_id or "") if placed else ""
    form.summary_anchors = anchors  # type: ignore[attr-defined]
    form.summary_skip = set(placed)  # type: ignore[attr-defined]


def error_summary(*forms_: forms.BaseForm | None,
                  extra: Iterable[str] = ()) -> list[dict[str, str]]:
    """The items of the error summary at the top of a page, each linking to its field."""
    items: list[dict[str, str]] = []
    seen: set[str] = set()
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        anchors: dict[str, str] = getattr(form, "summary_anchors", {})
        skip: set[str] = getattr(form, "summary_skip", set())
        for message in map(str, form.non_field_errors()):
            if message not in seen:
                seen.add(message)
                items.append({"anchor": anchors.get(message, ""), "message": message})
        for name, errors in form.errors.items():
            if name == "__all__" or name in skip:
                continue
            field = form[name]
            for error in errors:
                items.append({"anchor": field.auto_id or "",
                              "message": f"{field.label}: {error}"})
    for message in extra:
        items.append({"anchor": "", "message": message})
    return items


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(
        attrs={"autofocus": True, "autocomplete": "email"}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("The e-mail address or password is wrong."),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class SupplierSignupForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    country = forms.CharField(label=_("Country"), max_length=2, initial="NO",
                              help_text=_("Two-letter code, e.g. NO, SE or DK."),
                              widget=forms.TextInput(attrs={"class": "short",
                                                            "autocomplete": "country"}))
    org_number = forms.CharField(label=_("Organisation number"), required=False,
                                 help_text=_("Norwegian organisations: 9 digits."),
                                 widget=forms.TextInput(attrs={"class": "short",
                                                               "inputmode": "numeric"}))
    national_id = forms.CharField(label=_("National registration number"), required=False,
                                  max_length=40,
                                  help_text=_("Organisations outside Norway only."),
                                  widget=forms.TextInput(attrs={"class": "short"}))
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    company_size = forms.ChoiceField(
        label=_("Company size"), required=False,
        choices=[("", _("Not stated")), *list(CompanySize.choices)],
        help_text=_("Award notices count the offers from small and medium-sized enterprises."))
    full_name = forms.CharField(label=_("Your name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Your e-mail address"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Choose a password"), strip=False,
                               help_text=_("At least 8 characters; not only digits, and not a "
                                           "common password."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password = forms.CharField(label=_("Choose a password"), strip=False,
                               help_text=_("At least 8 characters; not only digits, and not a "
                                           "common password."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


def role_choices(organization: Organization) -> list[tuple[str, str]]:
    allowed = AUTHORITY_ROLES if organization.is_authority else SUPPLIER_ROLES
    return [(value, str(label)) for value, label in Role.choices if value in allowed]


class InvitationCreateForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(organization)  # type: ignore[attr-defined]


# Both password forms hand the new password to accounts.services.user_password_set, which
# also revokes the user's API tokens: a reset by e-mail and a change in the admin alike.

class PasswordResetSetForm(SetPasswordForm):
    def save(self, commit: bool = True) -> Any:
        from accounts.services import user_password_set

        if not commit:
            return super().save(commit=False)
        return user_password_set(user=self.user, password=self.cleaned_data["new_password1"])


class AdminPasswordSetForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        from accounts.services import api_token_revoke_all, user_password_set

        if not commit:
            return super().save(commit=False)
        if self.cleaned_data.get("set_usable_password", True):
            return user_password_set(user=self.user, password=self.cleaned_data["password1"])
        user = super().save(commit=True)  # the admin chose "no usable password"
        api_token_revoke_all(user=user)
        return user


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of your e-mails and inbox"), choices=settings.LANGUAGES,
        help_text=_("Messages about your tasks, bids and followed notices are written in it."))


class CompanySizeForm(forms.Form):
    company_size = forms.ChoiceField(
        label=_("Company size"), required=False,
        choices=[("", _("Not stated")), *list(CompanySize.choices)],
        help_text=_("Award notices count the offers from small and medium-sized enterprises."))
