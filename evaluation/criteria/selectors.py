"""Reads of a notice's evaluation model. The services keep the rows from changing after the
deadline, so what these return after opening is what was published.

Three shapes of one model:
- the rows (LotAwardTerms, AwardCriterion, QualificationRequirement), written by the services;
- the canonical model (`model_of`): plain JSON of strings, integers, lists and objects, the
  part of every published snapshot (`snapshot["evaluation_model"]`) and the input of its
  SHA-256 (canonical JSON as crypto.canonical defines it);
- the engine's Model (`scoring_model_of`), what the committee's scores are computed with.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from backend.errors import Conflict, NotFound
from crypto.canonical import canonical_json
from evaluation.criteria.models import (
    AwardCriterion,
    ClimateRule,
    LotAwardTerms,
    QualificationRequirement,
)
from notices.models import Notice, NoticeStatus, NoticeVersion, VersionKind

if TYPE_CHECKING:
    from evaluation.scoring import Model

# The key of the evaluation model in NoticeVersion.snapshot.
SNAPSHOT_KEY = "evaluation_model"


def lot_numbers_of(notice: Notice) -> list[int]:
    """The lots evaluated on their own: the notice's lot numbers, or [0] without lots."""
    numbers = list(notice.lots.values_list("number", flat=True))
    return numbers or [0]


def award_terms_of(notice: Notice, lot_number: int) -> LotAwardTerms | None:
    return LotAwardTerms.objects.filter(notice=notice, lot_number=lot_number).first()


def award_criteria_of(notice: Notice, lot_number: int) -> QuerySet[AwardCriterion]:
    return AwardCriterion.objects.filter(notice=notice, lot_number=lot_number)


def requirements_of(notice: Notice, lot_number: int | None = None) -> QuerySet[
        QualificationRequirement]:
    """The requirements that apply to a lot (its own and those for every lot); all of the
    notice's with lot_number None."""
    rows = QualificationRequirement.objects.filter(notice=notice)
    if lot_number is not None:
        rows = rows.filter(Q(lot_number__isnull=True) | Q(lot_number=lot_number))
    return rows


def has_model(notice: Notice) -> bool:
    """The notice states an evaluation model (award terms or criteria for some lot)."""
    return (LotAwardTerms.objects.filter(notice=notice).exists()
            or AwardCriterion.objects.filter(notice=notice).exists())


# --- The canonical model -------------------------------------------------------------------


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01')):f}"


def _criterion_json(row: AwardCriterion) -> dict[str, Any]:
    item: dict[str, Any] = {
        "position": row.position, "kind": row.kind, "name": row.name,
        "description": row.description, "method": row.method, "scale": row.scale,
        "sub_criteria": [{key: str(value) for key, value in sub.items()}
                         for sub in (row.sub_criteria or [])],
    }
    if row.weight is not None:
        item["weight"] = _amount(row.weight)
    if row.priority is not None:
        item["priority"] = row.priority
    if row.nok_per_point is not None:
        item["nok_per_point"] = _amount(row.nok_per_point)
    return item


def model_of(notice: Notice) -> dict[str, Any]:
    """The notice's evaluation model as canonical JSON (only strings, integers, lists and
    objects), built from the rows: every lot that has terms or criteria, in lot order, and
    the requirements in order."""
    terms = {t.lot_number: t for t in LotAwardTerms.objects.filter(notice=notice)}
    criteria: dict[int, list[AwardCriterion]] = {}
    for row in AwardCriterion.objects.filter(notice=notice).order_by("lot_number", "position"):
        criteria.setdefault(row.lot_number, []).append(row)
    lots = []
    for number in sorted(set(terms) | set(criteria)):
        term = terms.get(number)
        lots.append({
            "lot_number": number,
            "basis": term.basis if term else "",
            "ranking": "priority" if term and term.by_priority else "weights",
            "climate_option": term.climate_option if term else "",
            "climate_justification": term.climate_justification if term else "",
            "criteria": [_criterion_json(row) for row in criteria.get(number, [])],
        })
    requirements = []
    for req in QualificationRequirement.objects.filter(notice=notice).order_by("position"):
        item: dict[str, Any] = {
            "position": req.position, "category": req.category, "espd_code": req.espd_code,
            "title": req.title, "description": req.description,
            "documentation": req.documentation}
        if req.lot_number is not None:
            item["lot_number"] = req.lot_number
        requirements.append(item)
    return {"lots": lots, "requirements": requirements}


def model_sha256(model: dict[str, Any]) -> str:
    """SHA-256 (hex) over the canonical JSON of a model (without its own `sha256` key)."""
    body = {key: value for key, value in model.items() if key != "sha256"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def snapshot_part(notice: Notice) -> dict[str, Any]:
    """What every NoticeVersion snapshot carries under SNAPSHOT_KEY: the model and its hash."""
    model = model_of(notice)
    return {"sha256": model_sha256(model), **model}


def lot_of(model: dict[str, Any], lot_number: int) -> dict[str, Any] | None:
    for lot in model.get("lots") or []:
        if lot.get("lot_number") == lot_number:
            return dict(lot)
    return None


def requirements_for(model: dict[str, Any], lot_number: int) -> list[dict[str, Any]]:
    """The requirements of a canonical model that apply to a lot (its own and every lot's)."""
    return [req for req in model.get("requirements") or []
            if req.get("lot_number") in (None, lot_number)]


# --- The frozen model ----------------------------------------------------------------------


@dataclass(frozen=True)
class FrozenModel:
    """The evaluation model as published in `version` (the latest published version)."""

    notice_id: int
    version: int
    published_at: datetime
    model: dict[str, Any]
    sha256: str
    # The stored hash matches the model it is stored with.
    intact: bool

    def lot(self, lot_number: int) -> dict[str, Any] | None:
        return lot_of(self.model, lot_number)


def frozen_model_of(notice: Notice) -> FrozenModel | None:
    """The model of the latest published version with its SHA-256, or None for a draft.

    This is what the committee evaluates against: published with the notice, changed only by
    a change notice before the deadline, never after it. A version published before the model
    existed carries an empty model."""
    version: NoticeVersion | None = (
        notice.versions.exclude(kind=VersionKind.CANCELLATION).order_by("-number").first()
        or notice.versions.order_by("-number").first())
    if version is None:
        return None
    stored = dict(version.snapshot.get(SNAPSHOT_KEY) or {"lots": [], "requirements": []})
    model = {"lots": stored.get("lots") or [], "requirements": stored.get("requirements") or []}
    digest = model_sha256(model)
    return FrozenModel(notice_id=notice.pk, version=version.number,
                       published_at=version.published_at, model=model,
                       sha256=str(stored.get("sha256") or digest),
                       intact=stored.get("sha256") in (None, digest))


# --- The climate rule ----------------------------------------------------------------------


def climate_rule_on(day: date) -> ClimateRule | None:
    """The climate and environment rule (FOA § 7-9) in force on `day`."""
    return (ClimateRule.objects.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from").first())


def climate_codes() -> set[str]:
    """Every declaration code any rule row knows (what a draft may store)."""
    return {str(option["code"]) for rule in ClimateRule.objects.all()
            for option in rule.options or [] if option.get("code")}


def climate_option_of(rule: ClimateRule | None, code: str) -> dict[str, Any] | None:
    if rule is None:
        return None
    for option in rule.options or []:
        if option.get("code") == code:
            return dict(option)
    return None


def climate_label(option: dict[str, Any] | None, code: str = "", *,
                  language: str | None = None) -> str:
    """The code list's label of a declaration in the current language (bokmål or English)."""
    from django.utils.translation import get_language

    if option is None:
        return code
    lang = (language or get_language() or "en")[:2]
    return str(option.get("label_nb" if lang == "nb" else "label_en") or code)


def climate_option_any(code: str) -> dict[str, Any] | None:
    """The option with this code in the newest rule that knows it (labels for display)."""
    for rule in ClimateRule.objects.all():
        option = climate_option_of(rule, code)
        if option is not None:
            return option
    return None


# --- The engine's model --------------------------------------------------------------------


def scoring_model_of(notice: Notice, lot_number: int) -> Model:
    """The engine's Model of one lot, criterion keys `str(criterion.pk)`.

    Built from the rows; for a published notice the rows are checked against the frozen model
    first (they can only differ through a write that bypassed the services), so the committee
    never scores against anything but what was published. Raises NotFound when the lot has no
    criteria."""
    from evaluation.scoring import Criterion, Model

    terms = award_terms_of(notice, lot_number)
    rows = list(award_criteria_of(notice, lot_number).order_by("position"))
    if terms is None or not rows:
        raise NotFound(_("This lot has no award criteria."))
    if notice.status != NoticeStatus.DRAFT:
        frozen = frozen_model_of(notice)
        if frozen is not None and (not frozen.intact
                                   or model_sha256(model_of(notice)) != frozen.sha256):
            raise Conflict(_("The award criteria stored differ from the published ones; the "
                             "evaluation cannot use them. Contact platform staff."),
                           code="model_mismatch")
    return Model(basis=terms.basis,  # type: ignore[arg-type]
                 criteria=tuple(Criterion(
                     key=str(row.pk), kind=row.kind,  # type: ignore[arg-type]
                     method=row.method,  # type: ignore[arg-type]
                     weight=float(row.weight) if row.weight is not None else None,
                     priority=row.priority,
                     nok_per_point=(float(row.nok_per_point) if row.nok_per_point is not None
                                    else None))
                     for row in rows))
