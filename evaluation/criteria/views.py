"""Thin web views: the evaluation model in the officer's workspace, and the simulator.

Reads go through the selectors, writes through evaluation.criteria.services; these views only
translate between HTTP and those calls."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.forms import error_summary
from backend.auth import request_user
from backend.errors import ApplicationError
from evaluation.criteria import services
from evaluation.criteria.checks import publish_problems
from evaluation.criteria.forms import (
    CriterionFormSet,
    LotTermsForm,
    ReasonForm,
    RequirementFormSet,
    apply_errors,
    criterion_initial,
    requirement_initial,
    rows_of,
    with_one_more_row,
)
from evaluation.criteria.models import ClimateRule
from evaluation.criteria.presentation import general_requirements, lot_views
from evaluation.criteria.selectors import (
    award_criteria_of,
    climate_label,
    climate_option_any,
    climate_rule_on,
    frozen_model_of,
    lot_numbers_of,
    lot_of,
    model_of,
)
from evaluation.criteria.simulation import Simulation, simulate
from evaluation.criteria.validation import lot_label
from evaluation.library.views import library_panel
from evaluation.permissions import may_edit_evaluation_model, may_simulate
from notices.deadlines import tender_deadline_passed
from notices.models import Notice, NoticeStatus
from notices.selectors import notice_get_editable, notice_get_visible


def _editable(request: HttpRequest, pk: int) -> Notice:
    # 404 for a notice the user cannot see, 403 for one they see but may not edit.
    return notice_get_editable(pk=pk, user=request.user)


def _model_url(notice: Notice) -> str:
    return reverse("evaluation:criteria-model", kwargs={"pk": notice.pk})


def _changeable(notice: Notice) -> bool:
    """A published notice whose deadline has not passed (the service decides for good)."""
    return (notice.status == NoticeStatus.PUBLISHED
            and not tender_deadline_passed(notice, timezone.now()))


def _rule_for(notice: Notice) -> ClimateRule | None:
    """The rule a draft is checked against today, or the one of the publication date."""
    return climate_rule_on(timezone.localdate(notice.published_at or timezone.now()))


def _lot_number(request: HttpRequest, notice: Notice, model: dict[str, Any]) -> int:
    known = set(lot_numbers_of(notice)) | {lot["lot_number"] for lot in model.get("lots", [])}
    raw = request.GET.get("lot", "")
    try:
        number = int(raw) if raw else min(known)
    except ValueError:
        raise Http404(_("No such lot.")) from None
    if number not in known:
        raise Http404(_("No such lot."))
    return number


def _current_model(notice: Notice) -> dict[str, Any]:
    if notice.status == NoticeStatus.DRAFT:
        return model_of(notice)
    frozen = frozen_model_of(notice)
    return frozen.model if frozen is not None else model_of(notice)


@login_required
@require_http_methods(["GET"])
def model_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _editable(request, pk)
    is_draft = notice.status == NoticeStatus.DRAFT
    frozen = None if is_draft else frozen_model_of(notice)
    model = frozen.model if frozen is not None else model_of(notice)
    views = {view.lot_number: view for view in lot_views(notice, model)}
    numbers = lot_numbers_of(notice)
    titles = {lot.number: lot.title for lot in notice.lots.all()}
    lots = [{"number": n, "label": lot_label(n), "title": titles.get(n, ""),
             "view": views.get(n)} for n in numbers]
    stale = [views[n] for n in sorted(views) if n not in numbers]
    rule = _rule_for(notice)
    return render(request, "evaluation/criteria/model.html", {
        "notice": notice, "lots": lots, "stale": stale, "frozen": frozen,
        "is_draft": is_draft, "changeable": _changeable(notice),
        "general_requirements": general_requirements(model),
        "problems": publish_problems(notice, timezone.now()) if is_draft else [],
        "library": library_panel(notice, lots) if is_draft else None,
        "rule": rule, "rule_options": [climate_label(o, o.get("code", ""))
                                       for o in (rule.options if rule else [])],
    })


def _climate_choices(notice: Notice, current: str) -> list[tuple[str, str]]:
    rule = _rule_for(notice)
    options = [(str(o["code"]), climate_label(o, str(o["code"])))
               for o in (rule.options if rule else [])]
    if current and current not in {code for code, _label in options}:
        options.append((current, climate_label(climate_option_any(current), current)))
    return options


@login_required
@require_http_methods(["GET", "POST"])
def lot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _editable(request, pk)
    is_draft = notice.status == NoticeStatus.DRAFT
    if not is_draft and not _changeable(notice):
        messages.error(request, _("The deadline for tenders has passed or the notice is no "
                                  "longer published: its evaluation model cannot change."))
        return redirect(_model_url(notice))
    model = _current_model(notice)
    number = _lot_number(request, notice, model)
    current = lot_of(model, number) or {}
    post = request.POST if request.method == "POST" else None
    options = _climate_choices(notice, str(current.get("climate_option", "")))
    if post is not None and "add_row" in post:
        # One more empty row, keeping what was typed; nothing is checked or saved yet.
        terms_form = LotTermsForm(options=options, initial={
            "basis": post.get("basis"), "by_priority": bool(post.get("by_priority")),
            "climate_option": post.get("climate_option"),
            "climate_justification": post.get("climate_justification")})
        formset = CriterionFormSet(with_one_more_row(post, "criteria", CriterionFormSet.max_num),
                                   prefix="criteria")
        reason_form = None if is_draft else ReasonForm(initial={"reason": post.get("reason")})
        post = None
    else:
        terms_form = LotTermsForm(post, options=options, initial={
            "basis": current.get("basis") or "best_ratio",
            "by_priority": current.get("ranking") == "priority",
            "climate_option": current.get("climate_option", ""),
            "climate_justification": current.get("climate_justification", "")})
        formset = CriterionFormSet(post, prefix="criteria",
                                   initial=criterion_initial(current.get("criteria") or []))
        reason_form = None if is_draft else ReasonForm(post)
    if post is not None:
        if "remove" in post and is_draft:
            try:
                services.evaluation_model_remove_lot(notice=notice, by=request_user(request),
                                                     lot_number=number)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The award criteria of %(lot)s are removed.")
                                 % {"lot": lot_label(number).lower() if number else
                                    _("the procurement")})
            return redirect(_model_url(notice))
        valid = [terms_form.is_valid(), formset.is_valid(),
                 reason_form.is_valid() if reason_form is not None else True]
        if all(valid):
            rows, indices = rows_of(formset)
            try:
                if is_draft:
                    services.evaluation_model_set(notice=notice, by=request_user(request),
                                                  lot_number=number,
                                                  terms=terms_form.service_terms(),
                                                  criteria=rows)
                    messages.success(request, _("The award criteria are saved."))
                else:
                    assert reason_form is not None
                    services.evaluation_model_change_publish(
                        notice=notice, by=request_user(request),
                        reason=reason_form.cleaned_data["reason"],
                        lots=[{"lot_number": number, **terms_form.service_terms(),
                               "criteria": rows}])
                    messages.success(request, _("The change notice is published with the new "
                                                "award criteria."))
                return redirect(_model_url(notice))
            except ApplicationError as exc:
                apply_errors(exc, head=terms_form, formset=formset, indices=indices,
                             list_name="criteria")
                for form in formset.forms:
                    form.summary_skip = set(form.fields)  # type: ignore[attr-defined]
    summary = error_summary(terms_form, reason_form, *formset.forms, extra=[
        str(e) for e in formset.non_form_errors()] if post is not None else [])
    return render(request, "evaluation/criteria/lot_form.html", {
        "notice": notice, "lot_number": number, "lot_label": lot_label(number),
        "terms_form": terms_form, "formset": formset, "reason_form": reason_form,
        "is_draft": is_draft, "summary": summary, "has_model": bool(current),
    }, status=400 if summary and post is not None else 200)


@login_required
@require_http_methods(["GET", "POST"])
def requirements_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _editable(request, pk)
    is_draft = notice.status == NoticeStatus.DRAFT
    if not is_draft and not _changeable(notice):
        messages.error(request, _("The deadline for tenders has passed or the notice is no "
                                  "longer published: its requirements cannot change."))
        return redirect(_model_url(notice))
    model = _current_model(notice)
    lots = [(str(n), lot_label(n)) for n in lot_numbers_of(notice) if n]
    post = request.POST if request.method == "POST" else None
    if post is not None and "add_row" in post:
        formset = RequirementFormSet(with_one_more_row(post, "requirements",
                                                       RequirementFormSet.max_num),
                                     prefix="requirements", form_kwargs={"lots": lots})
        reason_form = None if is_draft else ReasonForm(initial={"reason": post.get("reason")})
        post = None
    else:
        formset = RequirementFormSet(post, prefix="requirements",
                                     initial=requirement_initial(model.get("requirements")
                                                                 or []),
                                     form_kwargs={"lots": lots})
        reason_form = None if is_draft else ReasonForm(post)
    if post is not None and formset.is_valid() and (reason_form is None
                                                    or reason_form.is_valid()):
        rows, indices = rows_of(formset)
        try:
            if is_draft:
                services.evaluation_model_requirements_set(notice=notice,
                                                           by=request_user(request),
                                                           requirements=rows)
                messages.success(request, _("The requirements are saved."))
            else:
                assert reason_form is not None
                services.evaluation_model_change_publish(
                    notice=notice, by=request_user(request),
                    reason=reason_form.cleaned_data["reason"], requirements=rows)
                messages.success(request, _("The change notice is published with the new "
                                            "requirements."))
            return redirect(_model_url(notice))
        except ApplicationError as exc:
            # The sentences go on the reason form, or on an empty form that only carries them.
            holder = reason_form if reason_form is not None else forms.Form({})
            apply_errors(exc, head=holder, formset=formset, indices=indices,
                         list_name="requirements")
            for form in formset.forms:
                form.summary_skip = set(form.fields)  # type: ignore[attr-defined]
            summary = error_summary(holder, *formset.forms)
            return _render_requirements(request, notice, formset, reason_form, summary)
    return _render_requirements(request, notice, formset, reason_form, error_summary(
        reason_form, *formset.forms,
        extra=[str(e) for e in formset.non_form_errors()] if post is not None else []))


def _render_requirements(request: HttpRequest, notice: Notice, formset: forms.BaseFormSet,
                         reason_form: ReasonForm | None,
                         summary: list[dict[str, str]]) -> HttpResponse:
    return render(request, "evaluation/criteria/requirements_form.html", {
        "notice": notice, "formset": formset, "reason_form": reason_form,
        "is_draft": notice.status == NoticeStatus.DRAFT, "summary": summary,
    }, status=400 if summary and request.method == "POST" else 200)


def _offer_form_class(criteria: list[Any]) -> type[forms.Form]:
    fields: dict[str, forms.Field] = {
        "name": forms.CharField(label=gettext_lazy("Offer"), required=False, max_length=100,
                                widget=forms.TextInput(attrs={"class": "short"}))}
    for row in criteria:
        unit = (gettext_lazy("NOK") if row.kind in ("price", "cost")
                else gettext_lazy("points 0-10"))
        fields[f"c{row.position}"] = forms.CharField(
            label=f"{row.position}. {row.name} ({unit})", required=False, max_length=30,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "short"}))

    def is_blank(self: forms.Form) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(str(data.get(name) or "").strip() for name in self.fields
                       if name != "name")

    return type("OfferForm", (forms.Form,), {**fields, "is_blank": is_blank})


@login_required
@require_http_methods(["GET", "POST"])
def simulate_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_get_visible(pk=pk, user=request.user)
    if not may_simulate(request.user, notice):
        raise PermissionDenied(_("Only people of %(buyer)s can simulate offers under the "
                                 "model.") % {"buyer": notice.buyer.name})
    model = model_of(notice)
    number = _lot_number(request, notice, model)
    criteria = list(award_criteria_of(notice, number).order_by("position"))
    OfferFormSet = forms.formset_factory(_offer_form_class(criteria), extra=3, max_num=50)
    post = request.POST if request.method == "POST" else None
    formset = OfferFormSet(post, prefix="offers")
    result: Simulation | None = None
    errors: list[str] = []
    if post is not None and criteria and formset.is_valid():
        offers: list[dict[str, Any]] = []
        for form in formset.forms:
            if form.is_blank():  # type: ignore[attr-defined]
                continue
            values = {str(row.position): form.cleaned_data.get(f"c{row.position}")
                      for row in criteria}
            offers.append({"name": form.cleaned_data.get("name") or "",
                           "values": {k: v for k, v in values.items() if v not in (None, "")}})
        try:
            result = simulate(notice=notice, lot_number=number, offers=offers)
        except ApplicationError as exc:
            errors = exc.messages
    rows = []
    if result is not None:
        positions = result.positions
        for row in result.result.rows:
            rows.append({"name": result.names[row.offer_key], "rank": row.rank,
                         "scores": [row.scores.get(key) for key in sorted(
                             positions, key=lambda k: positions[k])],
                         "total": row.total, "evaluated_price": row.evaluated_price})
    return render(request, "evaluation/criteria/simulate.html", {
        "notice": notice, "lot_number": number, "lot_label": lot_label(number),
        "lot_numbers": sorted({*lot_numbers_of(notice),
                               *[lot["lot_number"] for lot in model.get("lots", [])]}),
        "criteria": criteria, "formset": formset, "result": result, "rows": rows,
        "summary": [{"anchor": "", "message": m} for m in errors],
        "can_edit": may_edit_evaluation_model(request.user, notice),
    }, status=400 if errors else 200)
