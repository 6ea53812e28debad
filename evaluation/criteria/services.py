"""Every write to a notice's evaluation model (award terms, criteria, requirements).

- On a draft: `evaluation_model_set` (one lot, and optionally the requirements),
  `evaluation_model_replace` (the whole model, the API's PUT), `evaluation_model_remove_lot`.
  Each checks the input (evaluation.criteria.validation), replaces the rows and records the
  edit as a NoticeEvent, in one transaction; bad input writes nothing.
- On a published notice the model is frozen in the published version. It changes only through
  `evaluation_model_change_publish`: a change notice with a reason, published by
  notices.services.notice_change_publish with the notice row locked and the database clock
  read, before the deadline for tenders and never after it, whatever the close job did.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation.criteria.checks import model_problems
from evaluation.criteria.models import AwardCriterion, LotAwardTerms, QualificationRequirement
from evaluation.criteria.selectors import climate_codes, lot_numbers_of, model_of, model_sha256
from evaluation.criteria.validation import (
    CleanLot,
    CleanRequirement,
    Problems,
    clean_lot,
    clean_requirements,
    criterion_rows,
    terms_row,
)
from evaluation.permissions import may_edit_evaluation_model
from notices.deadlines import notice_lock, refuse_change_after_deadline
from notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus, NoticeVersion
from notices.services import notice_change_publish

FIELD = "evaluation_model"


def _require_editor(notice: Notice, by: User) -> None:
    if not may_edit_evaluation_model(by, notice):
        raise Forbidden(_("Only procurement officers of %(buyer)s can change the evaluation "
                          "model.") % {"buyer": notice.buyer.name})


def _lock_draft(notice: Notice, now: datetime | None) -> tuple[Notice, datetime]:
    locked, clock = notice_lock(notice.pk, now=now, with_buyer=True)
    if locked.status != NoticeStatus.DRAFT:
        raise Conflict(_("The notice is published: its evaluation model is frozen in the "
                         "published version and changes only through a change notice with a "
                         "reason, before the deadline for tenders."), code="published")
    return locked, clock


def _lot_input(lot_number: Any, terms: dict[str, Any] | None,
               criteria: Any) -> dict[str, Any]:
    return {**(terms or {}), "lot_number": lot_number, "criteria": criteria}


def _clean_lots(notice: Notice, lots: Any, *, prefix: str = "lots") -> list[CleanLot]:
    known = lot_numbers_of(notice)
    codes = climate_codes()
    if not isinstance(lots, list):
        problems = Problems()
        problems.add(prefix, _("A list expected."), _("The lots of the model are a list."))
        problems.raise_if_any()
    cleaned: list[CleanLot] = []
    seen: set[int] = set()
    errors = Problems()
    for index, data in enumerate(lots):
        at = f"{prefix}[{index}]." if prefix else ""
        raw = data.get("lot_number", 0) if isinstance(data, dict) else None
        try:
            if isinstance(raw, bool) or raw is None:
                raise ValueError
            number = int(str(raw or 0))
        except ValueError:
            errors.fields[f"{at}lot_number"] = [_("A lot number.")]
            errors.messages.append(_("Give each lot of the model its lot number (0 for a "
                                     "notice without lots)."))
            continue
        if number in seen:
            errors.fields[f"{at}lot_number"] = [_("Given twice.")]
            errors.messages.append(_("Lot %(n)s is in the model twice.") % {"n": number})
            continue
        seen.add(number)
        try:
            cleaned.append(clean_lot(data, lot_number=number, known_lots=known,
                                     climate_codes=codes, prefix=at))
        except ApplicationError as exc:
            for name, messages in exc.fields.items():
                errors.fields.setdefault(name, []).extend(messages)
            errors.messages.extend(m for m in exc.messages if m not in errors.messages)
    errors.raise_if_any()
    return cleaned


def _write_lots(notice: Notice, lots: Sequence[CleanLot]) -> None:
    for lot in lots:
        _remove_lot(notice, lot.lot_number)
        terms_row(notice.pk, lot).save()
        for row in criterion_rows(notice.pk, lot):
            row.save()


def _remove_lot(notice: Notice, lot_number: int) -> int:
    removed, _rows = AwardCriterion.objects.filter(notice=notice, lot_number=lot_number).delete()
    terms, _rows = LotAwardTerms.objects.filter(notice=notice, lot_number=lot_number).delete()
    return removed + terms


def _write_requirements(notice: Notice, requirements: Sequence[CleanRequirement]) -> None:
    QualificationRequirement.objects.filter(notice=notice).delete()
    for position, req in enumerate(requirements, start=1):
        QualificationRequirement(notice=notice, position=position, lot_number=req.lot_number,
                                 category=req.category, espd_code=req.espd_code,
                                 title=req.title, description=req.description,
                                 documentation=req.documentation).save()


def _record(notice: Notice, by: User, at: datetime, **data: Any) -> None:
    NoticeEvent.objects.create(notice=notice, kind=NoticeEventKind.DRAFT_UPDATED, by=by, at=at,
                               data={"fields": [FIELD], **data,
                                     "sha256": model_sha256(model_of(notice))})


@transaction.atomic
def evaluation_model_set(*, notice: Notice, by: User, lot_number: int = 0,
                         terms: dict[str, Any] | None = None, criteria: Any = None,
                         requirements: Any = None, now: datetime | None = None) -> Notice:
    """Set one lot's award terms and criteria on a draft, in one call.

    `terms`: basis, by_priority, climate_option, climate_justification. `criteria`: a list of
    kind, name, description, method, weight or priority, scale, nok_per_point, sub_criteria.
    `requirements`, when given, replaces all the notice's requirements (each with its own
    lot_number; null for every lot). Lot number 0 is a notice without lots."""
    _require_editor(notice, by)
    notice, _clock = _lock_draft(notice, now)
    at = now or timezone.now()
    lot = _clean_lots(notice, [_lot_input(lot_number, terms, criteria)], prefix="")[0]
    cleaned_requirements = (None if requirements is None else
                            clean_requirements(requirements, known_lots=lot_numbers_of(notice)))
    _write_lots(notice, [lot])
    if cleaned_requirements is not None:
        _write_requirements(notice, cleaned_requirements)
    _record(notice, by, at, lots=[lot.lot_number],
            requirements=cleaned_requirements is not None)
    return notice


@transaction.atomic
def evaluation_model_requirements_set(*, notice: Notice, by: User, requirements: Any,
                                      now: datetime | None = None) -> Notice:
    """Replace the exclusion grounds and qualification requirements of a draft."""
    _require_editor(notice, by)
    notice, _clock = _lock_draft(notice, now)
    cleaned = clean_requirements(requirements, known_lots=lot_numbers_of(notice))
    _write_requirements(notice, cleaned)
    _record(notice, by, now or timezone.now(), requirements=True)
    return notice


@transaction.atomic
def evaluation_model_replace(*, notice: Notice, by: User, lots: Any, requirements: Any,
                             now: datetime | None = None) -> Notice:
    """Replace the whole model of a draft: the lots given (lots left out lose their model)
    and the requirements."""
    _require_editor(notice, by)
    notice, _clock = _lock_draft(notice, now)
    cleaned = _clean_lots(notice, lots)
    cleaned_requirements = clean_requirements(requirements, known_lots=lot_numbers_of(notice),
                                              prefix="")
    AwardCriterion.objects.filter(notice=notice).delete()
    LotAwardTerms.objects.filter(notice=notice).delete()
    _write_lots(notice, cleaned)
    _write_requirements(notice, cleaned_requirements)
    _record(notice, by, now or timezone.now(), lots=[lot.lot_number for lot in cleaned],
            requirements=True)
    return notice


@transaction.atomic
def evaluation_model_remove_lot(*, notice: Notice, by: User, lot_number: int,
                                now: datetime | None = None) -> Notice:
    """Remove one lot's terms and criteria from a draft (e.g. a lot the notice no longer has)."""
    _require_editor(notice, by)
    notice, _clock = _lock_draft(notice, now)
    if not _remove_lot(notice, lot_number):
        raise ApplicationError(_("Lot %(n)s has no award criteria to remove.")
                               % {"n": lot_number}, fields={"lot_number": [_("No model.")]})
    _record(notice, by, now or timezone.now(), lots=[lot_number], removed=True)
    return notice


@transaction.atomic
def evaluation_model_change_publish(*, notice: Notice, by: User, reason: str,
                                    lots: Any = None, requirements: Any = None,
                                    now: datetime | None = None) -> NoticeVersion:
    """Change the evaluation model of a published notice: a change notice with a reason.

    `lots`: the lots whose model changes (each replaced whole; lots left out keep theirs);
    `requirements`, when given, replaces all the requirements. Refused after the deadline for
    tenders (the database clock, read with the notice row locked), whatever the status; the
    new model must meet the rules in force on the original publication date. The new version's
    snapshot, diff and reason carry the change."""
    _require_editor(notice, by)
    if not str(reason or "").strip():
        raise ApplicationError(_("Say why the evaluation model changes; bidders read the "
                                 "reason."), fields={"reason": [_("Required.")]})
    if lots is None and requirements is None:
        raise ApplicationError(_("Give the lots or the requirements that change."),
                               fields={"lots": [_("Required.")]})

    def apply(locked: Notice, clock: datetime) -> None:
        refuse_change_after_deadline(locked, clock)  # checked again: the seam's contract
        cleaned = _clean_lots(locked, lots) if lots is not None else []
        cleaned_requirements = (None if requirements is None else clean_requirements(
            requirements, known_lots=lot_numbers_of(locked), prefix=""))
        _write_lots(locked, cleaned)
        if cleaned_requirements is not None:
            _write_requirements(locked, cleaned_requirements)
        assert locked.published_at is not None
        problems = model_problems(locked, model_of(locked), published_at=locked.published_at)
        if problems:
            raise ApplicationError(problems, code="not_publishable")

    return notice_change_publish(notice=notice, by=by, reason=str(reason), fields={},
                                 apply=apply, now=now)
