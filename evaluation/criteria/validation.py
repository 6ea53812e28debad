"""What an evaluation model may hold: the checks every write runs before anything is stored.

Input comes as plain dicts (the API's JSON, the web form's cleaned data). The cleaning
functions return typed values ready to store, or raise one ApplicationError naming every
field at fault (`criteria[1].weight`, `requirements[0].title`, …) with a sentence per problem.

The structural rules follow the scoring engine (evaluation.scoring.validate_model), so a model
the officer could save is always one the committee can score:
- price and cost criteria are scored by a price formula (linear, proportional, between the
  lowest and the highest) or carry the priced-quality method; quality and climate criteria are
  scored with points 0-10 on a described scale;
- lowest price: one price criterion; lowest cost: one price or cost criterion;
- best price-quality ratio: weights on every criterion summing to 100, or priorities 1..n,
  each once;
- priced quality (DFØ's prissetting av kvalitet): one price or cost criterion with the
  priced-quality method, quality and climate criteria with the NOK value of one point, no
  weights or priorities.
Whether the climate and environment declaration satisfies FOA § 7-9 is decided at publication
by the rule in force then (evaluation.criteria.climate).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backend.errors import ApplicationError
from backend.text import text_problems
from evaluation.criteria.models import (
    AwardBasis,
    AwardCriterion,
    CriterionKind,
    LotAwardTerms,
    QualificationRequirement,
    RequirementCategory,
    ScoringMethod,
)

PRICE_KINDS = {CriterionKind.PRICE, CriterionKind.COST}
POINTS_KINDS = {CriterionKind.QUALITY, CriterionKind.CLIMATE}
PRICE_FORMULAS = {ScoringMethod.PRICE_LINEAR, ScoringMethod.PRICE_PROPORTIONAL,
                  ScoringMethod.PRICE_MINMAX}

MAX_CRITERIA = 20
MAX_SUB_CRITERIA = 10
MAX_REQUIREMENTS = 60
# Text limits: the model's max_length where it has one, a generous bound for the rest.
LIMITS = {
    "name": AwardCriterion._meta.get_field("name").max_length or 200,
    "description": 5000,
    "scale": 3000,
    "climate_justification": 5000,
    "title": QualificationRequirement._meta.get_field("title").max_length or 300,
    "documentation": 3000,
    "espd_code": QualificationRequirement._meta.get_field("espd_code").max_length or 64,
    "sub_name": 200,
    "sub_description": 2000,
}
CLIMATE_CODE_RE = re.compile(r"^quality-nor-env-[a-z-]+$")
ESPD_CODE_RE = re.compile(r"^[A-Za-z0-9._:-]*$")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass
class CleanCriterion:
    kind: str
    name: str
    description: str
    method: str
    weight: Decimal | None
    priority: int | None
    scale: str
    nok_per_point: Decimal | None
    sub_criteria: list[dict[str, str]]


@dataclass
class CleanLot:
    lot_number: int
    basis: str
    by_priority: bool
    climate_option: str
    climate_justification: str
    criteria: list[CleanCriterion] = field(default_factory=list)


@dataclass
class CleanRequirement:
    lot_number: int | None
    category: str
    espd_code: str
    title: str
    description: str
    documentation: str


class Problems:
    """Collects field problems; `raise_if_any` raises one ApplicationError with all of them."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.fields: dict[str, list[str]] = {}
        self.messages: list[str] = []

    def add(self, name: str, short: str, sentence: str | None = None) -> None:
        self.fields.setdefault(f"{self.prefix}{name}", []).append(short)
        text = sentence or short
        if text not in self.messages:
            self.messages.append(text)

    def raise_if_any(self) -> None:
        if self.fields or self.messages:
            raise ApplicationError(self.messages, code="invalid", fields=self.fields)


def _text(problems: Problems, data: Mapping[str, Any], key: str, *, limit: str,
          where: str, required: str | None = None, field_name: str | None = None) -> str:
    name = field_name or key
    raw = data.get(key)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        problems.add(name, _("Text expected."), _("%(where)s: text expected for “%(field)s”.")
                     % {"where": where, "field": key})
        return ""
    value = raw.strip()
    if required is not None and not value:
        problems.add(name, _("Required."), f"{where}: {required}")
    for problem in text_problems(value, max_length=LIMITS[limit]):
        problems.add(name, problem, f"{where}: {problem}")
    return value


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidOperation
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    text = text.removesuffix("%")
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number


def _choice(problems: Problems, data: Mapping[str, Any], key: str, choices: Any, *,
            where: str, sentence: str, default: str | None = None) -> str:
    value = data.get(key)
    if (value is None or value == "") and default is not None:
        return default
    if value not in choices.values:
        problems.add(key, _("Choose one of the listed values."),
                     f"{where}: {sentence}")
        return ""
    return str(value)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes")
    return bool(value)


def lot_label(lot_number: int) -> str:
    return _("Lot %(n)s") % {"n": lot_number} if lot_number else _("The procurement")


def clean_lot(data: Mapping[str, Any], *, lot_number: int, known_lots: Sequence[int],
              climate_codes: set[str], prefix: str = "") -> CleanLot:
    """Validate one lot's award terms and criteria; raises ApplicationError naming the fields.

    `data`: basis, by_priority, climate_option, climate_justification, criteria (a list of
    kind, name, description, method, weight, priority, scale, nok_per_point, sub_criteria).
    """
    problems = Problems(prefix)
    where = lot_label(lot_number)
    if not isinstance(data, Mapping):
        problems.add("", _("An object expected."), _("Each lot of the model is an object."))
        problems.raise_if_any()
    if lot_number not in known_lots:
        problems.add("lot_number", _("No such lot."),
                     _("The notice has no lot %(n)s (its lots: %(lots)s).")
                     % {"n": lot_number, "lots": ", ".join(map(str, known_lots))})
    basis = _choice(problems, data, "basis", AwardBasis, where=where,
                    sentence=_("choose the award basis: lowest price, lowest cost, or best "
                               "price-quality ratio."), default=AwardBasis.BEST_RATIO)
    by_priority = _flag(data.get("by_priority", False))
    option = data.get("climate_option") or ""
    if not isinstance(option, str) or (option and option not in climate_codes):
        problems.add("climate_option", _("Unknown declaration."),
                     _("%(where)s: “%(code)s” is not a climate and environment declaration of "
                       "the Norwegian code list (quality-nor-env-…).")
                     % {"where": where, "code": option})
        option = ""
    justification = _text(problems, data, "climate_justification",
                          limit="climate_justification", where=where)
    rows = data.get("criteria")
    if not isinstance(rows, list) or not rows:
        problems.add("criteria", _("At least one criterion."),
                     _("%(where)s needs at least one award criterion.") % {"where": where})
        rows = []
    if len(rows) > MAX_CRITERIA:
        problems.add("criteria", _("Too many criteria."),
                     _("%(where)s: at most %(max)s award criteria.")
                     % {"where": where, "max": MAX_CRITERIA})
        rows = rows[:MAX_CRITERIA]
    criteria = [_clean_criterion(problems, row, index=i, where=where)
                for i, row in enumerate(rows)]
    lot = CleanLot(lot_number=lot_number, basis=basis, by_priority=by_priority,
                   climate_option=option, climate_justification=justification,
                   criteria=criteria)
    if basis and criteria and all(c.kind and c.method for c in criteria):
        _check_structure(problems, lot, where=where)
    problems.raise_if_any()
    return lot


def _clean_criterion(problems: Problems, row: Any, *, index: int, where: str) -> CleanCriterion:
    at = f"criteria[{index}]."
    what = _("%(where)s, criterion %(n)s") % {"where": where, "n": index + 1}
    if not isinstance(row, Mapping):
        problems.add(f"criteria[{index}]", _("An object expected."),
                     _("%(what)s: each criterion is an object.") % {"what": what})
        return CleanCriterion("", "", "", "", None, None, "", None, [])
    kind = str(row.get("kind") or "")
    if kind not in CriterionKind.values:
        problems.add(f"{at}kind", _("Choose price, cost, quality or climate and environment."),
                     _("%(what)s: choose the type (price, cost, quality, or climate and "
                       "environment).") % {"what": what})
        kind = ""
    method = str(row.get("method") or "")
    if method not in ScoringMethod.values:
        problems.add(f"{at}method", _("Choose a scoring method."),
                     _("%(what)s: choose the scoring method.") % {"what": what})
        method = ""
    name = _text(problems, row, "name", limit="name", where=what, field_name=f"{at}name",
                 required=_("give the criterion a name."))
    description = _text(problems, row, "description", limit="description", where=what,
                        field_name=f"{at}description")
    scale = _text(problems, row, "scale", limit="scale", where=what, field_name=f"{at}scale")
    weight = priority = nok = None
    try:
        weight = _decimal(row.get("weight"))
        if weight is not None and (weight <= 0 or weight > HUNDRED
                                   or weight != weight.quantize(CENT)):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.add(f"{at}weight", _("A percentage above 0 and at most 100, two decimals."),
                     _("%(what)s: the weight is a percentage above 0 and at most 100, with at "
                       "most two decimals.") % {"what": what})
        weight = None
    raw_priority = row.get("priority")
    if raw_priority not in (None, ""):
        try:
            if isinstance(raw_priority, bool):
                raise ValueError
            priority = int(str(raw_priority).strip())
            if not 1 <= priority <= MAX_CRITERIA:
                raise ValueError
        except ValueError:
            problems.add(f"{at}priority", _("A whole number from 1."),
                         _("%(what)s: the priority is a whole number, 1 for the most "
                           "important.") % {"what": what})
            priority = None
    try:
        nok = _decimal(row.get("nok_per_point"))
        if nok is not None and (nok <= 0 or nok >= Decimal("1e12")):
            raise InvalidOperation
        if nok is not None:
            nok = nok.quantize(CENT)
    except (InvalidOperation, ValueError):
        problems.add(f"{at}nok_per_point", _("An amount in NOK above 0."),
                     _("%(what)s: the value of one point is an amount in NOK above 0.")
                     % {"what": what})
        nok = None
    subs = _clean_sub_criteria(problems, row.get("sub_criteria"), at=at, what=what)
    if kind and method:
        if kind in PRICE_KINDS and method not in (*PRICE_FORMULAS, ScoringMethod.PRICED_QUALITY):
            problems.add(f"{at}method", _("Price and cost use a price formula."),
                         _("%(what)s: a price or cost criterion is scored by a price formula "
                           "(linear, proportional, or between the lowest and the highest "
                           "price) or by priced quality, not with points.") % {"what": what})
        if kind in POINTS_KINDS and method != ScoringMethod.POINTS:
            problems.add(f"{at}method", _("Quality and climate are scored with points."),
                         _("%(what)s: a quality or climate and environment criterion is scored "
                           "with points 0-10 on a described scale.") % {"what": what})
        if method == ScoringMethod.POINTS and not scale:
            problems.add(f"{at}scale", _("Describe the scale."),
                         _("%(what)s: describe the scale the committee scores against: what "
                           "earns 0, 5 and 10 points.") % {"what": what})
    return CleanCriterion(kind=kind, name=name, description=description, method=method,
                          weight=weight, priority=priority, scale=scale, nok_per_point=nok,
                          sub_criteria=subs)


def _clean_sub_criteria(problems: Problems, rows: Any, *, at: str,
                        what: str) -> list[dict[str, str]]:
    if rows in (None, ""):
        return []
    if not isinstance(rows, list):
        problems.add(f"{at}sub_criteria", _("A list expected."),
                     _("%(what)s: sub-criteria are a list.") % {"what": what})
        return []
    if len(rows) > MAX_SUB_CRITERIA:
        problems.add(f"{at}sub_criteria", _("Too many sub-criteria."),
                     _("%(what)s: at most %(max)s sub-criteria.")
                     % {"what": what, "max": MAX_SUB_CRITERIA})
        return []
    cleaned: list[dict[str, str]] = []
    weights: list[Decimal | None] = []
    for i, row in enumerate(rows):
        sub_at = f"{at}sub_criteria[{i}]."
        sub_what = _("%(what)s, sub-criterion %(n)s") % {"what": what, "n": i + 1}
        if not isinstance(row, Mapping):
            problems.add(f"{at}sub_criteria[{i}]", _("An object expected."),
                         _("%(what)s: each sub-criterion is an object.") % {"what": sub_what})
            continue
        name = _text(problems, row, "name", limit="sub_name", where=sub_what,
                     field_name=f"{sub_at}name", required=_("give the sub-criterion a name."))
        description = _text(problems, row, "description", limit="sub_description",
                            where=sub_what, field_name=f"{sub_at}description")
        try:
            weight = _decimal(row.get("weight"))
            if weight is not None and (weight <= 0 or weight > HUNDRED
                                       or weight != weight.quantize(CENT)):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problems.add(f"{sub_at}weight", _("A percentage above 0 and at most 100."),
                         _("%(what)s: the weight is a percentage of the criterion, above 0 and "
                           "at most 100.") % {"what": sub_what})
            weight = None
        weights.append(weight)
        item = {"name": name, "description": description}
        if weight is not None:
            item["weight"] = str(weight.quantize(CENT))
        cleaned.append(item)
    given = [w for w in weights if w is not None]
    if given and (len(given) != len(weights) or sum(given) != HUNDRED):
        problems.add(f"{at}sub_criteria", _("Weights of sub-criteria sum to 100."),
                     _("%(what)s: give every sub-criterion a weight and let them add up to "
                       "100 %%, or give none a weight.") % {"what": what})
    return cleaned


def _check_structure(problems: Problems, lot: CleanLot, *, where: str) -> None:
    criteria = lot.criteria
    priced = [i for i, c in enumerate(criteria) if c.method == ScoringMethod.PRICED_QUALITY]
    amounts = [i for i, c in enumerate(criteria) if c.kind in PRICE_KINDS]
    points = [i for i, c in enumerate(criteria) if c.kind in POINTS_KINDS]
    if lot.basis in (AwardBasis.LOWEST_PRICE, AwardBasis.LOWEST_COST):
        allowed = ({CriterionKind.PRICE} if lot.basis == AwardBasis.LOWEST_PRICE
                   else PRICE_KINDS)
        if len(criteria) != 1 or criteria[0].kind not in allowed:
            problems.add("criteria", _("Exactly one price criterion."),
                         _("%(where)s: award on the lowest price has exactly one criterion, of "
                           "type price.") % {"where": where}
                         if lot.basis == AwardBasis.LOWEST_PRICE else
                         _("%(where)s: award on the lowest cost has exactly one criterion, of "
                           "type price or cost.") % {"where": where})
            return
        only = criteria[0]
        if only.method == ScoringMethod.PRICED_QUALITY:
            problems.add("criteria[0].method", _("Priced quality needs best price-quality."),
                         _("%(where)s: priced quality needs the best price-quality ratio as "
                           "the award basis.") % {"where": where})
        if lot.by_priority or only.priority is not None:
            problems.add("by_priority", _("Not with the lowest price or cost."),
                         _("%(where)s: award on the lowest price or cost does not rank "
                           "criteria.") % {"where": where})
        if only.weight is not None and only.weight != HUNDRED:
            problems.add("criteria[0].weight", _("100 or empty."),
                         _("%(where)s: the only criterion weighs 100 %%.") % {"where": where})
        only.weight = HUNDRED
        return
    if priced:
        _check_priced_quality(problems, lot, priced=priced, amounts=amounts, points=points,
                              where=where)
        return
    for i in points:
        if criteria[i].nok_per_point is not None:
            problems.add(f"criteria[{i}].nok_per_point", _("Only in priced quality."),
                         _("%(where)s, criterion %(n)s: a NOK value per point is used only in "
                           "priced quality.") % {"where": where, "n": i + 1})
    if lot.by_priority:
        for i, c in enumerate(criteria):
            if c.weight is not None:
                problems.add(f"criteria[{i}].weight", _("No weight when ranked."),
                             _("%(where)s: criteria ranked by priority carry no weights.")
                             % {"where": where})
            if c.priority is None:
                problems.add(f"criteria[{i}].priority", _("Required."),
                             _("%(where)s, criterion %(n)s: give the priority (1 for the most "
                               "important).") % {"where": where, "n": i + 1})
        given = [c.priority for c in criteria if c.priority is not None]
        if len(given) == len(criteria) and sorted(given) != list(range(1, len(criteria) + 1)):
            problems.add("criteria", _("Priorities 1 to n, each once."),
                         _("%(where)s: number the criteria 1 to %(n)s in order of importance, "
                           "each number once.") % {"where": where, "n": len(criteria)})
        return
    for i, c in enumerate(criteria):
        if c.priority is not None:
            problems.add(f"criteria[{i}].priority", _("No priority when weighted."),
                         _("%(where)s: weighted criteria carry no priority; tick “in order of "
                           "priority” to rank them instead.") % {"where": where})
        if c.weight is None:
            problems.add(f"criteria[{i}].weight", _("Required."),
                         _("%(where)s, criterion %(n)s: give the weight in percent.")
                         % {"where": where, "n": i + 1})
    weights = [c.weight for c in criteria if c.weight is not None]
    if len(weights) == len(criteria) and sum(weights) != HUNDRED:
        problems.add("criteria", _("The weights sum to 100."),
                     _("%(where)s: the weights add up to %(sum)s; they must add up to "
                       "100 %%.") % {"where": where, "sum": percent(sum(weights))})


def _check_priced_quality(problems: Problems, lot: CleanLot, *, priced: list[int],
                          amounts: list[int], points: list[int], where: str) -> None:
    criteria = lot.criteria
    if lot.basis != AwardBasis.BEST_RATIO:
        problems.add("basis", _("Best price-quality ratio."),
                     _("%(where)s: priced quality needs the best price-quality ratio as the "
                       "award basis.") % {"where": where})
    if len(priced) != 1 or len(amounts) != 1 or priced != amounts:
        problems.add("criteria", _("One price criterion with priced quality."),
                     _("%(where)s: priced quality has exactly one price or cost criterion, "
                       "scored by priced quality.") % {"where": where})
    if not points:
        problems.add("criteria", _("At least one quality criterion."),
                     _("%(where)s: priced quality needs at least one quality or climate and "
                       "environment criterion.") % {"where": where})
    for i in points:
        if criteria[i].nok_per_point is None:
            problems.add(f"criteria[{i}].nok_per_point", _("Required."),
                         _("%(where)s, criterion %(n)s: priced quality needs the value in NOK "
                           "of one point.") % {"where": where, "n": i + 1})
    for i in amounts:
        if criteria[i].nok_per_point is not None:
            problems.add(f"criteria[{i}].nok_per_point", _("Only on quality criteria."),
                         _("%(where)s, criterion %(n)s: the NOK value per point belongs to the "
                           "quality and climate criteria.") % {"where": where, "n": i + 1})
    if lot.by_priority:
        problems.add("by_priority", _("Not with priced quality."),
                     _("%(where)s: priced quality does not rank criteria; the NOK value per "
                       "point does their work.") % {"where": where})
    for i, c in enumerate(criteria):
        if c.weight is not None or c.priority is not None:
            problems.add(f"criteria[{i}].weight", _("No weight in priced quality."),
                         _("%(where)s: priced quality uses no weights or priorities; the NOK "
                           "value per point does their work.") % {"where": where})


def percent(value: Any) -> str:
    """29.99 % in English, 29,99 % in Norwegian; whole numbers without decimals."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(str(value)).quantize(CENT):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    if (get_language() or "").startswith("nb"):
        text = text.replace(".", ",")
    return f"{text} %"


def clean_requirements(rows: Any, *, known_lots: Sequence[int],
                       prefix: str = "") -> list[CleanRequirement]:
    """Validate the exclusion grounds and qualification requirements of a notice.

    Each row: lot_number (blank or null for every lot), category, espd_code, title,
    description, documentation (the documentation asked for; required)."""
    problems = Problems(prefix)
    if not isinstance(rows, list):
        problems.add("requirements", _("A list expected."),
                     _("The requirements are a list."))
        problems.raise_if_any()
    if len(rows) > MAX_REQUIREMENTS:
        problems.add("requirements", _("Too many requirements."),
                     _("At most %(max)s requirements.") % {"max": MAX_REQUIREMENTS})
        problems.raise_if_any()
    lots = [n for n in known_lots if n]
    cleaned = []
    for i, row in enumerate(rows):
        at = f"requirements[{i}]."
        what = _("Requirement %(n)s") % {"n": i + 1}
        if not isinstance(row, Mapping):
            problems.add(f"requirements[{i}]", _("An object expected."),
                         _("%(what)s: each requirement is an object.") % {"what": what})
            continue
        raw_lot = row.get("lot_number")
        lot_number: int | None = None
        if raw_lot not in (None, "", 0, "0"):
            try:
                if isinstance(raw_lot, bool):
                    raise ValueError
                lot_number = int(str(raw_lot))
            except ValueError:
                lot_number = -1
            if lot_number not in lots:
                problems.add(f"{at}lot_number", _("No such lot."),
                             _("%(what)s: the notice has no lot %(n)s; leave the lot empty for "
                               "a requirement of every lot.") % {"what": what, "n": raw_lot})
        category = str(row.get("category") or "")
        if category not in RequirementCategory.values:
            problems.add(f"{at}category", _("Choose a category."),
                         _("%(what)s: choose exclusion ground, suitability, economic and "
                           "financial standing, or technical and professional ability.")
                         % {"what": what})
        espd_code = _text(problems, row, "espd_code", limit="espd_code", where=what,
                          field_name=f"{at}espd_code")
        if not ESPD_CODE_RE.match(espd_code):
            problems.add(f"{at}espd_code", _("Letters, digits, dots, colons and hyphens."),
                         _("%(what)s: the ESPD criterion is a code or UUID of the ESPD "
                           "criterion list.") % {"what": what})
        title = _text(problems, row, "title", limit="title", where=what,
                      field_name=f"{at}title", required=_("give the requirement."))
        description = _text(problems, row, "description", limit="description", where=what,
                            field_name=f"{at}description")
        documentation = _text(problems, row, "documentation", limit="documentation",
                              where=what, field_name=f"{at}documentation",
                              required=_("say what documentation the supplier gives."))
        cleaned.append(CleanRequirement(lot_number=lot_number, category=category,
                                        espd_code=espd_code, title=title,
                                        description=description, documentation=documentation))
    problems.raise_if_any()
    return cleaned


def terms_row(notice_id: int, lot: CleanLot) -> LotAwardTerms:
    return LotAwardTerms(notice_id=notice_id, lot_number=lot.lot_number, basis=lot.basis,
                         by_priority=lot.by_priority, climate_option=lot.climate_option,
                         climate_justification=lot.climate_justification)


def criterion_rows(notice_id: int, lot: CleanLot) -> list[AwardCriterion]:
    return [AwardCriterion(notice_id=notice_id, lot_number=lot.lot_number, position=i,
                           kind=c.kind, name=c.name, description=c.description,
                           weight=c.weight, priority=c.priority, method=c.method,
                           scale=c.scale, nok_per_point=c.nok_per_point,
                           sub_criteria=c.sub_criteria)
            for i, c in enumerate(lot.criteria, start=1)]
