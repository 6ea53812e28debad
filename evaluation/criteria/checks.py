"""What publishing (and the preview, and a change notice) checks of the evaluation model.

`publish_problems` is registered with notices.rules.publish_checks in EvaluationConfig.ready(),
so the preview and notice_publish list the same plain-word problems; the change-notice service
runs `model_problems` against the original publication date.

Climate and environment (FOA § 7-9): decided by the ClimateRule row in force on the
publication date, for competition notices whose estimated value is at least the row's
`min_value`. Each lot carries a declaration (a quality-nor-env-* code the row allows):
- award criteria: the climate and environment criteria weigh at least `min_weight` % together,
  or, where criteria are ranked, one of them is among the `top_priorities` most important; in
  priced quality (no weights) the justification says why the model gives them that weight
  (DFØ's guidance on § 7-9 and priced quality);
- requirements in the specification, or an exemption: with the justification the row asks for.

The check applies to a notice that states an evaluation model; a notice without one (award
criteria only in the tender documents) has nothing here to check.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.criteria.models import ClimateOptionMeans, ClimateRule, CriterionKind, ScoringMethod
from evaluation.criteria.selectors import (
    climate_label,
    climate_option_any,
    climate_option_of,
    climate_rule_on,
    has_model,
    lot_numbers_of,
    model_of,
)
from evaluation.criteria.validation import lot_label, percent
from notices.models import Notice, NoticeKind
from notices.rules.checks import nok

# Notices that open a competition (and so carry award criteria and the § 7-9 declaration).
COMPETITION_KINDS = {NoticeKind.CONTRACT, NoticeKind.NATIONAL, NoticeKind.VOLUNTARY}


def publish_problems(notice: Notice, at: datetime) -> list[str]:
    """The publish check: problems of the evaluation model of a notice published at `at`."""
    if not has_model(notice):
        return []
    return model_problems(notice, model_of(notice), published_at=at)


def model_problems(notice: Notice, model: dict[str, Any], *,
                   published_at: datetime) -> list[str]:
    """Completeness (every lot has criteria, none for a lot the notice lacks) and the climate
    and environment rule in force on the publication date."""
    problems: list[str] = []
    numbers = lot_numbers_of(notice)
    lots = {lot["lot_number"]: lot for lot in model.get("lots") or []}
    for number in sorted(set(lots) - set(numbers)):
        problems.append(_("Award criteria are set for lot %(n)s, which the notice does not have; "
                          "remove them in the evaluation model.") % {"n": number})
    for req in model.get("requirements") or []:
        number = req.get("lot_number")
        if number is not None and number not in numbers:
            problems.append(_("The requirement “%(title)s” is for lot %(n)s, which the notice "
                              "does not have.") % {"title": req.get("title", ""), "n": number})
    for number in numbers:
        lot = lots.get(number)
        if lot is None or not lot.get("criteria"):
            problems.append(_("%(lot)s has no award criteria; set them in the evaluation model.")
                            % {"lot": lot_label(number)})
    if notice.kind not in COMPETITION_KINDS:
        return problems
    day = timezone.localdate(published_at)
    rule = climate_rule_on(day)
    if rule is None:
        problems.append(_("No climate and environment rule (FOA § 7-9) is recorded for "
                          "%(date)s; ask platform staff to add it.") % {"date": day.isoformat()})
        return problems
    value = notice.estimated_value
    if value is not None and value < rule.min_value:
        return problems
    for number in numbers:
        lot = lots.get(number)
        if lot is not None and lot.get("criteria"):
            problems.extend(climate_problems(lot, rule=rule, on=day.isoformat()))
    return problems


def climate_problems(lot: dict[str, Any], *, rule: ClimateRule, on: str) -> list[str]:
    """The problems of one lot (canonical form) under the climate rule in force on `on`."""
    where = lot_label(int(lot.get("lot_number") or 0))
    code = str(lot.get("climate_option") or "")
    allowed = ", ".join(f"“{climate_label(o, str(o.get('code')))}”" for o in rule.options)
    if not code:
        return [_("%(lot)s: say how the procurement meets the climate and environment rule "
                  "(FOA § 7-9): climate and environment as award criteria, as requirements in "
                  "the specification, or an exemption (%(options)s).")
                % {"lot": where, "options": allowed}]
    option = climate_option_of(rule, code)
    if option is None:
        return [_("%(lot)s: “%(option)s” is not a declaration of the climate and environment "
                  "rule in force on %(date)s (%(source)s); choose one of %(options)s.")
                % {"lot": where, "option": climate_label(climate_option_any(code), code),
                   "date": on, "source": rule.source, "options": allowed}]
    label = climate_label(option, code)
    justification = str(lot.get("climate_justification") or "").strip()
    criteria = lot.get("criteria") or []
    climate = [c for c in criteria if c.get("kind") == CriterionKind.CLIMATE]
    problems: list[str] = []
    if option.get("means") == ClimateOptionMeans.CRITERIA:
        priced = any(c.get("method") == ScoringMethod.PRICED_QUALITY for c in criteria)
        if not climate:
            problems.append(_("%(lot)s: the declaration says climate and environment are award "
                              "criteria, but no criterion has the type climate and "
                              "environment.") % {"lot": where})
        elif priced:
            if not justification:
                problems.append(_("%(lot)s: with priced quality the weights are not stated; "
                                  "justify why the NOK value of the climate and environment "
                                  "points gives them at least %(min)s weight (FOA § 7-9).")
                                % {"lot": where, "min": percent(rule.min_weight)})
        elif lot.get("ranking") == "priority":
            best = min(int(c.get("priority") or 10**6) for c in climate)
            if best > rule.top_priorities:
                problems.append(_("%(lot)s: climate and environment must be among the "
                                  "%(top)s most important criteria (now priority %(p)s), or be "
                                  "replaced by requirements in the specification with a "
                                  "justification (FOA § 7-9, rule of %(date)s).")
                                % {"lot": where, "top": rule.top_priorities, "p": best,
                                   "date": on})
        else:
            weight = sum((Decimal(str(c.get("weight") or 0)) for c in climate), Decimal(0))
            if weight < rule.min_weight:
                problems.append(_("%(lot)s: climate and environment criteria weigh %(w)s; the "
                                  "rule in force on %(date)s needs at least %(min)s "
                                  "(FOA § 7-9).")
                                % {"lot": where, "w": percent(weight), "date": on,
                                   "min": percent(rule.min_weight)})
    if option.get("justification") and not justification:
        problems.append(_("%(lot)s: “%(option)s” needs a justification in the notice (FOA "
                          "§ 7-9); write it in the climate and environment justification.")
                        % {"lot": where, "option": label})
    return problems


def applies_to(notice: Notice, *, on: datetime) -> tuple[ClimateRule | None, bool]:
    """The rule in force on the date, and whether it applies to this notice's value and kind."""
    rule = climate_rule_on(timezone.localdate(on))
    if rule is None or notice.kind not in COMPETITION_KINDS:
        return rule, False
    value = notice.estimated_value
    return rule, value is None or value >= rule.min_value


def threshold_text(rule: ClimateRule) -> str:
    return nok(rule.min_value)
