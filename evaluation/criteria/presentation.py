"""The evaluation model as people read it: per lot, for the notice page, the workspace and the
change history. Built from the canonical model (evaluation.criteria.selectors.model_of or a
published snapshot), so a published page shows exactly what was frozen."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluation.criteria.models import (
    AwardBasis,
    CriterionKind,
    RequirementCategory,
    ScoringMethod,
)
from evaluation.criteria.selectors import climate_label, climate_option_any, requirements_for
from evaluation.criteria.validation import percent
from notices.models import Notice
from notices.rules.checks import nok


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


@dataclass
class CriterionView:
    position: int
    kind: str
    kind_label: str
    name: str
    description: str
    method: str
    method_label: str
    weight: str
    priority: int | None
    scale: str
    nok_per_point: str
    sub_criteria: list[dict[str, str]]


@dataclass
class RequirementView:
    category_label: str
    title: str
    description: str
    documentation: str
    espd_code: str
    lot_number: int | None


@dataclass
class LotView:
    lot_number: int
    title: str
    basis: str
    basis_label: str
    ranking: str
    criteria: list[CriterionView] = field(default_factory=list)
    requirements: list[RequirementView] = field(default_factory=list)
    climate_code: str = ""
    climate_label: str = ""
    climate_justification: str = ""

    @property
    def own_requirements(self) -> list[RequirementView]:
        """The requirements of this lot alone (those of every lot are shown once)."""
        return [r for r in self.requirements if r.lot_number is not None]

    @property
    def priced_quality(self) -> bool:
        return any(c.method == ScoringMethod.PRICED_QUALITY for c in self.criteria)


def criterion_view(item: dict[str, Any]) -> CriterionView:
    nok_value = item.get("nok_per_point")
    return CriterionView(
        position=int(item.get("position") or 0), kind=str(item.get("kind", "")),
        kind_label=_label(CriterionKind, str(item.get("kind", ""))),
        name=str(item.get("name", "")), description=str(item.get("description", "")),
        method=str(item.get("method", "")),
        method_label=_label(ScoringMethod, str(item.get("method", ""))),
        weight=percent(item.get("weight")), priority=item.get("priority"),
        scale=str(item.get("scale", "")),
        nok_per_point=nok(Decimal(str(nok_value))) if nok_value not in (None, "") else "",
        sub_criteria=[{"name": str(s.get("name", "")),
                       "description": str(s.get("description", "")),
                       "weight": percent(s.get("weight"))}
                      for s in item.get("sub_criteria") or []])


def requirement_view(item: dict[str, Any]) -> RequirementView:
    return RequirementView(
        category_label=_label(RequirementCategory, str(item.get("category", ""))),
        title=str(item.get("title", "")), description=str(item.get("description", "")),
        documentation=str(item.get("documentation", "")),
        espd_code=str(item.get("espd_code", "")), lot_number=item.get("lot_number"))


def lot_views(notice: Notice, model: dict[str, Any]) -> list[LotView]:
    """One view per lot of the notice that has a model (and any lot number the model has that
    the notice no longer has, so a draft's stale rows stay visible)."""
    titles = {lot.number: lot.title for lot in notice.lots.all()}
    views = []
    for lot in model.get("lots") or []:
        number = int(lot.get("lot_number") or 0)
        code = str(lot.get("climate_option") or "")
        views.append(LotView(
            lot_number=number,
            title=titles.get(number, "") if number else notice.title,
            basis=str(lot.get("basis", "")),
            basis_label=_label(AwardBasis, str(lot.get("basis", ""))),
            ranking=str(lot.get("ranking", "weights")),
            criteria=[criterion_view(c) for c in lot.get("criteria") or []],
            requirements=[requirement_view(r) for r in requirements_for(model, number)],
            climate_code=code,
            climate_label=climate_label(climate_option_any(code), code) if code else "",
            climate_justification=str(lot.get("climate_justification", ""))))
    return views


def general_requirements(model: dict[str, Any]) -> list[RequirementView]:
    """Requirements that apply to every lot."""
    return [requirement_view(r) for r in model.get("requirements") or []
            if r.get("lot_number") is None]


def model_summary(value: Any) -> str:
    """One line per lot for the change history: the criteria with weight or priority, the
    climate declaration, and the number of requirements."""
    if not isinstance(value, dict):
        return "—"
    parts = []
    for lot in value.get("lots") or []:
        number = int(lot.get("lot_number") or 0)
        criteria = []
        for c in lot.get("criteria") or []:
            amount = (percent(c.get("weight")) if c.get("weight") else
                      f"#{c.get('priority')}" if c.get("priority") else
                      (nok(Decimal(str(c["nok_per_point"]))) + "/p" if c.get("nok_per_point")
                       else ""))
            criteria.append(f"{c.get('name', '')} {amount}".strip())
        head = _("Lot %(n)s") % {"n": number} if number else _("Award criteria")
        line = f"{head}: {', '.join(criteria)}"
        if lot.get("climate_option"):
            line += f" [{lot['climate_option']}]"
        parts.append(line)
    requirements = value.get("requirements") or []
    if requirements:
        parts.append(ngettext("%(n)s requirement", "%(n)s requirements", len(requirements))
                     % {"n": len(requirements)})
    return "; ".join(parts) or "—"
