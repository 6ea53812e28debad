"""Thin web views of the audits, with the same gates as the API (evaluation/audits/apis.py).
A service's refusal is shown on the page and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.auth import request_user
from backend.clock import db_now
from backend.errors import ApplicationError, NotFound
from evaluation.audits import forms as audit_forms
from evaluation.audits import selectors, services
from evaluation.audits.models import Audit, SanctionKind


def plan_url(plan_id: int) -> str:
    return reverse("audits:plan", kwargs={"plan_id": plan_id})


def audit_url(audit_id: int, anchor: str = "") -> str:
    return reverse("audits:audit", kwargs={"audit_id": audit_id}) + (f"#{anchor}" if anchor
                                                                      else "")


@login_required
@require_GET
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for_reader(user=request.user, plan_id=plan_id)
    context = selectors.plan_section_context(request, plan)
    return render(request, "evaluation/audits/plan.html", {
        **context, "plan": plan, "plan_form": audit_forms.AuditPlanForm(),
        "rely_form": audit_forms.RelyForm()})


def _audit_page(request: HttpRequest, audit: Audit, status: int = 200) -> HttpResponse:
    view = selectors.audit_view(user=request.user, audit=audit, now=db_now())
    return render(request, "evaluation/audits/audit.html", {"view": view, "audit": audit,
                                                        "sanction_kinds": SanctionKind.choices},
                  status=status)


@login_required
@require_GET
def audit_page(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _audit_page(request, selectors.audit_for_reader(user=request.user,
                                                           audit_id=audit_id))


def _post(request: HttpRequest, form_class: type[forms.Form], act: Callable[..., Any],
          back: str, done: str) -> HttpResponse:
    """Validate the form, run the service; on a refusal show the message and go back."""
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect(back)
    try:
        act(by=request_user(request), **form.cleaned_data)
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def audit_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for_manager(user=request.user, plan_id=plan_id)
    return _post(request, audit_forms.AuditPlanForm,
                 lambda **kw: services.audit_plan(plan=plan, **kw), plan_url(plan.pk),
                 _("The audit is planned."))


@login_required
@require_POST
def audit_rely(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_for_manager(user=request.user, plan_id=plan_id)

    def act(*, by: Any, audit: int, reason: str) -> Any:
        try:
            shared = selectors.audit_for_reader(user=request.user, audit_id=audit)
        except NotFound as exc:
            raise ApplicationError(_("No such audit has been shared with you.")) from exc
        return services.audit_rely(audit=shared, plan=plan, by=by, reason=reason)

    return _post(request, audit_forms.RelyForm, act, plan_url(plan.pk),
                 _("The plan relies on the shared audit."))


def _manager_post(request: HttpRequest, audit_id: int, form_class: type[forms.Form],
                  service: Callable[..., Any], done: str, **rename: str) -> HttpResponse:
    audit = selectors.audit_for_manager(user=request.user, audit_id=audit_id)

    def act(**kw: Any) -> Any:
        return service(audit=audit, **{rename.get(k, k): v for k, v in kw.items()})

    return _post(request, form_class, act, audit_url(audit.pk), done)


@login_required
@require_POST
def audit_complete(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _manager_post(request, audit_id, audit_forms.AuditCompleteForm,
                         services.audit_complete, _("The audit is completed."))


@login_required
@require_POST
def audit_cancel(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _manager_post(request, audit_id, audit_forms.CancelForm, services.audit_cancel,
                         _("The audit is cancelled."))


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The audits of the person's authorities and those shared with them, and, for a
    supplier, every audit of its contracts with what is shared and published about it."""
    return render(request, "evaluation/audits/overview.html", {
        "ours": selectors.made_by_my_authorities(request.user),
        "shared": selectors.shared_with_me(request.user),
        "about_us": selectors.about_my_organisations(request.user)})


@login_required
@require_POST
def finding_record(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _manager_post(request, audit_id, audit_forms.FindingForm, services.finding_record,
                         _("The finding is recorded."))


@login_required
@require_POST
def sanction_impose(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _manager_post(request, audit_id, audit_forms.SanctionForm,
                         services.sanction_impose, _("The sanction is recorded."))


@login_required
@require_POST
def audit_share(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _manager_post(request, audit_id, audit_forms.ShareForm, services.audit_share,
                         _("The audit is shared."), organization="organization_id")


@login_required
@require_POST
def audit_publish(request: HttpRequest, audit_id: int) -> HttpResponse:
    return _manager_post(request, audit_id, audit_forms.PublishForm,
                         services.audit_publish_summary, _("The summary is published."),
                         public_summary="summary")


@login_required
@require_POST
def action_request(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.finding_for_manager(user=request.user, finding_id=finding_id)
    return _post(request, audit_forms.ActionRequestForm,
                 lambda **kw: services.action_request(finding=finding, **kw),
                 audit_url(finding.audit_id, f"finding-{finding.pk}"),
                 _("The corrective action is required."))


def _action_post(request: HttpRequest, action_id: int, *, supplier: bool,
                 form_class: type[forms.Form], service: Callable[..., Any],
                 done: str) -> HttpResponse:
    pick = selectors.action_for_supplier if supplier else selectors.action_for_manager
    action, audit = pick(user=request.user, action_id=action_id)
    return _post(request, form_class, lambda **kw: service(action=action, **kw),
                 audit_url(audit.pk, f"action-{action.pk}"), done)


@login_required
@require_POST
def action_propose(request: HttpRequest, action_id: int) -> HttpResponse:
    return _action_post(request, action_id, supplier=True, form_class=audit_forms.ProposalForm,
                        service=services.action_propose, done=_("Your plan is sent."))


@login_required
@require_POST
def action_accept(request: HttpRequest, action_id: int) -> HttpResponse:
    return _action_post(request, action_id, supplier=False, form_class=audit_forms.AnswerForm,
                        service=services.action_accept, done=_("The plan is accepted."))


@login_required
@require_POST
def action_reject(request: HttpRequest, action_id: int) -> HttpResponse:
    return _action_post(request, action_id, supplier=False, form_class=audit_forms.AnswerForm,
                        service=services.action_reject, done=_("The plan is rejected."))


@login_required
@require_POST
def action_close(request: HttpRequest, action_id: int) -> HttpResponse:
    return _action_post(request, action_id, supplier=False, form_class=audit_forms.CloseForm,
                        service=services.action_close,
                        done=_("The corrective action is closed."))


@require_GET
def published(request: HttpRequest) -> HttpResponse:
    """Public: the summaries authorities chose to publish, nothing else of the audits."""
    return render(request, "evaluation/audits/published.html",
                  {"audits": selectors.published_summaries()})


@login_required
@require_POST
def action_report(request: HttpRequest, action_id: int) -> HttpResponse:
    return _action_post(request, action_id, supplier=True,
                        form_class=audit_forms.CompletionReportForm,
                        service=services.action_report_completion,
                        done=_("Your completion report is sent."))


@login_required
@require_POST
def action_report_accept(request: HttpRequest, action_id: int) -> HttpResponse:
    return _action_post(request, action_id, supplier=False, form_class=audit_forms.AnswerForm,
                        service=services.action_accept_completion,
                        done=_("The report is accepted and the corrective action closed."))


@login_required
@require_POST
def action_report_return(request: HttpRequest, action_id: int) -> HttpResponse:
    return _action_post(request, action_id, supplier=False, form_class=audit_forms.AnswerForm,
                        service=services.action_return_completion,
                        done=_("The supplier is asked for more."))
