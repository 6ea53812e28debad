"""Thin web views of the criteria library: the suggestions panel on the evaluation model,
adding a template to a draft, and an authority's own templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import error_summary
from accounts.models import Organization, OrganizationKind
from accounts.selectors import AnyUser
from backend.auth import request_user
from backend.errors import ApplicationError, NotFound
from evaluation.criteria.selectors import climate_codes, climate_label, climate_option_any
from evaluation.criteria.validation import lot_label
from evaluation.library import services
from evaluation.library.forms import TemplateForm, template_initial
from evaluation.library.selectors import (
    clause_json,
    clauses_of,
    suggestions_for,
    template_get,
    template_list,
    template_versions,
)
from evaluation.permissions import may_manage_own_templates
from evaluation.templatetags.criteria_library import clause_views
from notices.models import Notice
from notices.selectors import notice_get_editable


def _model_url(notice: Notice) -> str:
    return reverse("evaluation:criteria-model", kwargs={"pk": notice.pk})


def library_panel(notice: Notice, lots: list[dict[str, Any]]) -> dict[str, Any]:
    """The context of the suggestions panel on the evaluation model page (drafts)."""
    language = (get_language() or "nb")[:2]
    added = set(notice.template_applications.values_list("template_key", flat=True))
    return {
        "suggestions": [{"t": s.template, "title": s.template.title(language),
                         "added": s.template.key in added,
                         "text": s.template.text(language),
                         "documentation": s.template.documentation(language),
                         "verification": s.template.verification(language),
                         "own": s.template.owner_id is not None}
                        for s in suggestions_for(notice)],
        "clauses": clause_views([clause_json(row) for row in clauses_of(notice)]),
        "lots": [(lot["number"], lot_label(lot["number"])) for lot in lots],
        "language": language,
    }


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_get_editable(pk=pk, user=request.user)
    try:
        template = template_get(user=request.user, key=request.POST.get("key", ""),
                                version=int(request.POST.get("version") or 0) or None)
        lot = int(request.POST.get("lot") or 0)
    except ValueError:
        messages.error(request, _("Choose a template and a lot."))
        return redirect(_model_url(notice))
    except NotFound as exc:
        messages.error(request, exc.message)
        return redirect(_model_url(notice))
    try:
        services.template_apply(notice=notice, lot_number=lot, template=template,
                                by=request_user(request),
                                language=request.POST.get("language") or "nb")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(title)s” is added to the notice.")
                         % {"title": template.title((get_language() or "nb")[:2])})
    return redirect(_model_url(notice) + "#library")


@login_required
@require_POST
def clause_remove(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    notice = notice_get_editable(pk=pk, user=request.user)
    try:
        services.clause_remove(notice=notice, position=position, by=request_user(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The requirement is removed."))
    return redirect(_model_url(notice) + "#library")


# --- an authority's own templates ---------------------------------------------------------


def _own_authority(request: HttpRequest) -> Organization:
    """The authority whose templates the page shows: ?org= or the user's first one where
    they may manage templates. 403 for anyone who manages none."""
    user: AnyUser = request.user
    orgs = [org for org in Organization.objects.filter(
        kind=OrganizationKind.AUTHORITY, memberships__user_id=user.pk or 0).distinct()
        if may_manage_own_templates(user, org.pk)]
    if not orgs:
        raise PermissionDenied(_("Only administrators and procurement officers of an "
                                 "authority keep its own templates."))
    wanted = request.GET.get("org")
    if wanted:
        for org in orgs:
            if str(org.pk) == wanted:
                return org
        raise Http404(_("No such authority."))
    return orgs[0]


def _climate_choices() -> list[tuple[str, str]]:
    return [(code, climate_label(climate_option_any(code), code))
            for code in sorted(climate_codes())]


@login_required
@require_http_methods(["GET", "POST"])
def own_templates(request: HttpRequest) -> HttpResponse:
    org = _own_authority(request)
    form = TemplateForm(request.POST if request.method == "POST" else None,
                        climate_choices=_climate_choices())
    summary: list[dict[str, str]] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                template = services.template_create(organization=org,
                                                    by=request_user(request),
                                                    data=form.service_data())
            except ApplicationError as exc:
                for name, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                messages.success(request, _("The template %(key)s is added.")
                                 % {"key": template.key})
                return redirect(reverse("evaluation:library-own") + f"?org={org.pk}")
        summary = error_summary(form)
    language = (get_language() or "nb")[:2]
    rows = [{"t": t, "title": t.title(language)}
            for t in template_list(user=request.user, owner=org.pk, include_inactive=True)]
    return render(request, "evaluation/library/own.html", {
        "org": org, "rows": rows, "form": form, "summary": summary,
    }, status=400 if summary else 200)


@login_required
@require_http_methods(["GET", "POST"])
def own_template_version(request: HttpRequest, key: str) -> HttpResponse:
    org = _own_authority(request)
    try:
        template = template_get(user=request.user, key=key)
    except NotFound:
        raise Http404(_("No such template.")) from None
    if template.owner_id != org.pk:
        raise Http404(_("No such template."))
    post = request.POST if request.method == "POST" else None
    form = TemplateForm(post, initial=template_initial(template),
                        climate_choices=_climate_choices())
    if post is not None and form.is_valid():
        try:
            services.template_new_version(template=template, by=request_user(request),
                                          changes={**form.service_data(),
                                                   "active": post.get("retire") != "1"})
        except ApplicationError as exc:
            for name, errors in exc.fields.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("A new version of %(key)s is saved.") % {"key": key})
            return redirect(reverse("evaluation:library-own") + f"?org={org.pk}")
    summary = error_summary(form) if post is not None else []
    return render(request, "evaluation/library/version.html", {
        "org": org, "template": template, "versions": template_versions(template),
        "form": form, "summary": summary,
    }, status=400 if summary else 200)


