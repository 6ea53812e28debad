"""Derive the regime and check a notice against the rules, in plain words.

The numbers come from the Threshold and DeadlineRule tables, valid on the given date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from notices.models import (
    ContractType,
    DeadlineRule,
    Notice,
    NoticeKind,
    ProcedureType,
    Regime,
    Threshold,
)
from notices.rules.models import ThresholdKind


def nok(amount: Decimal | int) -> str:
    """NOK 1,300,000 in English, NOK 1 300 000 in Norwegian: thousands separated, no decimals."""
    text = f"{int(amount):,}"
    if (get_language() or "").startswith("nb"):
        text = text.replace(",", "\u00a0")
    return f"NOK {text}"


@dataclass(frozen=True)
class RegimeResult:
    regime: Regime
    floor: Decimal
    national: Decimal
    eea: Decimal

    def explain(self, value: Decimal) -> str:
        if self.regime == Regime.BELOW:
            return _("%(value)s is below %(floor)s: no duty to announce.") % {
                "value": nok(value), "floor": nok(self.floor)}
        if self.regime == Regime.PART_I:
            return _("%(value)s is below the national threshold of %(national)s: Part I.") % {
                "value": nok(value), "national": nok(self.national)}
        if self.regime == Regime.PART_II:
            return _("%(value)s is below the EEA threshold of %(eea)s: Part II, national "
                     "notice.") % {"value": nok(value), "eea": nok(self.eea)}
        return _("%(value)s is at or above the EEA threshold of %(eea)s: Part III, EEA "
                 "notice.") % {"value": nok(value), "eea": nok(self.eea)}


class RulesMissing(LookupError):
    pass


def _valid_on(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def threshold(kind: str, *, buyer_type: str, category: str, on: date) -> Decimal:
    """The most specific threshold row valid on the date (exact match beats "any")."""
    rows = (Threshold.objects.filter(_valid_on(on), kind=kind)
            .filter(Q(buyer_type=buyer_type) | Q(buyer_type=""))
            .filter(Q(category=category) | Q(category="")))
    best = sorted(rows, key=lambda r: (r.buyer_type == "", r.category == "",
                                       -r.valid_from.toordinal()))
    if not best:
        raise RulesMissing(f"no {kind} threshold for {buyer_type}/{category} on {on}")
    return best[0].amount


def regime_for(*, value: Decimal, buyer_type: str, contract_type: str, on: date) -> RegimeResult:
    """Which part of the regulation applies. At the threshold counts as above it."""
    category = ContractType(contract_type).category
    floor = threshold(ThresholdKind.PROTOCOL_FLOOR, buyer_type=buyer_type, category=category, on=on)
    national = threshold(ThresholdKind.NATIONAL, buyer_type=buyer_type, category=category, on=on)
    eea = threshold(ThresholdKind.EEA, buyer_type=buyer_type, category=category, on=on)
    if value < floor:
        regime = Regime.BELOW
    elif value < national:
        regime = Regime.PART_I
    elif value < eea:
        regime = Regime.PART_II
    else:
        regime = Regime.PART_III
    return RegimeResult(regime=regime, floor=floor, national=national, eea=eea)


# Which notice kinds fit which regime. Part I and below may still announce voluntarily.
KIND_REGIMES: dict[str, set[str]] = {
    NoticeKind.PIN: {Regime.PART_II, Regime.PART_III},
    NoticeKind.CONTRACT: {Regime.PART_III},
    NoticeKind.NATIONAL: {Regime.PART_II, Regime.PART_I, Regime.BELOW},
    NoticeKind.VOLUNTARY: {Regime.PART_I, Regime.BELOW},
    NoticeKind.AWARD: {Regime.PART_I, Regime.PART_II, Regime.PART_III, Regime.BELOW},
    NoticeKind.VEAT: {Regime.PART_III},
}
SUGGESTED_KIND = {
    Regime.BELOW: NoticeKind.VOLUNTARY,
    Regime.PART_I: NoticeKind.VOLUNTARY,
    Regime.PART_II: NoticeKind.NATIONAL,
    Regime.PART_III: NoticeKind.CONTRACT,
}
# Kinds that open a competition, and so need deadlines.
COMPETITION_KINDS = {NoticeKind.CONTRACT, NoticeKind.NATIONAL, NoticeKind.VOLUNTARY}


def deadline_rule(*, regime: str, procedure_type: str, on: date) -> DeadlineRule | None:
    phase = ProcedureType(procedure_type).deadline_phase
    return (DeadlineRule.objects.filter(_valid_on(on), regime=regime,
                                        procedure_type=procedure_type, phase=phase)
            .order_by("-valid_from").first())


def _days_between(start: datetime, end: datetime) -> int:
    """Whole days from publication to the deadline, as the regulation counts them."""
    return math.floor((end - start).total_seconds() / 86400)


def _local(dt: datetime) -> str:
    return date_format(timezone.localtime(dt), "DATETIME_FORMAT")


def check_publishable(notice: Notice, *, at: datetime,
                      published_at: datetime | None = None) -> list[str]:
    """Everything that stops this notice from being published at `at`, in plain words.

    `published_at` is the original publication time when checking a change notice, because
    minimum periods run from the first publication.
    """
    problems: list[str] = []
    start = published_at or at
    on = timezone.localdate(start)
    if not notice.title.strip():
        problems.append(_("The notice needs a title."))
    if not notice.description.strip():
        problems.append(_("Describe what is being bought."))
    if not notice.cpv_main:
        problems.append(_("Choose a main CPV code."))
    if not notice.nuts:
        problems.append(_("Choose the place of performance (NUTS region)."))
    if notice.kind != NoticeKind.PIN and notice.estimated_value is None:
        problems.append(_("Give the estimated value: it decides which rules apply."))

    if notice.estimated_value is not None and notice.buyer.buyer_type:
        try:
            result = regime_for(value=notice.estimated_value,
                                buyer_type=notice.buyer.buyer_type,
                                contract_type=notice.contract_type, on=on)
        except RulesMissing:
            problems.append(_("No thresholds are recorded for %(date)s; ask platform staff to "
                              "add them.") % {"date": on.isoformat()})
            return problems
        allowed = KIND_REGIMES[notice.kind]
        if result.regime not in allowed:
            # Labels keep their case: "Part II" must not become "part ii".
            problems.append(_("The notice type “%(kind)s” does not fit this procurement: "
                              "%(why)s Publish it as “%(suggested)s” instead.") % {
                "kind": NoticeKind(notice.kind).label,
                "why": result.explain(notice.estimated_value),
                "suggested": NoticeKind(SUGGESTED_KIND[Regime(result.regime)]).label})
        regime: str = result.regime
    else:
        regime = ""

    lot_total = sum((lot.estimated_value or Decimal(0)) for lot in notice.lots.all())
    if notice.estimated_value is not None and lot_total > notice.estimated_value:
        problems.append(_("The lots add up to %(lots)s, more than the estimated value of "
                          "%(total)s.") % {"lots": nok(lot_total),
                                           "total": nok(notice.estimated_value)})

    if notice.kind in COMPETITION_KINDS:
        problems.extend(_check_deadlines(notice, at=at, start=start, regime=regime, on=on))
    return problems


def _check_deadlines(notice: Notice, *, at: datetime, start: datetime, regime: str,
                     on: date) -> list[str]:
    problems: list[str] = []
    deadline = notice.submission_deadline
    if not notice.procedure_type:
        problems.append(_("Choose the procedure."))
    if deadline is None:
        problems.append(_("Set the deadline for tenders."))
        return problems
    if deadline <= at:
        problems.append(_("The deadline for tenders (%(deadline)s) has already passed.")
                        % {"deadline": _local(deadline)})
    question = notice.question_deadline
    if question is not None and question >= deadline:
        problems.append(_("The deadline for questions (%(q)s) must come before the deadline "
                          "for tenders (%(d)s).") % {"q": _local(question), "d": _local(deadline)})
    if not notice.procedure_type or not regime:
        return problems
    rule = deadline_rule(regime=regime, procedure_type=notice.procedure_type, on=on)
    if rule is None:
        return problems
    days = _days_between(start, deadline)
    minimum = rule.days
    if notice.accelerated and rule.reduced_days is not None:
        minimum = rule.reduced_days
        if not notice.accelerated_reason.strip():
            problems.append(_("Explain why the deadline is shortened (a prior information "
                              "notice, or urgency that you can document)."))
    if days < minimum:
        problems.append(_("The deadline for %(phase)s is %(days)s days after publication; "
                          "%(procedure)s above the EEA threshold needs at least %(min)s days "
                          "(%(source)s).") % {
            "phase": rule.get_phase_display(), "days": days,
            "procedure": ProcedureType(notice.procedure_type).label.lower(),
            "min": minimum, "source": rule.source})
    return problems
