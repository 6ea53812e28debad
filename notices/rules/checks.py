"""Derive the regime and check a notice against the rules, in plain words.

The numbers come from the Threshold and DeadlineRule tables, valid on the given date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from backend.formatting import format_number, format_oslo
from notices.models import (
    ContractType,
    DeadlineRule,
    Notice,
    NoticeKind,
    ProcedureType,
    Regime,
    Threshold,
)
from notices.rules import publish_checks
from notices.rules.models import DeadlinePhase, LateChangeRule, ThresholdKind


def nok(amount: Decimal | int) -> str:
    """NOK 1,300,000 in English, NOK 1 300 000 in Norwegian: thousands separated, no decimals."""
    return f"NOK {format_number(int(amount))}"


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


def suggested_kind(kind: str, result: RegimeResult) -> str | None:
    """The notice type to publish as instead, when `kind` does not fit the regime."""
    if result.regime in KIND_REGIMES[kind]:
        return None
    return str(SUGGESTED_KIND[Regime(result.regime)])


def kind_suggestion(notice: Notice, *, at: datetime) -> str | None:
    """The type the preview offers to convert a draft to, if its own does not fit (None when
    it fits or the regime cannot be told yet)."""
    if notice.estimated_value is None or not notice.buyer.buyer_type or not notice.contract_type:
        return None
    try:
        result = regime_for(value=notice.estimated_value, buyer_type=notice.buyer.buyer_type,
                            contract_type=notice.contract_type, on=timezone.localdate(at))
    except (RulesMissing, ValueError):
        return None
    return suggested_kind(notice.kind, result)


def deadline_rule(*, regime: str, procedure_type: str, phase: str,
                  on: date) -> DeadlineRule | None:
    """The minimum period for one phase (requests or tenders) valid on the date, if any.

    Part II sets no minimum periods (only reasonable ones), so its rows exist only where
    staff add them.
    """
    return (DeadlineRule.objects.filter(_valid_on(on), regime=regime,
                                        procedure_type=procedure_type, phase=phase)
            .order_by("-valid_from").first())


def late_change_rule(*, regime: str, on: date) -> LateChangeRule | None:
    """The late-change period valid on the date: the regime's own row beats the "any" row."""
    rows = LateChangeRule.objects.filter(_valid_on(on)).filter(Q(regime=regime) | Q(regime=""))
    best = sorted(rows, key=lambda r: (r.regime == "", -r.valid_from.toordinal()))
    return best[0] if best else None


# The seeded late-change rows' sources (notices/migrations/0005_late_change_rule), so that a
# warning in bokmål quotes them in bokmål; a row staff add in the admin reads as written.
SEEDED_LATE_CHANGE_SOURCES = (
    gettext_noop("FOA ch. 20; directive 2014/24/EU art. 47 (3) a"),
    gettext_noop("guidance: Parts I and II set no period; LOA § 4 equal treatment"),
)


@dataclass(frozen=True)
class LatePeriod:
    days: int
    source: str


def late_change(notice: Notice, *, at: datetime) -> LatePeriod | None:
    """The late-change period a change or a published answer at `at` falls within, if any.

    The rule is the one valid on the day of the change, for the regime the notice was
    published under; a shortened (accelerated) procedure uses the rule's reduced days.
    """
    deadline = notice.submission_deadline
    if deadline is None:
        return None
    rule = late_change_rule(regime=notice.regime, on=timezone.localdate(at))
    if rule is None:
        return None
    days = rule.days
    if notice.accelerated and rule.reduced_days is not None:
        days = rule.reduced_days
    # After the deadline nothing is "late": the deadline can no longer be extended for it.
    if deadline - at >= timedelta(days=days) or at >= deadline:
        return None
    return LatePeriod(days=days, source=gettext(rule.source))


def _days_between(start: datetime, end: datetime) -> int:
    """Whole days between two moments (publication or the requests, and a deadline), as the
    regulation counts them."""
    return math.floor((end - start).total_seconds() / 86400)


def _local(dt: datetime) -> str:
    return format_oslo(dt, "locale")


def notice_publish_problems(notice: Notice, *, at: datetime) -> list[str]:
    """Everything that stops this draft from being published at `at`, in plain words.

    The rules below plus the checks other apps register (bids: every committee member has
    enrolled a key). The officer's preview and notice_publish both call this, so the preview
    never says "ready" for a notice that publishing refuses.
    """
    return check_publishable(notice, at=at) + publish_checks.run(notice, at)


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
        suggested = suggested_kind(notice.kind, result)
        if suggested is not None:
            # Labels keep their case: "Part II" must not become "part ii".
            problems.append(_("The notice type “%(kind)s” does not fit this procurement: "
                              "%(why)s Publish it as “%(suggested)s” instead.") % {
                "kind": NoticeKind(notice.kind).label,
                "why": result.explain(notice.estimated_value),
                "suggested": NoticeKind(suggested).label})
        regime: str = result.regime
    else:
        regime = ""

    lot_total = sum((lot.estimated_value or Decimal(0)) for lot in notice.lots.all())
    if notice.estimated_value is not None and lot_total > notice.estimated_value:
        problems.append(_("The lots add up to %(lots)s, more than the estimated value of "
                          "%(total)s.") % {"lots": nok(lot_total),
                                           "total": nok(notice.estimated_value)})

    if notice.kind in COMPETITION_KINDS:
        problems.extend(_check_deadlines(notice, at=at, start=start, regime=regime, on=on,
                                         changing=published_at is not None))
    # What the notice's eForms export needs from its data (English texts for TED, contract
    # terms, the buyer's contact details, a CPV code that fits the contract type).
    from notices.exports.eforms_checks import eforms_problems

    problems.extend(eforms_problems(notice, regime=regime, at=start))
    return problems


def is_two_stage(procedure_type: str) -> bool:
    """Procedures that take requests to participate before tenders."""
    return (bool(procedure_type)
            and ProcedureType(procedure_type).deadline_phase == DeadlinePhase.REQUEST)


def _check_deadlines(notice: Notice, *, at: datetime, start: datetime, regime: str,
                     on: date, changing: bool = False) -> list[str]:
    problems: list[str] = []
    deadline = notice.submission_deadline
    request = notice.request_deadline
    two_stage = is_two_stage(notice.procedure_type)
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
    if two_stage:
        if request is None:
            problems.append(_("Set the deadline for requests to participate: the %(procedure)s "
                              "first takes requests, then tenders from those invited.")
                            % {"procedure": ProcedureType(notice.procedure_type).label.lower()})
        elif request >= deadline:
            problems.append(_("The deadline for requests to participate (%(r)s) must come "
                              "before the deadline for tenders (%(d)s).")
                            % {"r": _local(request), "d": _local(deadline)})
        elif request <= at and not changing:
            # A change notice after the requests are in (say, a longer tender deadline) is
            # normal; only a first publication must leave time for requests.
            problems.append(_("The deadline for requests to participate (%(r)s) has already "
                              "passed.") % {"r": _local(request)})
    elif request is not None and notice.procedure_type:
        problems.append(_("The %(procedure)s takes no requests to participate; clear the deadline "
                          "for requests.")
                        % {"procedure": ProcedureType(notice.procedure_type).label.lower()})
    if not notice.procedure_type or not regime:
        return problems
    return problems + _check_minimum_periods(notice, start=start, regime=regime, on=on)


def _check_minimum_periods(notice: Notice, *, start: datetime, regime: str,
                           on: date) -> list[str]:
    """Each phase against its own dated rule (DeadlineRule), valid on the publication date.

    One-stage procedures: tenders, counted from publication. Two-stage procedures: requests,
    counted from publication, then tenders, counted from the invitation to tender. The
    invitation cannot go out before the requests are in, so a tender deadline closer to the
    request deadline than the minimum is too short whenever the invitations are sent.
    """
    problems: list[str] = []
    procedure = ProcedureType(notice.procedure_type)
    deadline, request = notice.submission_deadline, notice.request_deadline
    assert deadline is not None
    # (phase, counted from, deadline, counted from publication?)
    phases: list[tuple[str, datetime, datetime, bool]]
    if is_two_stage(procedure):
        if request is None or request >= deadline:
            return problems  # already reported
        phases = [(DeadlinePhase.REQUEST, start, request, True),
                  (DeadlinePhase.TENDER, request, deadline, False)]
    else:
        phases = [(DeadlinePhase.TENDER, start, deadline, True)]
    needs_reason = False
    for phase, begin, end, from_publication in phases:
        rule = deadline_rule(regime=regime, procedure_type=procedure, phase=phase, on=on)
        if rule is None:
            continue
        minimum = rule.days
        if notice.accelerated and rule.reduced_days is not None:
            minimum = rule.reduced_days
            needs_reason = True
        days = _days_between(begin, end)
        if days >= minimum:
            continue
        values = {"days": days, "procedure": procedure.label.lower(),
                  "regime": Regime(regime).label, "min": minimum, "source": rule.source}
        if from_publication:
            problems.append(_("The deadline for %(phase)s is %(days)s days after publication; "
                              "%(procedure)s under %(regime)s needs at least %(min)s days "
                              "(%(source)s).") % {"phase": rule.get_phase_display(), **values})
        else:
            problems.append(_("The deadline for tenders is %(days)s days after the deadline for "
                              "requests to participate; %(procedure)s under %(regime)s needs "
                              "at least %(min)s days for tenders, counted from the invitation "
                              "to tender (%(source)s).") % values)
    if needs_reason and not notice.accelerated_reason.strip():
        problems.insert(0, _("Explain why the deadline is shortened (a prior information "
                             "notice, or urgency that you can document)."))
    return problems
