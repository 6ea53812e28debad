"""Every write of evaluation/scores: prices, individual scores, consensus, ranking, reopening.

Each service locks the lot evaluation row first (the aggregate's lock: two members
submitting at once cannot both miss that they were the last), checks who acts and the
evaluation's status, and writes in one transaction. Status edges go through
`evaluation.transitions.evaluation_flip` (one event each); the other steps write one
`EvaluationEvent` each (a price, a member's submission, a consensus score). Drafts of
individual scores are the member's working notes and write no event.

Who does what (docs/evaluation.md):
- prices: a cleared evaluator (committee member or procurement officer), from the
  qualification step until the ranking; a correction needs a reason;
- individual scores: each cleared committee member, their own sheet, while scoring; submitting
  locks the sheet for good; the last submission moves the lot to consensus;
- consensus: a cleared evaluator keeps the pen (the committee agrees; the officer or a member
  records it, and the event names who), while in consensus;
- ranking and reopening: a cleared evaluator; reopening needs a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from bids.models import Submission
from bids.opening import services as opening
from evaluation import permissions
from evaluation.criteria.models import AwardCriterion
from evaluation.models import EvaluationEvent, EvaluationEventKind, EvaluationStatus, LotEvaluation
from evaluation.scores import price_form, selectors
from evaluation.scores.models import (
    ConsensusScore,
    IndividualScore,
    PriceEntry,
    PriceSource,
    ScoreSheet,
)
from evaluation.scoring import TIE_BREAK_RULE, ScoringError, sensitivity
from evaluation.transitions import evaluation_flip

MIN_REASON = 20
MAX_TEXT = 5000
MAX_AMOUNT = Decimal("1e13")
PRICE_STEPS = (EvaluationStatus.QUALIFICATION, EvaluationStatus.SCORING,
               EvaluationStatus.CONSENSUS)


# --- shared --------------------------------------------------------------------------------


def _lock(evaluation: LotEvaluation) -> LotEvaluation:
    """Lock the evaluation row and bring the caller's copy up to date with it."""
    list(LotEvaluation.objects.select_for_update().filter(pk=evaluation.pk).values_list(
        "pk", flat=True))
    evaluation.refresh_from_db(fields=["status", "ranked_at", "result"])
    return evaluation


def _event(evaluation: LotEvaluation, kind: EvaluationEventKind, *, by: User, at: datetime,
           **data: Any) -> EvaluationEvent:
    return EvaluationEvent.objects.create(notice_id=evaluation.notice_id, evaluation=evaluation,
                                          kind=kind, by=by, at=at, data=data)


def _need_worker(evaluation: LotEvaluation, by: User) -> None:
    if not permissions.may_work_on_evaluation(by, evaluation.notice):
        raise Forbidden(_("Only the committee and the procurement officers who have declared "
                          "their impartiality work on the evaluation."))


def _need_status(evaluation: LotEvaluation, *allowed: str, message: str) -> None:
    if evaluation.status not in allowed:
        raise Conflict(message)


def _offer(evaluation: LotEvaluation, submission_id: Any, field: str = "submission"
           ) -> Submission:
    for offer in selectors.offers_of(evaluation):
        if str(offer.pk) == str(submission_id):
            return offer
    raise ApplicationError(_("No such offer in this evaluation."),
                           fields={field: [_("Choose one of the offers being evaluated.")]})


def _criterion(evaluation: LotEvaluation, criterion_id: Any, kinds: frozenset[str],
               field: str = "criterion") -> AwardCriterion:
    for criterion in selectors.criteria_of(evaluation):
        if str(criterion.pk) == str(criterion_id) and criterion.kind in kinds:
            return criterion
    wanted = (_("a price or cost criterion") if kinds == selectors.AMOUNT_KINDS
              else _("a quality or climate criterion"))
    raise ApplicationError(_("No such criterion in this lot."),
                           fields={field: [_("Choose %(kind)s of this lot.") % {"kind": wanted}]})


def _text(value: str, *, field: str, minimum: int, label: str) -> str:
    text = (value or "").strip()
    if len(text) < minimum:
        raise ApplicationError(
            _("%(label)s: write at least %(n)d characters.") % {"label": label, "n": minimum},
            fields={field: [_("At least %(n)d characters.") % {"n": minimum}]})
    if len(text) > MAX_TEXT:
        raise ApplicationError(
            _("%(label)s: at most %(n)d characters.") % {"label": label, "n": MAX_TEXT},
            fields={field: [_("At most %(n)d characters.") % {"n": MAX_TEXT}]})
    return text


def parse_points(value: Any, *, field: str) -> Decimal | None:
    """Points 0-10 with at most two decimals (a comma works as the decimal sign); None when
    blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        points = Decimal("NaN")
    if (isinstance(value, bool) or not points.is_finite() or points < 0
            or points > selectors.MAX_POINTS or points != points.quantize(Decimal("0.01"))):
        raise ApplicationError(
            _("Points are a number from 0 to 10, with at most two decimals."),
            fields={field: [_("A number from 0 to 10.")]})
    return points.quantize(Decimal("0.01"))


def parse_amount(value: Any, *, field: str = "amount") -> Decimal:
    try:
        return price_form.parse_amount(value, where=field)
    except price_form.PriceFormError as exc:
        raise ApplicationError(_("The amount is not valid: %(problem)s.")
                               % {"problem": exc.message}, fields={field: [exc.message]}) from None


# --- prices --------------------------------------------------------------------------------


@transaction.atomic
def price_record(*, evaluation: LotEvaluation, submission_id: Any, criterion_id: Any,
                 amount: Any, document: str, location: str = "", reason: str = "", by: User,
                 source: str = PriceSource.ENTERED, now: datetime | None = None) -> PriceEntry:
    """Record the price of one offer for one price or cost criterion, with the file of the
    bid it was read from. Entered once: changing a recorded price needs a reason."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _need_worker(evaluation, by)
    _need_status(evaluation, *PRICE_STEPS, message=_(
        "The ranking has been computed; reopen it before changing a price."))
    offer = _offer(evaluation, submission_id)
    criterion = _criterion(evaluation, criterion_id, selectors.AMOUNT_KINDS)
    value = parse_amount(amount)
    document = (document or "").strip()
    files = selectors.opened_files(offer)
    if document not in files:
        raise ApplicationError(
            _("Name the file of the bid the price was read from."),
            fields={"document": [_("One of the bid's files: %(files)s.")
                                 % {"files": ", ".join(files) or "-"}]})
    location = (location or "").strip()[:300]
    entry = PriceEntry.objects.filter(evaluation=evaluation, submission=offer,
                                      criterion=criterion).first()
    data: dict[str, Any] = {"submission": str(offer.pk), "supplier": offer.supplier.name,
                            "criterion": criterion.pk, "criterion_name": criterion.name,
                            "amount": str(value), "document": document, "location": location,
                            "source": str(source)}
    if entry is not None:
        if entry.amount == value and entry.document == document and entry.location == location:
            return entry
        data["reason"] = _text(reason, field="reason", minimum=MIN_REASON,
                               label=_("Reason for changing the price"))
        data["previous"] = {"amount": str(entry.amount), "document": entry.document,
                            "entered_by": entry.entered_by_id}
        entry.amount, entry.document, entry.location = value, document, location
        entry.source, entry.entered_by, entry.entered_at = source, by, now
        entry.save()
    else:
        entry = PriceEntry.objects.create(evaluation=evaluation, submission=offer,
                                          criterion=criterion, amount=value, document=document,
                                          location=location, source=source, entered_by=by,
                                          entered_at=now)
    _event(evaluation, EvaluationEventKind.PRICE_RECORDED, by=by, at=now, **data)
    return entry


@dataclass(frozen=True)
class ImportResult:
    recorded: list[PriceEntry]
    kept: list[PriceEntry]  # already entered: the form does not overwrite an entry
    document: str


@transaction.atomic
def prices_import_from_bid(*, evaluation: LotEvaluation, submission_id: Any, by: User,
                           now: datetime | None = None) -> ImportResult:
    """Read the bid's structured price form (prices.json or price-form.csv) and record the
    prices of this lot from it. A price already entered is kept (change it by hand, with a
    reason). The read is logged like every read of opened content."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _need_worker(evaluation, by)
    _need_status(evaluation, *PRICE_STEPS, message=_(
        "The ranking has been computed; reopen it before changing a price."))
    offer = _offer(evaluation, submission_id)
    found = selectors.price_form_index(offer)
    if found is None:
        raise ApplicationError(_("This bid has no price form (prices.json or price-form.csv)."),
                               fields={"submission": [_("No price form in this bid.")]})
    index, name = found
    session = opening.opening_get(notice=evaluation.notice)
    if session is None:
        raise NotFound(_("No such bid."))
    read = opening.opened_file_read(session=session, submission_id=offer.pk, user=by,
                                    file_index=index, now=now)
    if read.size > price_form.MAX_BYTES:
        raise ApplicationError(_("The price form is larger than 1 MB."),
                               fields={"submission": [_("The price form is too large.")]})
    data = b"".join(read.chunks)
    try:
        lines = price_form.parse(name, data)
    except price_form.PriceFormError as exc:
        raise ApplicationError(_("The price form %(name)s cannot be read: %(problem)s")
                               % {"name": name, "problem": str(exc)},
                               fields={"submission": [str(exc)]}) from None
    amounts = _match_lines(evaluation, lines, name)
    existing = selectors.prices_of(evaluation)
    recorded, kept = [], []
    for criterion, (amount, where) in amounts.items():
        cell = (str(offer.pk), criterion.pk)
        if cell in existing:
            kept.append(existing[cell])
            continue
        recorded.append(price_record(
            evaluation=evaluation, submission_id=offer.pk, criterion_id=criterion.pk,
            amount=str(amount), document=name, location=where, by=by,
            source=PriceSource.PRICE_FORM, now=now))
    return ImportResult(recorded=recorded, kept=kept, document=name)


def _match_lines(evaluation: LotEvaluation, lines: Sequence[price_form.PriceLine],
                 name: str) -> dict[AwardCriterion, tuple[Decimal, str]]:
    """The form's lines for this lot, matched to its price and cost criteria."""
    criteria = selectors.amount_criteria(selectors.criteria_of(evaluation))
    if not criteria:
        raise ApplicationError(_("This lot has no price or cost criterion."))
    out: dict[AwardCriterion, tuple[Decimal, str]] = {}
    for line in lines:
        if line.lot != evaluation.lot_number:
            continue
        if line.criterion is None:
            if len(criteria) != 1:
                raise ApplicationError(
                    _("%(where)s in %(name)s: name the criterion; this lot has several price "
                      "and cost criteria.") % {"where": line.where, "name": name},
                    fields={"submission": [line.where]})
            match = criteria[0]
        else:
            hits = [c for c in criteria if (isinstance(line.criterion, int)
                                            and c.position == line.criterion)
                    or (isinstance(line.criterion, str)
                        and c.name.strip().lower() == line.criterion.strip().lower())]
            if not hits:
                raise ApplicationError(
                    _("%(where)s in %(name)s: %(criterion)s is not a price or cost criterion "
                      "of this lot.") % {"where": line.where, "name": name,
                                         "criterion": line.criterion},
                    fields={"submission": [line.where]})
            match = hits[0]
        if match in out:
            raise ApplicationError(
                _("%(where)s in %(name)s: a second price for %(criterion)s.")
                % {"where": line.where, "name": name, "criterion": match.name},
                fields={"submission": [line.where]})
        out[match] = (line.amount, line.where)
    if not out:
        raise ApplicationError(
            _("The price form %(name)s has no price for this lot.") % {"name": name},
            fields={"submission": [_("No price for this lot.")]})
    return out


# --- individual scores ------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreInput:
    submission_id: str
    criterion_id: int
    points: Any  # parsed by parse_points
    reason: str


def _open_sheet(evaluation: LotEvaluation, by: User, now: datetime) -> ScoreSheet:
    if not permissions.is_scoring_member(by, evaluation.notice):
        raise Forbidden(_("Only committee members who have declared their impartiality score "
                          "the offers."))
    _need_status(evaluation, EvaluationStatus.SCORING, message=_(
        "Scoring is not open for this lot (it is at the %(status)s step).")
        % {"status": EvaluationStatus(evaluation.status).label.lower()})
    sheet, _created = ScoreSheet.objects.get_or_create(
        evaluation=evaluation, member=by, defaults={"created_at": now, "updated_at": now})
    if sheet.submitted:
        raise Conflict(_("You have submitted your scores; they are locked."))
    return sheet


@transaction.atomic
def scores_save(*, evaluation: LotEvaluation, by: User, scores: Sequence[ScoreInput],
                now: datetime | None = None) -> ScoreSheet:
    """Save (part of) the member's own sheet as a draft: only they see it."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    sheet = _open_sheet(evaluation, by, now)
    offers = {str(o.pk): o for o in selectors.offers_of(evaluation)}
    criteria = {c.pk: c for c in selectors.points_criteria(selectors.criteria_of(evaluation))}
    problems: dict[str, list[str]] = {}
    rows: list[tuple[Submission, AwardCriterion, Decimal | None, str]] = []
    for item in scores:
        field = f"{item.submission_id}:{item.criterion_id}"
        offer, criterion = offers.get(str(item.submission_id)), criteria.get(
            int(item.criterion_id) if str(item.criterion_id).isdigit() else -1)
        if offer is None or criterion is None:
            problems[field] = [_("No such offer or criterion to score in this lot.")]
            continue
        try:
            points = parse_points(item.points, field=field)
        except ApplicationError as exc:
            problems.update(exc.fields)
            continue
        reason = (item.reason or "").strip()
        if len(reason) > MAX_TEXT:
            problems[field] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
            continue
        rows.append((offer, criterion, points, reason))
    if problems:
        raise ApplicationError(_("Some scores could not be saved."), fields=problems)
    for offer, criterion, points, reason in rows:
        IndividualScore.objects.update_or_create(
            sheet=sheet, submission=offer, criterion=criterion,
            defaults={"points": points, "reason": reason})
    sheet.updated_at = now
    sheet.save(update_fields=["updated_at"])
    return sheet


@transaction.atomic
def scores_submit(*, evaluation: LotEvaluation, by: User,
                  now: datetime | None = None) -> ScoreSheet:
    """Submit the member's sheet: every offer scored on every points criterion, each with a
    written reason. The sheet is then locked. When every member has submitted, the lot moves
    to consensus and the scores are shown to the committee."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    sheet = _open_sheet(evaluation, by, now)
    scores = {(str(s.submission_id), s.criterion_id): s for s in sheet.scores.all()}
    problems: dict[str, list[str]] = {}
    offers = selectors.offers_of(evaluation)
    criteria = selectors.points_criteria(selectors.criteria_of(evaluation))
    for criterion in criteria:
        for offer in offers:
            row = scores.get((str(offer.pk), criterion.pk))
            field = f"{offer.pk}:{criterion.pk}"
            if row is None or row.points is None:
                problems.setdefault(field, []).append(
                    _("Give %(supplier)s points on %(criterion)s.")
                    % {"supplier": offer.supplier.name, "criterion": criterion.name})
            if row is None or len(row.reason.strip()) < MIN_REASON:
                problems.setdefault(field, []).append(
                    _("Write the reason for %(supplier)s on %(criterion)s (at least %(n)d "
                      "characters).") % {"supplier": offer.supplier.name,
                                         "criterion": criterion.name, "n": MIN_REASON})
    if problems:
        raise ApplicationError(
            _("Your scores are not complete: every offer needs points and a written reason "
              "on every criterion before you submit."), fields=problems)
    sheet.submitted_at = now
    sheet.updated_at = now
    sheet.save(update_fields=["submitted_at", "updated_at"])
    # The record says that the member submitted and how many scores: the points themselves
    # stay in the locked sheet (an event list must not unblind the scoring).
    _event(evaluation, EvaluationEventKind.SCORES_SUBMITTED, by=by, at=now, member=by.pk,
           scores=len(criteria) * len(offers))
    if selectors.all_submitted(evaluation):
        _complete(evaluation, by=by, now=now)
    return sheet


def _complete(evaluation: LotEvaluation, *, by: User, now: datetime) -> None:
    members = [p.member.pk for p in selectors.scoring_progress(evaluation)]
    evaluation_flip(evaluation, EvaluationStatus.SCORING, EvaluationStatus.CONSENSUS, by=by,
                    at=now, data={"members": members})


@transaction.atomic
def scoring_complete(*, evaluation: LotEvaluation, by: User,
                     now: datetime | None = None) -> LotEvaluation:
    """Move to consensus when every member has submitted. The last submission does this
    itself; this is for when the committee changed after that (a member declared a conflict
    and left), or the lot has no points criteria at all (nothing to score)."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _need_worker(evaluation, by)
    _need_status(evaluation, EvaluationStatus.SCORING, message=_(
        "The lot is not at the scoring step."))
    if selectors.points_criteria(selectors.criteria_of(evaluation)):
        waiting = [p.member for p in selectors.scoring_progress(evaluation)
                   if p.submitted_at is None]
        if waiting or not selectors.scoring_progress(evaluation):
            raise ApplicationError(
                _("Waiting for %(names)s to submit their scores.")
                % {"names": ", ".join(m.full_name or m.email for m in waiting) or "-"},
                code="scoring_incomplete")
    _complete(evaluation, by=by, now=now)
    return evaluation


# --- consensus ---------------------------------------------------------------------------------


@transaction.atomic
def consensus_record(*, evaluation: LotEvaluation, submission_id: Any, criterion_id: Any,
                     points: Any, justification: str, by: User,
                     now: datetime | None = None) -> ConsensusScore:
    """Record the committee's agreed points for one offer and criterion, with the written
    justification. May be changed while in consensus; every version is an event."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _need_worker(evaluation, by)
    _need_status(evaluation, EvaluationStatus.CONSENSUS, message=_(
        "Consensus is recorded after every member has submitted and before the ranking."))
    offer = _offer(evaluation, submission_id)
    criterion = _criterion(evaluation, criterion_id, selectors.POINTS_KINDS)
    value = parse_points(points, field="points")
    if value is None:
        raise ApplicationError(_("Give the agreed points."),
                               fields={"points": [_("A number from 0 to 10.")]})
    text = _text(justification, field="justification", minimum=MIN_REASON,
                 label=_("Justification"))
    row = ConsensusScore.objects.filter(evaluation=evaluation, submission=offer,
                                        criterion=criterion).first()
    data: dict[str, Any] = {"submission": str(offer.pk), "supplier": offer.supplier.name,
                            "criterion": criterion.pk, "criterion_name": criterion.name,
                            "points": str(value), "justification": text}
    if row is not None:
        if row.points == value and row.justification == text:
            return row
        data["previous"] = {"points": str(row.points), "justification": row.justification}
        row.points, row.justification, row.recorded_by, row.recorded_at = value, text, by, now
        row.save()
    else:
        row = ConsensusScore.objects.create(evaluation=evaluation, submission=offer,
                                            criterion=criterion, points=value,
                                            justification=text, recorded_by=by,
                                            recorded_at=now)
    _event(evaluation, EvaluationEventKind.CONSENSUS_RECORDED, by=by, at=now, **data)
    return row


# --- ranking -----------------------------------------------------------------------------------


def ranking_problems(evaluation: LotEvaluation) -> list[str]:
    """What is still missing before the ranking can be computed, in words."""
    problems = [_("No price of %(supplier)s for %(criterion)s.")
                % {"supplier": o.supplier.name, "criterion": c.name}
                for o, c in selectors.missing_prices(evaluation)]
    problems += [_("No consensus score of %(supplier)s for %(criterion)s.")
                 % {"supplier": o.supplier.name, "criterion": c.name}
                 for o, c in selectors.missing_consensus(evaluation)]
    if not selectors.offers_of(evaluation):
        problems.append(_("There are no offers to rank."))
    if selectors.ranking_seed(evaluation.notice) is None:
        problems.append(_("The tree head signed at the deadline is missing; the draw of the "
                          "tie-break needs it."))
    return problems


def compute_result(evaluation: LotEvaluation, *, now: datetime) -> dict[str, Any]:
    """The ranking and the sensitivity checks, as JSON to keep with the evaluation."""
    model = selectors.engine_model_of(evaluation.notice, evaluation.lot_number)
    seed = selectors.ranking_seed(evaluation.notice) or ""
    offers = selectors.offers_of(evaluation)
    try:
        checked = sensitivity(model, selectors.engine_offers(evaluation), seed=seed)
    except ScoringError as exc:
        raise ApplicationError(_("The ranking cannot be computed: %(problem)s")
                               % {"problem": exc.message}, code="scoring_error") from None
    result = checked.result
    names = {str(o.pk): o.supplier.name for o in offers}
    criteria = selectors.criteria_of(evaluation)
    threshold = checked.price_threshold
    return {
        "computed_at": now.isoformat(),
        "basis": result.basis,
        "mode": result.mode,
        "seed": seed,
        "seed_source": selectors.SEED_SOURCE,
        "tie_break_rule": TIE_BREAK_RULE,
        "criteria": [{"key": str(c.pk), "name": c.name, "kind": c.kind, "method": c.method,
                      "weight": None if c.weight is None else float(c.weight),
                      "priority": c.priority,
                      "nok_per_point": None if c.nok_per_point is None
                      else float(c.nok_per_point)} for c in criteria],
        "offers": [{"key": key, "supplier": name} for key, name in names.items()],
        "rows": [{"offer_key": row.offer_key, "supplier": names.get(row.offer_key, ""),
                  "rank": row.rank, "scores": dict(row.scores), "values": dict(row.values),
                  "total": row.total, "evaluated_price": row.evaluated_price,
                  "price": row.price, "quality_points": row.quality_points, "draw": row.draw,
                  "deductions": dict(row.deductions)} for row in result.rows],
        "tie_break_notes": [{"above": n.above, "below": n.below, "step": n.step,
                             "text": n.text} for n in result.tie_break_notes],
        "sensitivity": {
            "price_threshold": {
                "offer_key": threshold.offer_key, "criterion_key": threshold.criterion_key,
                "current_price": threshold.current_price,
                "threshold_price": threshold.threshold_price,
                "reduction_pct": threshold.reduction_pct,
                "reason_code": threshold.reason_code, "reason": threshold.reason},
            "weight_moves": [{"criterion_key": m.criterion_key, "delta": m.delta,
                              "ranking": list(m.ranking), "winner": m.winner,
                              "changes_winner": m.changes_winner,
                              "changes_ranking": m.changes_ranking,
                              "weights": dict(m.weights), "priorities": dict(m.priorities)}
                             for m in checked.weight_moves],
            "weight_moves_note": checked.weight_moves_note,
            "rank_reversals": [{"offer_key": r.offer_key, "winner_without": r.winner_without,
                                "changes_winner": r.changes_winner,
                                "lowest_on": list(r.lowest_on),
                                "highest_on": list(r.highest_on)}
                               for r in checked.rank_reversals],
        },
    }


@transaction.atomic
def evaluation_rank(*, evaluation: LotEvaluation, by: User,
                    now: datetime | None = None) -> LotEvaluation:
    """Compute the ranking from the consensus scores and the prices, with the sensitivity
    checks, and keep it: consensus -> ranked."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _need_worker(evaluation, by)
    _need_status(evaluation, EvaluationStatus.CONSENSUS, message=_(
        "The ranking is computed from the consensus, after every member has submitted."))
    problems = ranking_problems(evaluation)
    if problems:
        raise ApplicationError(problems, code="ranking_incomplete")
    result = compute_result(evaluation, now=now)
    evaluation_flip(evaluation, EvaluationStatus.CONSENSUS, EvaluationStatus.RANKED, by=by,
                    at=now, ranked_at=now, result=result,
                    data={"ranking": [{"offer": r["offer_key"], "supplier": r["supplier"],
                                       "rank": r["rank"]} for r in result["rows"]],
                          "seed": result["seed"]})
    return evaluation


def award_exists(evaluation: LotEvaluation) -> bool:
    """Whether a sent (not withdrawn) award decision rests on the lot's ranking: such a
    ranking is not reopened (withdraw the decision first)."""
    from evaluation.award.selectors import sent_decision_exists

    return sent_decision_exists(evaluation)


@transaction.atomic
def evaluation_reopen(*, evaluation: LotEvaluation, by: User, reason: str,
                      now: datetime | None = None) -> LotEvaluation:
    """Back from ranked to consensus, with a reason, before any award. The kept ranking is
    cleared; the events keep what it was."""
    now = now or timezone.now()
    evaluation = _lock(evaluation)
    _need_worker(evaluation, by)
    _need_status(evaluation, EvaluationStatus.RANKED, message=_("The lot is not ranked."))
    text = _text(reason, field="reason", minimum=MIN_REASON, label=_("Reason"))
    if award_exists(evaluation):
        raise Conflict(_("An award decision has been sent on this ranking; withdraw it on the "
                         "award page before you reopen the ranking."), code="award_sent")
    from evaluation.award.services import withdraw_live_draft

    withdraw_live_draft(evaluation=evaluation, by=by, at=now)
    evaluation_flip(evaluation, EvaluationStatus.RANKED, EvaluationStatus.CONSENSUS, by=by,
                    at=now, ranked_at=None, result={},
                    data={"reason": text, "ranked_at": evaluation.ranked_at.isoformat()
                          if evaluation.ranked_at else None})
    return evaluation
