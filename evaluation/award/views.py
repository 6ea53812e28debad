"""Thin web views of the award decision of a lot, and the bidder's letter page.

The same gate, services and selectors as the API (evaluation/award/apis.py). A service's
error is shown on the page next to the field it names (400; 409 for a state conflict);
nothing is half-written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.auth import request_user
from backend.errors import ApplicationError, Forbidden, NotFound
from backend.formatting import format_oslo
from evaluation import permissions
from evaluation.award import letters, selectors, services
from evaluation.award.forms import DraftForm, WithdrawForm
from evaluation.award.models import AwardDecision, AwardOutcome, AwardStatus
from evaluation.models import EvaluationStatus, LotEvaluation
from evaluation.scores.views import _base


def _evaluation(request: HttpRequest, pk: int, lot: int) -> LotEvaluation:
    return selectors.award_for_view(notice_id=pk, lot_number=lot, user=request.user)


def _url(evaluation: LotEvaluation) -> str:
    return reverse("award:lot", kwargs={"pk": evaluation.notice_id,
                                        "lot": evaluation.lot_number})


def _draft_form(decision: AwardDecision | None, evaluation: LotEvaluation,
                data: Any = None) -> DraftForm:
    choices = [(r.submission_id, _("%(rank)s. %(supplier)s") % {"rank": r.rank,
                                                                 "supplier": r.supplier})
               for r in selectors.ranked_offers(evaluation)]
    initial: dict[str, Any] = {}
    if decision is not None:
        initial = {"outcome": decision.outcome,
                   "winners": [str(w.submission_id) for w in decision.winners.all()],
                   "letter_text": decision.letter_text,
                   "price_justification": decision.price_justification,
                   "no_award_reason": decision.no_award_reason,
                   "standstill_exception": decision.standstill_exception,
                   "standstill_justification": decision.standstill_justification}
    return DraftForm(data, initial=initial, winner_choices=choices)


def _as_data(decision: AwardDecision) -> MultiValueDict[str, Any]:
    """The draft as posted form data (to show the send's problems next to its fields)."""
    data: MultiValueDict[str, Any] = MultiValueDict({
        name: [getattr(decision, name)] for name in (
            "outcome", "letter_text", "price_justification", "no_award_reason",
            "standstill_exception", "standstill_justification")})
    data.setlist("winners", [str(w.submission_id) for w in decision.winners.all()])
    return data


def _page(request: HttpRequest, evaluation: LotEvaluation, *, form: DraftForm | None = None,
          withdraw_form: WithdrawForm | None = None, error: ApplicationError | None = None,
          status: int = 200) -> HttpResponse:
    decisions = selectors.decisions_of(evaluation)
    live = next((d for d in decisions if d.status != AwardStatus.WITHDRAWN), None)
    if live is not None:
        live.notice = evaluation.notice
        live.evaluation = evaluation
    may_decide = permissions.may_decide_award(request.user, evaluation.notice)
    context = _base(request, evaluation, "award")
    context["steps"].append({"name": "award", "label": _("Award"), "url": _url(evaluation),
                             "current": True})
    bids = selectors.bids_of(evaluation.notice)
    preview: dict[str, Any] = {}
    if live is not None and live.status == AwardStatus.DRAFT:
        chosen = request.GET.get("recipient", "")
        winners = {str(w.submission_id) for w in live.winners.all()}
        recipient = next((b for b in bids if str(b.pk) == chosen), None) or next(
            (b for b in bids if str(b.pk) not in winners), bids[0] if bids else None)
        now = timezone.now()
        subject, text, problem = services.preview(live, recipient=recipient, now=now)
        standstill = None
        try:
            standstill = services.standstill_for(live, evaluation.notice, at=now,
                                                 bidders=len(bids))
        except ApplicationError:
            standstill = None
        preview = {"subject": subject, "text": text, "problem": problem,
                   "recipient": recipient, "standstill": standstill,
                   "end": (format_oslo(standstill.end)
                           if standstill is not None and standstill.days > 0 else ""),
                   "problems": services.send_problems(live)}
    sent_letters = list(selectors.letters_of_lot(evaluation))
    for d in decisions:
        d.sent_letters = [x for x in sent_letters if x.decision_id == d.pk]  # type: ignore[attr-defined]
    context.update({
        "decisions": decisions, "live": live,
        "history": [d for d in decisions if d.status == AwardStatus.WITHDRAWN],
        "ranked": selectors.ranked_offers(evaluation),
        "is_ranked": evaluation.status == EvaluationStatus.RANKED,
        "may_decide": may_decide, "bids": bids, "preview": preview,
        "form": form or (_draft_form(live, evaluation) if live is not None
                         and live.status == AwardStatus.DRAFT else None),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "error": error, "outcomes": AwardOutcome,
    })
    return render(request, "award/lot.html", context, status=status)


@login_required
@require_GET
def award_page(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    return _page(request, _evaluation(request, pk, lot))


@login_required
@require_POST
def award_draft(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    selectors.require_decider(request.user, evaluation)
    try:
        services.award_draft(evaluation=evaluation, by=request_user(request))
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        return _page(request, evaluation, error=exc, status=exc.status_code)
    messages.success(request, _("A draft of the award decision is proposed from the ranking."))
    return redirect(_url(evaluation))


@login_required
@require_POST
def award_update(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    selectors.require_decider(request.user, evaluation)
    decision = selectors.live_decision_get(evaluation)
    form = _draft_form(decision, evaluation, request.POST)
    form.is_valid()
    post = request.POST
    try:
        services.award_update_draft(
            decision=decision, by=request_user(request), outcome=post.get("outcome", ""),
            winners=post.getlist("winners"), letter_text=post.get("letter_text", ""),
            price_justification=post.get("price_justification", ""),
            no_award_reason=post.get("no_award_reason", ""),
            standstill_exception=post.get("standstill_exception", ""),
            standstill_justification=post.get("standstill_justification", ""))
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        form = _draft_form(decision, evaluation, request.POST)
        form.is_valid()
        for name, problems in exc.fields.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        return _page(request, evaluation, form=form, error=exc, status=exc.status_code)
    messages.success(request, _("The draft is saved."))
    return redirect(_url(evaluation) + "#preview")


@login_required
@require_POST
def award_send(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    selectors.require_decider(request.user, evaluation)
    decision = selectors.live_decision_get(evaluation)
    try:
        if request.POST.get("confirm") != "yes":
            raise ApplicationError(
                _("Confirm that you have read the letter and want to send it now."),
                fields={"confirm": [_("Tick the box to confirm.")]})
        services.award_send(decision=decision, by=request_user(request))
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        decision.refresh_from_db()
        form = _draft_form(decision, evaluation, _as_data(decision))
        form.is_valid()
        for name, problems in exc.fields.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        return _page(request, evaluation, form=form, error=exc, status=exc.status_code)
    messages.success(request, _("The award decision is sent to every bidder."))
    return redirect(_url(evaluation))


@login_required
@require_POST
def award_withdraw(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    selectors.require_decider(request.user, evaluation)
    decision = selectors.live_decision_get(evaluation)
    try:
        services.award_withdraw(decision=decision, by=request_user(request),
                                reason=request.POST.get("reason", ""))
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        form = WithdrawForm(request.POST)
        form.is_valid()
        for name, problems in exc.fields.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        return _page(request, evaluation, withdraw_form=form, error=exc,
                     status=exc.status_code)
    messages.success(request, _("The award decision is withdrawn."))
    return redirect(_url(evaluation))


# --- the bidder's letter -----------------------------------------------------------------------


@login_required
@require_GET
def letter_page(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, letter_id=letter_id)
    return render(request, "award/letter.html", {"letter": letter,
                                                 "notice": letter.decision.notice})


@login_required
@require_GET
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = selectors.letter_get(user=request.user, letter_id=letter_id)
    response = HttpResponse(letters.letter_pdf(letter), content_type="application/pdf")
    name = get_valid_filename(f"{letter.kind}-{letter.decision.notice.reference}-{letter.pk}.pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
