"""Thin web views for accounts: sign-in, sign-up, invitations, members, API token."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import (
    CompanySizeForm,
    EmailLoginForm,
    InvitationAcceptForm,
    InvitationCreateForm,
    LanguageForm,
    PasswordResetSetForm,
    SupplierSignupForm,
    apply_application_error,
    error_summary,
)
from accounts.models import Membership, Organization, Role, User
from accounts.permissions import may_administer
from accounts.selectors import (
    api_token_list,
    authorities_editable_by,
    invitation_list_open,
    membership_list,
    organization_members,
    organizations_administered_by,
)
from backend.auth import request_user
from backend.errors import ApplicationError

BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = EmailLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Officers start in their workspace; everyone else on the notice board."""
        if authorities_editable_by(user=self.request.user).exists():
            return reverse("notices:workspace")
        return reverse("notices:list")


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = PasswordResetSetForm
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = LanguageForm(request.POST or None,
                        initial={"language": user.language or settings.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_language_set(user=user, language=form.cleaned_data["language"])
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            language = form.cleaned_data["language"]
            with translation.override(language):
                messages.success(request, _("Your e-mails and inbox messages are now written "
                                            "in %(language)s.")
                                 % {"language": translation.get_language_info(language)[
                                     "name_local"]})
            response = redirect("accounts:account")
            # The pages follow too, from now on.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language,
                                max_age=settings.LANGUAGE_COOKIE_AGE,
                                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
            return response
    return render(request, "accounts/account.html", {
        "memberships": membership_list(user=request.user),
        "administered": organizations_administered_by(user=request.user),
        "language_form": form, "summary": error_summary(form),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SupplierSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.supplier_signup(**form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            login(request, membership.user, backend=BACKEND)
            messages.success(request, _("Welcome! %(org)s is registered and you are its "
                                        "administrator.") % {"org": membership.organization.name})
            return redirect("accounts:account")
    return render(request, "accounts/signup.html", {
        "form": form, "summary": error_summary(form)})


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = services.invitation_get_open(token=token)
    except ApplicationError as exc:
        return render(request, "accounts/invitation_closed.html", {"message": exc.message},
                      status=exc.status_code)
    signed_in = request.user.is_authenticated
    existing = not signed_in and User.objects.filter(email=invite.email).exists()
    form = None if signed_in or existing else InvitationAcceptForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if signed_in:
                membership = services.invitation_accept(token=token, user=request_user(request))
            elif form is not None:
                membership = services.invitation_accept(token=token, **form.cleaned_data)
            else:
                raise ApplicationError(_("Sign in as %(email)s first.") % {"email": invite.email})
        except ApplicationError as exc:
            if form is not None:
                apply_application_error(form, exc)
            else:
                problems = exc.messages
        else:
            if not signed_in:
                login(request, membership.user, backend=BACKEND)
            messages.success(request, _("You are now a member of %(org)s.")
                             % {"org": membership.organization.name})
            if membership.organization.is_authority:
                return redirect("notices:workspace")
            return redirect("accounts:account")
    return render(request, "accounts/invitation.html", {
        "invitation": invite, "form": form, "existing_account": existing,
        "summary": error_summary(form, extra=problems),
        "login_url": f"{reverse('accounts:login')}?next={request.path}",
    })


def _administered(request: HttpRequest, org_id: int) -> Organization:
    org = Organization.objects.filter(pk=org_id).first()
    # Who belongs to an organisation is not public: 404, not 403, for everyone else.
    if org is None or not may_administer(request.user, org):
        raise Http404(_("No such organisation."))
    return org


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _administered(request, org_id)
    form = InvitationCreateForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(organization=org, by=request_user(request),
                                       **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.")
                             % {"email": form.cleaned_data["email"]})
            return redirect("accounts:members", org_id=org.pk)
    return render(request, "accounts/members.html", {
        "organization": org, "members": organization_members(organization=org),
        "invitations": invitation_list_open(organization=org), "form": form,
        "size_form": CompanySizeForm(initial={"company_size": org.company_size}),
        "summary": error_summary(form), "admin_roles": [Role.AUTHORITY_ADMIN,
                                                        Role.SUPPLIER_ADMIN],
    })


@login_required
@require_http_methods(["POST"])
def company_size(request: HttpRequest, org_id: int) -> HttpResponse:
    """The supplier's company size, set by its administrators on the members page."""
    org = _administered(request, org_id)
    form = CompanySizeForm(request.POST)
    if form.is_valid():
        try:
            services.organization_company_size_set(
                organization=org, by=request_user(request),
                company_size=form.cleaned_data["company_size"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The company size is saved."))
    else:
        messages.error(request, _("Choose micro, small, medium-sized or large."))
    return redirect("accounts:members", org_id=org.pk)


@login_required
@require_http_methods(["POST"])
def member_remove(request: HttpRequest, org_id: int, membership_id: int) -> HttpResponse:
    org = _administered(request, org_id)
    membership = Membership.objects.filter(pk=membership_id, organization=org).first()
    if membership is None:
        raise Http404(_("No such member."))
    try:
        services.membership_remove(membership=membership, by=request_user(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(person)s no longer has the role %(role)s.") % {
            "person": membership.user.email, "role": membership.get_role_display()})
    return redirect("accounts:members", org_id=org.pk)


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "revoke":
                services.api_token_revoke(user=request_user(request),
                                          public_id=request.POST.get("token", ""))
                messages.success(request, _("The API token is revoked. Programs using it can no "
                                            "longer sign in."))
            elif action == "revoke-all":
                services.api_token_revoke_all(user=request_user(request))
                messages.success(request, _("All your API tokens are revoked."))
            else:
                _token, secret = services.api_token_create(user=request_user(request),
                                                          name=request.POST.get("name", ""))
                # Shown once, after the redirect, so reloading the page makes no new token.
                request.session["new_api_token"] = secret
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("accounts:api-token")
    new_key = request.session.pop("new_api_token", "")
    return render(request, "accounts/api_token.html", {
        "tokens": api_token_list(user=request_user(request)), "new_key": new_key,
        "token_days": settings.ANBUD_API_TOKEN_DAYS})
