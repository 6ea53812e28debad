"""Thin web views of ethical trade: the terms on a notice (the officer's workspace), and the
follow-up plans (list and plan page, shared by the buyer and the contracted supplier, each
seeing the actions that are theirs). The services decide; errors are shown on the page,
next to the field they name, and nothing is written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.auth import request_user
from backend.clock import db_now
from backend.errors import ApplicationError
from evaluation.ethics import selectors, services
from evaluation.ethics.models import FollowUpPlan, PlanStatus, ReportStatus
from evaluation.permissions import may_report_follow_up, may_review_follow_up
from notices.models import Notice, NoticeStatus
from notices.selectors import notice_get_editable

EXTRA_ROWS = 3


def _summary(exc: ApplicationError, prefix: str = "") -> list[dict[str, str]]:
    items = [{"anchor": "", "message": exc.message}]
    for name, errors in exc.fields.items():
        items += [{"anchor": f"{prefix}{name}", "message": str(e)} for e in errors]
    return items


# --- the terms on a notice ------------------------------------------------------------------


def terms_url(notice: Notice) -> str:
    return reverse("evaluation:ethical-terms", kwargs={"pk": notice.pk})


def _terms_page(request: HttpRequest, notice: Notice, *, summary: list[dict[str, str]] | None
                = None, reason: str = "", status: int = 200) -> HttpResponse:
    offer = services.terms_offer(notice, on=timezone.localdate(db_now()))
    chosen = selectors.chosen_terms(notice)
    language = (get_language() or "nb")[:2]
    return render(request, "evaluation/ethics/terms.html", {
        "notice": notice, "offer": offer,
        "category_name": offer[0].name(language) if offer else "",
        "terms_title": offer[1].title(language) if offer else "",
        "terms_text": offer[1].text(language) if offer else "",
        "chosen": selectors.terms_view(selectors.terms_json(chosen)) if chosen else None,
        "is_current": bool(chosen and offer and chosen.terms_id == offer[1].pk),
        "is_draft": notice.status == NoticeStatus.DRAFT,
        "may_change": notice.status in (NoticeStatus.DRAFT, NoticeStatus.PUBLISHED),
        "summary": summary or [], "reason": reason,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def terms_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_get_editable(pk=pk, user=request.user)
    if request.method == "GET":
        return _terms_page(request, notice)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        if action == "choose":
            _chosen, version = services.ethical_terms_choose(
                notice=notice, by=request_user(request), reason=reason)
            messages.success(request, _("The ethical-trade terms are part of the notice.")
                             if version is None else
                             _("The ethical-trade terms are added by change notice "
                               "(version %(n)s).") % {"n": version.number})
        elif action == "remove":
            version = services.ethical_terms_remove(notice=notice, by=request_user(request),
                                                    reason=reason)
            messages.success(request, _("The ethical-trade terms are removed from the notice.")
                             if version is None else
                             _("The ethical-trade terms are removed by change notice "
                               "(version %(n)s).") % {"n": version.number})
        else:
            raise ApplicationError(_("Choose or remove the terms."),
                                   fields={"action": [_("Choose or remove.")]})
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        notice.refresh_from_db()
        return _terms_page(request, notice, summary=_summary(exc), reason=reason,
                           status=exc.status_code)
    return redirect(terms_url(notice))


# --- follow-up plans ------------------------------------------------------------------------


def plan_url(plan: FollowUpPlan) -> str:
    return reverse("evaluation:follow-up", kwargs={"plan_id": plan.pk})


@login_required
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plan_list(user=request.user))
    today = timezone.localdate()
    rows = [{"plan": plan, "report": getattr(plan, "self_report", None),
             "overdue": (plan.status == PlanStatus.ACTIVE and plan.self_report_due < today
                         and getattr(getattr(plan, "self_report", None), "status", "")
                         not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)),
             "buyer_side": may_review_follow_up(request.user, plan)} for plan in plans]
    return render(request, "evaluation/ethics/list.html", {"rows": rows})


def _chain_rows(post: Any) -> list[dict[str, str]]:
    try:
        count = min(int(post.get("chain_count") or 0), 200 + EXTRA_ROWS)
    except ValueError:
        count = 0
    return [{"name": post.get(f"chain-{i}-name", ""),
             "country": post.get(f"chain-{i}-country", ""),
             "produces": post.get(f"chain-{i}-produces", "")} for i in range(count)]


def _plan_page(request: HttpRequest, plan: FollowUpPlan, *,
               summary: list[dict[str, str]] | None = None,
               report_data: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    report = selectors.report_of(plan)
    language = (get_language() or "nb")[:2]
    user = request.user
    may_report = may_report_follow_up(user, plan)
    editable = (plan.status == PlanStatus.ACTIVE and (
        report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)))
    data = report_data or {
        "policies": report.policies if report else "",
        "risk_analysis": report.risk_analysis if report else "",
        "supply_chain": list(report.supply_chain) if report else []}
    chain = [row for row in data["supply_chain"] if any(row.values())]
    chain += [{"name": "", "country": "", "produces": ""}] * EXTRA_ROWS
    # The audit section of the plan (evaluation.audits) brings its own permission check.
    from evaluation.audits.selectors import plan_section_context

    return render(request, "evaluation/ethics/plan.html", {
        **plan_section_context(request, plan),
        "plan": plan, "contract": plan.contract, "notice": plan.contract.notice,
        "report": report, "data": data, "chain": chain,
        "terms_title": plan.terms.title(language), "terms_text": plan.terms.text(language),
        "category_name": plan.category.name(language),
        "events": [{"at": e.at, "by": e.by, "data": e.data,
                    "label": e.kind_label} for e in selectors.events_of(plan)],
        "may_report": may_report and editable,
        "may_review": may_review_follow_up(user, plan) and plan.status == PlanStatus.ACTIVE,
        "summary": summary or [],
        "today": timezone.localdate(),
    }, status=status)


@login_required
@require_GET
def follow_up_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _plan_page(request, selectors.plan_get(user=request.user, plan_id=plan_id))


@login_required
@require_POST
def follow_up_report(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    data = {"policies": request.POST.get("policies", ""),
            "risk_analysis": request.POST.get("risk_analysis", ""),
            "supply_chain": _chain_rows(request.POST)}
    try:
        if request.POST.get("action") == "submit":
            services.self_report_submit(plan=plan, by=request_user(request), data=data)
            messages.success(request, _("The self-report is submitted. The buyer is told."))
        else:
            services.self_report_save(plan=plan, by=request_user(request), data=data)
            messages.success(request, _("The draft is saved."))
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        return _plan_page(request, plan, summary=_summary(exc), report_data=data,
                          status=exc.status_code)
    return redirect(plan_url(plan))


@login_required
@require_POST
def follow_up_review(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    try:
        services.self_report_review(plan=plan, by=request_user(request),
                                    outcome=request.POST.get("outcome", ""),
                                    note=request.POST.get("note", ""))
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        return _plan_page(request, plan, summary=_summary(exc, "review-"),
                          status=exc.status_code)
    messages.success(request, _("The review is recorded. The supplier is told."))
    return redirect(plan_url(plan))


@login_required
@require_POST
def follow_up_close(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, plan_id=plan_id)
    try:
        services.follow_up_close(plan=plan, by=request_user(request),
                                 note=request.POST.get("note", ""))
    except ApplicationError as exc:
        if exc.status_code in (403, 404):
            raise
        return _plan_page(request, plan, summary=_summary(exc, "close-"),
                          status=exc.status_code)
    messages.success(request, _("The follow-up is closed."))
    return redirect(plan_url(plan))
