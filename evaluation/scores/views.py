"""Thin web views of a lot's prices, blind individual scores, consensus and ranking.

The same gate, services and selectors as the API (evaluation/scores/apis.py): the page
shows a member only their own sheet until every member has submitted. Errors from a service
are shown on the page next to the field they name (status 400), nothing is half-written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from backend.auth import request_user
from backend.errors import ApplicationError, Forbidden, NotFound
from bids.models import Submission
from evaluation import permissions
from evaluation.criteria.models import AwardCriterion
from evaluation.models import EvaluationStatus, LotEvaluation
from evaluation.scores import selectors, services
from evaluation.scores.models import IndividualScore


def _evaluation(request: HttpRequest, pk: int, lot: int) -> LotEvaluation:
    return selectors.evaluation_for_work(notice_id=pk, lot_number=lot, user=request.user)


def _url(name: str, evaluation: LotEvaluation) -> str:
    return reverse(f"scores:{name}", kwargs={"pk": evaluation.notice_id,
                                             "lot": evaluation.lot_number})


def _base(request: HttpRequest, evaluation: LotEvaluation, step: str) -> dict[str, Any]:
    steps = [("prices", gettext_lazy("Prices")), ("scores", gettext_lazy("Individual scores")),
             ("consensus", gettext_lazy("Consensus")), ("ranking", gettext_lazy("Ranking"))]
    return {
        "evaluation": evaluation,
        "notice": evaluation.notice,
        "step": step,
        "steps": [{"name": name, "label": label, "url": _url(name, evaluation),
                   "current": name == step} for name, label in steps],
        "status_label": EvaluationStatus(evaluation.status).label,
        "lot_label": (_("Lot %(n)d") % {"n": evaluation.lot_number}
                      if evaluation.lot_number else ""),
    }


# --- prices ------------------------------------------------------------------------------------


@dataclass
class PriceCell:
    offer: Submission
    criterion: AwardCriterion
    entry: Any
    score: float | None
    files: list[str]
    key: str
    errors: dict[str, list[str]] = field(default_factory=dict)
    posted: dict[str, str] = field(default_factory=dict)


@login_required
@require_http_methods(["GET", "POST"])
def prices_page(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    failed: tuple[str, ApplicationError, dict[str, str]] | None = None
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in ("submission", "criterion", "amount",
                                                       "document", "location", "reason")}
        try:
            services.price_record(
                evaluation=evaluation, submission_id=posted["submission"],
                criterion_id=posted["criterion"], amount=posted["amount"],
                document=posted["document"], location=posted["location"],
                reason=posted["reason"], by=request_user(request))
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            failed = (f"{posted['submission']}:{posted['criterion']}", exc, posted)
        else:
            messages.success(request, _("Price saved."))
            return redirect(_url("prices", evaluation))
    prices = selectors.prices_of(evaluation)
    scores = selectors.price_scores_of(evaluation)
    cells = []
    for criterion in selectors.amount_criteria(selectors.criteria_of(evaluation)):
        for offer in selectors.offers_of(evaluation):
            key = f"{offer.pk}:{criterion.pk}"
            cell = PriceCell(offer=offer, criterion=criterion,
                             entry=prices.get((str(offer.pk), criterion.pk)),
                             score=scores.get((str(offer.pk), criterion.pk)),
                             files=selectors.opened_files(offer), key=key)
            if failed and failed[0] == key:
                cell.errors = {**failed[1].fields, "_": [failed[1].message]}
                cell.posted = failed[2]
            cells.append(cell)
    context = _base(request, evaluation, "prices")
    context.update({
        "cells": cells,
        "forms": [(offer, selectors.price_form_index(offer))
                  for offer in selectors.offers_of(evaluation)],
        "may_enter": evaluation.status in services.PRICE_STEPS,
        "error": failed[1] if failed else None,
    })
    return render(request, "scores/prices.html", context, status=400 if failed else 200)


@login_required
@require_POST
def prices_import(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    try:
        result = services.prices_import_from_bid(
            evaluation=evaluation, submission_id=request.POST.get("submission", ""),
            by=request_user(request))
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d prices read from %(name)s; %(kept)d entered before "
                                    "were kept.") % {"n": len(result.recorded),
                                                     "name": result.document,
                                                     "kept": len(result.kept)})
    return redirect(_url("prices", evaluation))


# --- individual scores -------------------------------------------------------------------------


def _field(prefix: str, offer: Submission, criterion: AwardCriterion) -> str:
    return f"{prefix}-{offer.pk}-{criterion.pk}"


def _sheet_grid(evaluation: LotEvaluation, user: Any, posted: Any = None,
                errors: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    mine = selectors.own_sheet(evaluation, user)
    saved: dict[tuple[str, int], IndividualScore] = {}
    if mine is not None:
        saved = {(str(s.submission_id), s.criterion_id): s for s in mine.scores.all()}
    offers = selectors.offers_of(evaluation)
    grid = []
    for j, criterion in enumerate(selectors.points_criteria(selectors.criteria_of(evaluation))):
        rows = []
        for i, offer in enumerate(offers):
            row = saved.get((str(offer.pk), criterion.pk))
            points_name = _field("points", offer, criterion)
            reason_name = _field("reason", offer, criterion)
            rows.append({
                "offer": offer,
                "id": f"s-{j}-{i}",
                "points_name": points_name, "reason_name": reason_name,
                "points": (posted.get(points_name, "") if posted is not None
                           else ("" if row is None or row.points is None else row.points)),
                "reason": (posted.get(reason_name, "") if posted is not None
                           else ("" if row is None else row.reason)),
                "errors": (errors or {}).get(f"{offer.pk}:{criterion.pk}", []),
            })
        grid.append({"criterion": criterion, "rows": rows})
    return grid


@login_required
@require_http_methods(["GET", "POST"])
def scores_page(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    user = request.user
    error: ApplicationError | None = None
    posted = None
    if request.method == "POST":
        by = request_user(request)
        inputs = [services.ScoreInput(
            submission_id=str(offer.pk), criterion_id=criterion.pk,
            points=request.POST.get(_field("points", offer, criterion), ""),
            reason=request.POST.get(_field("reason", offer, criterion), ""))
            for criterion in selectors.points_criteria(selectors.criteria_of(evaluation))
            for offer in selectors.offers_of(evaluation)]
        try:
            services.scores_save(evaluation=evaluation, by=by, scores=inputs)
            if request.POST.get("action") == "submit":
                services.scores_submit(evaluation=evaluation, by=by)
                messages.success(request, _("Your scores are submitted and locked."))
            else:
                messages.success(request, _("Draft saved. Only you can see it."))
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            error = exc
            posted = request.POST
        else:
            return redirect(_url("scores", evaluation))
    mine = selectors.own_sheet(evaluation, user)
    context = _base(request, evaluation, "scores")
    context.update({
        "scorer": permissions.is_scoring_member(user, evaluation.notice),
        "sheet": mine,
        "editable": (evaluation.status == EvaluationStatus.SCORING
                     and permissions.is_scoring_member(user, evaluation.notice)
                     and not (mine and mine.submitted)),
        "grid": _sheet_grid(evaluation, user, posted, error.fields if error else None),
        "progress": selectors.scoring_progress(evaluation),
        "blind": not permissions.may_see_all_individual_scores(user, evaluation.notice,
                                                               evaluation.status),
        "has_points": bool(selectors.points_criteria(selectors.criteria_of(evaluation))),
        "error": error,
        "min_reason": services.MIN_REASON,
    })
    return render(request, "scores/scores.html", context, status=400 if error else 200)


@login_required
@require_POST
def scoring_complete(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    try:
        services.scoring_complete(evaluation=evaluation, by=request_user(request))
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_url("scores", evaluation))
    messages.success(request, _("Every member has submitted: the consensus can begin."))
    return redirect(_url("consensus", evaluation))


# --- consensus ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consensus_page(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    user = request.user
    failed: tuple[str, ApplicationError, dict[str, str]] | None = None
    if request.method == "POST":
        posted = {k: request.POST.get(k, "") for k in ("submission", "criterion", "points",
                                                       "justification")}
        try:
            services.consensus_record(
                evaluation=evaluation, submission_id=posted["submission"],
                criterion_id=posted["criterion"], points=posted["points"],
                justification=posted["justification"], by=request_user(request))
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            failed = (f"{posted['submission']}:{posted['criterion']}", exc, posted)
        else:
            messages.success(request, _("Consensus score saved."))
            return redirect(_url("consensus", evaluation) + f"#c-{posted['submission']}-"
                            f"{posted['criterion']}")
    blind = not permissions.may_see_all_individual_scores(user, evaluation.notice,
                                                          evaluation.status)
    sheets = [] if blind else list(selectors.sheets_visible(evaluation, user))
    scores = selectors.scores_of(selectors.sheets_visible(evaluation, user)) if sheets else {}
    flags = {(f.submission_id, f.criterion_id): f
             for f in selectors.divergences_of(evaluation, user)}
    agreed = selectors.consensus_of(evaluation)
    tables = []
    for criterion in selectors.points_criteria(selectors.criteria_of(evaluation)):
        rows = []
        for offer in selectors.offers_of(evaluation):
            cell = (str(offer.pk), criterion.pk)
            key = f"{offer.pk}:{criterion.pk}"
            row = {
                "offer": offer, "anchor": f"c-{offer.pk}-{criterion.pk}",
                "individual": [scores.get(sheet.pk, {}).get(cell) for sheet in sheets],
                "flag": flags.get(cell), "agreed": agreed.get(cell), "errors": [],
                "points": agreed[cell].points if cell in agreed else "",
                "justification": agreed[cell].justification if cell in agreed else "",
            }
            if failed and failed[0] == key:
                row["errors"] = [failed[1].message]
                row["points"] = failed[2]["points"]
                row["justification"] = failed[2]["justification"]
            rows.append(row)
        tables.append({"criterion": criterion, "rows": rows})
    context = _base(request, evaluation, "consensus")
    context.update({
        "blind": blind, "sheets": sheets, "tables": tables, "flag_count": len(flags),
        "threshold": selectors.divergence_threshold(),
        "may_record": evaluation.status == EvaluationStatus.CONSENSUS,
        "missing": len(selectors.missing_consensus(evaluation)),
        "error": failed[1] if failed else None, "min_reason": services.MIN_REASON,
    })
    return render(request, "scores/consensus.html", context, status=400 if failed else 200)


# --- ranking -----------------------------------------------------------------------------------


def _names(result: dict[str, Any]) -> dict[str, str]:
    return {offer["key"]: offer["supplier"] for offer in result.get("offers", [])}


def ranking_view(result: dict[str, Any]) -> dict[str, Any]:
    """The kept result, made readable: supplier and criterion names, translated texts."""
    if not result:
        return {}
    names = _names(result)
    criteria = {c["key"]: c for c in result["criteria"]}
    steps = {1: _("the award basis"), 2: _("the lower price"),
             3: _("the higher sum of quality points"), 4: _("the draw (SHA-256)")}
    notes = [_("%(above)s ranks above %(below)s: they are equal before step %(step)d, "
               "decided by %(rule)s.") % {"above": names.get(n["above"], n["above"]),
                                         "below": names.get(n["below"], n["below"]),
                                         "step": n["step"], "rule": steps.get(n["step"], "")}
             for n in result["tie_break_notes"]]
    sens = result["sensitivity"]
    threshold = dict(sens["price_threshold"])
    threshold["supplier"] = names.get(threshold.get("offer_key") or "", "")
    threshold["criterion"] = criteria.get(threshold.get("criterion_key") or "", {}).get("name")
    threshold["text"] = {
        "single_offer": _("There is only one offer."),
        "no_price_criterion": _("The lot has no price or cost criterion."),
        "cannot_win": _("The second-ranked offer would not rank first at any price above "
                        "NOK 0."),
    }.get(threshold.get("reason_code") or "", "")
    moves = [{"criterion": criteria.get(m["criterion_key"], {}).get("name", ""),
              "delta": m["delta"], "winner": names.get(m["winner"], m["winner"]),
              "ranking": [names.get(k, k) for k in m["ranking"]],
              "changes_winner": m["changes_winner"], "changes_ranking": m["changes_ranking"],
              "weight": m["weights"].get(m["criterion_key"]),
              "priority": m["priorities"].get(m["criterion_key"])}
             for m in sens["weight_moves"]]
    mode = result.get("mode")
    moves_note = {
        "priced_quality": _("Priced quality has no weights: each point has a NOK value "
                            "instead."),
        "lowest_amount": _("Award on the lowest price or cost has no weights."),
    }.get(mode or "", "")
    reversals = [{"supplier": names.get(r["offer_key"], r["offer_key"]),
                  "winner_without": names.get(r["winner_without"], r["winner_without"]),
                  "changes_winner": r["changes_winner"]} for r in sens["rank_reversals"]]
    columns = [c for c in result["criteria"]]
    rows = [{**row, "cells": [{"criterion": c, "value": row["values"].get(c["key"]),
                               "score": row["scores"].get(c["key"]),
                               "deduction": row["deductions"].get(c["key"])} for c in columns]}
            for row in result["rows"]]
    return {"rows": rows, "columns": columns, "notes": notes, "threshold": threshold,
            "moves": moves, "moves_note": moves_note, "reversals": reversals,
            "any_reversal": any(r["changes_winner"] for r in reversals),
            "winner": rows[0]["supplier"] if rows else "", "mode": mode,
            "seed": result.get("seed", ""), "computed_at": result.get("computed_at")}


@login_required
@require_http_methods(["GET", "POST"])
def ranking_page(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            services.evaluation_rank(evaluation=evaluation, by=request_user(request))
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, _("The ranking is computed and kept."))
            return redirect(_url("ranking", evaluation))
    context = _base(request, evaluation, "ranking")
    context.update({
        "problems": (services.ranking_problems(evaluation)
                     if evaluation.status == EvaluationStatus.CONSENSUS else []),
        "view": ranking_view(evaluation.result),
        "rule": selectors.tie_break_rule(),
        "error": error, "min_reason": services.MIN_REASON,
    })
    return render(request, "scores/ranking.html", context, status=400 if error else 200)


@login_required
@require_POST
def ranking_reopen(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, lot)
    try:
        services.evaluation_reopen(evaluation=evaluation, by=request_user(request),
                                   reason=request.POST.get("reason", ""))
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_url("ranking", evaluation))
    messages.success(request, _("The ranking is reopened for consensus."))
    return redirect(_url("consensus", evaluation))
