"""Thin web views of a lot's contract page: the standstill status, the complaints and
injunctions (record, lift), the signing form with the document upload, the recorded contracts
with their SHA-256 and the signed document, and the award notice action.

The same gate as the API (evaluation/contract/apis.py): 404 for people outside the
evaluation, 403 for an evaluator who has not declared impartiality; only the buyer's editors
act (403 for the committee). A service's refusal is shown on the page, next to the field it
names, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.auth import request_user
from backend.clock import db_now
from backend.errors import ApplicationError, NotFound
from evaluation import permissions
from evaluation.contract import selectors, services
from evaluation.contract.downloads import contract_document_download
from evaluation.contract.forms import ContractForm, LiftForm, SuspensionForm
from notices.following.views import apply_error
from notices.models import Notice


def _notice(request: HttpRequest, pk: int) -> Notice:
    return selectors.notice_for_contract(user=request.user, notice_id=pk)


def _manager(request: HttpRequest, pk: int) -> Notice:
    return selectors.notice_for_manager(user=request.user, notice_id=pk)


def lot_url(notice: Notice, lot: int) -> str:
    return reverse("contract:lot", kwargs={"pk": notice.pk, "lot": lot})


def _page(request: HttpRequest, notice: Notice, lot: int, *,
          suspension_form: SuspensionForm | None = None,
          lift_form: tuple[int, LiftForm] | None = None,
          contract_form: ContractForm | None = None, status: int = 200) -> HttpResponse:
    selectors.require_lot(notice, lot)
    page = selectors.lot_contract_page(notice, lot, clock=db_now())
    return render(request, "contract/lot.html", {
        "notice": notice, "page": page, "lot": lot,
        "lot_label": _("Lot %(n)d") % {"n": lot} if lot else "",
        "may_manage": permissions.may_manage_contract(request.user, notice),
        "suspension_form": suspension_form or SuspensionForm(),
        "lift_form_for": lift_form[0] if lift_form else None,
        "lift_form": lift_form[1] if lift_form else LiftForm(),
        "contract_form": contract_form or ContractForm(winners=page.unsigned),
    }, status=status)


@login_required
@require_GET
def lot_page(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    return _page(request, _notice(request, pk), lot)


def _failed(exc: ApplicationError) -> int:
    if exc.status_code in (403, 404):
        raise exc
    return exc.status_code


@login_required
@require_POST
def suspension_record(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    notice = _manager(request, pk)
    selectors.require_lot(notice, lot)
    form = SuspensionForm(request.POST)
    if not form.is_valid():
        return _page(request, notice, lot, suspension_form=form, status=400)
    try:
        services.suspension_record(notice=notice, lot_number=lot, by=request_user(request),
                                   **form.cleaned_data)
    except ApplicationError as exc:
        status = _failed(exc)
        apply_error(form, exc)
        return _page(request, notice, lot, suspension_form=form, status=status)
    messages.success(request, _("Recorded. Signing is suspended until it is lifted."))
    return redirect(lot_url(notice, lot))


@login_required
@require_POST
def suspension_lift(request: HttpRequest, pk: int, lot: int, suspension_id: int) -> HttpResponse:
    notice = _manager(request, pk)
    suspension = selectors.suspension_get(notice=notice, suspension_id=suspension_id)
    if suspension.lot_number != lot:
        raise NotFound(_("No such complaint or injunction."))
    form = LiftForm(request.POST)
    if not form.is_valid():
        return _page(request, notice, lot, lift_form=(suspension.pk, form), status=400)
    try:
        services.suspension_lift(suspension=suspension, by=request_user(request),
                                 reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        status = _failed(exc)
        apply_error(form, exc)
        return _page(request, notice, lot, lift_form=(suspension.pk, form), status=status)
    messages.success(request, _("The suspension is lifted."))
    return redirect(lot_url(notice, lot))


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    notice = _manager(request, pk)
    selectors.require_lot(notice, lot)
    decision = selectors.decision_to_sign(notice, lot)
    winners = list(decision.winners.select_related("supplier")) if decision else []
    form = ContractForm(request.POST, request.FILES, winners=winners)
    if decision is None:
        form.add_error(None, _("No award decision has been sent for this lot."))
        return _page(request, notice, lot, contract_form=form, status=409)
    if not form.is_valid():
        return _page(request, notice, lot, contract_form=form, status=400)
    data: dict[str, Any] = dict(form.cleaned_data)
    try:
        services.contract_sign(decision=decision, by=request_user(request), **data)
    except ApplicationError as exc:
        status = _failed(exc)
        apply_error(form, exc)
        return _page(request, notice, lot, contract_form=form, status=status)
    messages.success(request, _("The contract is recorded, and the award notice is "
                                "published."))
    return redirect(lot_url(notice, lot))


@login_required
@require_POST
def award_notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _manager(request, pk)
    posted = str(request.POST.get("lot", ""))
    lot = int(posted) if posted.isdigit() and len(posted) < 6 else -1
    if lot not in selectors.lot_numbers(notice):
        lot = selectors.lot_numbers(notice)[0]
    try:
        award = services.award_notice_publish(notice=notice, by=request_user(request))
    except ApplicationError as exc:
        status = _failed(exc)
        messages.error(request, exc.message)
        return _page(request, notice, lot, status=status)
    messages.success(request, _("The award notice %(reference)s is published.")
                     % {"reference": award.reference})
    return redirect(lot_url(notice, lot))


@login_required
@require_GET
def contract_document(request: HttpRequest, pk: int, contract_id: int) -> FileResponse:
    notice = _notice(request, pk)
    contract = selectors.contract_get(user=request.user, notice=notice, contract_id=contract_id)
    return contract_document_download(contract)
