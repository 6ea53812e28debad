"""Every read of audits that depends on who asks, and the rules of sharing and reliance.

Statuses for the callers (docs/architecture.md): an audit or plan the person may not see is
404 (its existence is not public); a person who sees it but may not do the action is 403.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization
from accounts.selectors import AnyUser, authorities_editable_by
from backend.errors import Forbidden, NotFound
from backend.formatting import format_day
from evaluation import permissions
from evaluation.audits.models import (
    ActionStatus,
    Audit,
    AuditReliance,
    AuditShare,
    AuditStatus,
    CorrectiveAction,
    Finding,
    RelianceRule,
)
from evaluation.ethics.models import FollowUpPlan, PlanStatus

# Reminders go this many days before a corrective action's deadline, and again when overdue.
REMIND_DAYS_BEFORE = 7

_PLAN_RELATED = ("contract__notice__buyer", "contract__supplier", "terms", "category")


def _plans() -> QuerySet[FollowUpPlan]:
    return FollowUpPlan.objects.select_related(*_PLAN_RELATED)


def _audits() -> QuerySet[Audit]:
    return Audit.objects.select_related(*(f"plan__{name}" for name in _PLAN_RELATED))


def oslo_today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now, timezone=timezone.get_default_timezone())


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def reliance_rule_for(on: datetime.date) -> RelianceRule | None:
    """The RelianceRule in force on the Oslo date `on` (the latest valid_from <= on, not yet
    past its valid_to): how old a shared audit may be for another authority to rely on it.
    The one place the limit is read (issue 14: "at most 3 years old")."""
    return (RelianceRule.objects.filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .order_by("-valid_from", "-pk").first())


def reliance_oldest(today: datetime.date) -> tuple[datetime.date | None, int | None]:
    """(the oldest completion date a plan may rely on today, the rule's years); (None, None)
    when no rule is in force (then nothing may be relied on)."""
    rule = reliance_rule_for(today)
    if rule is None:
        return None, None
    return years_before(today, rule.max_age_years), rule.max_age_years


# --- one object, by who asks -----------------------------------------------------------------


def plan_for_reader(*, user: AnyUser, plan_id: int) -> FollowUpPlan:
    plan = _plans().filter(pk=plan_id).first()
    if plan is None or not permissions.may_see_plan_audits(user, plan):
        raise NotFound(_("No such follow-up plan."))
    return plan


def plan_for_manager(*, user: AnyUser, plan_id: int) -> FollowUpPlan:
    plan = plan_for_reader(user=user, plan_id=plan_id)
    if not permissions.may_manage_audits(user, plan):
        raise Forbidden(_("Only the contracting authority's officers may do this."))
    return plan


def audit_for_reader(*, user: AnyUser, audit_id: int) -> Audit:
    audit = _audits().filter(pk=audit_id).first()
    if audit is None or not permissions.may_see_audit(user, audit):
        raise NotFound(_("No such audit."))
    return audit


def audit_for_manager(*, user: AnyUser, audit_id: int) -> Audit:
    audit = audit_for_reader(user=user, audit_id=audit_id)
    if not permissions.may_manage_audits(user, audit.plan):
        raise Forbidden(_("Only the contracting authority that made the audit may do this."))
    return audit


def finding_for_manager(*, user: AnyUser, finding_id: int) -> Finding:
    finding = Finding.objects.filter(pk=finding_id).first()
    if finding is None:
        raise NotFound(_("No such finding."))
    audit_for_manager(user=user, audit_id=finding.audit_id)
    return Finding.objects.select_related("audit__plan").get(pk=finding.pk)


def _action(user: AnyUser, action_id: int) -> tuple[CorrectiveAction, Audit]:
    action = CorrectiveAction.objects.select_related("finding").filter(pk=action_id).first()
    if action is None:
        raise NotFound(_("No such corrective action."))
    audit = _audits().get(pk=action.finding.audit_id)
    # Corrective actions are not shared: the plan's readers only.
    if not permissions.may_see_plan_audits(user, audit.plan):
        raise NotFound(_("No such corrective action."))
    return action, audit


def action_for_manager(*, user: AnyUser, action_id: int) -> tuple[CorrectiveAction, Audit]:
    action, audit = _action(user, action_id)
    if not permissions.may_manage_audits(user, audit.plan):
        raise Forbidden(_("Only the contracting authority may answer the supplier's plan."))
    return action, audit


def action_for_supplier(*, user: AnyUser, action_id: int) -> tuple[CorrectiveAction, Audit]:
    action, audit = _action(user, action_id)
    if not permissions.may_answer_corrective_action(user, audit):
        raise Forbidden(_("Only the supplier proposes the plan of a corrective action or "
                          "reports it done."))
    return action, audit


# --- what a page shows -----------------------------------------------------------------------


def is_overdue(action: CorrectiveAction, today: datetime.date) -> bool:
    """Past its deadline and still waiting for the supplier (a reported action waits for the
    buyer; whether it was reported late is `completion_late`)."""
    return (action.status not in (ActionStatus.CLOSED, ActionStatus.REPORTED)
            and action.deadline < today)


@dataclass
class AuditView:
    """One audit as the person asking sees it. A shared audit's recipient sees the audit
    and its findings; corrective actions, sanctions and the shares are the plan's own."""

    audit: Audit
    findings: list[Finding]
    actions: dict[int, list[CorrectiveAction]]
    sanctions: list[Any]
    shares: list[AuditShare]
    reliances: list[AuditReliance]
    full: bool
    may_manage: bool
    is_supplier: bool
    today: datetime.date
    eligible: list[Organization] = field(default_factory=list)


def audit_view(*, user: AnyUser, audit: Audit, now: datetime.datetime) -> AuditView:
    plan = audit.plan
    may_manage = permissions.may_manage_audits(user, plan)
    is_supplier = permissions.is_audited_supplier(user, plan)
    full = may_manage or is_supplier
    findings = list(audit.findings.select_related("recorded_by"))
    actions: dict[int, list[CorrectiveAction]] = {f.pk: [] for f in findings}
    if full:
        for action in CorrectiveAction.objects.filter(finding__audit=audit):
            actions[action.finding_id].append(action)
    for finding in findings:  # for the template
        finding.visible_actions = actions[finding.pk]  # type: ignore[attr-defined]
    return AuditView(
        audit=audit, findings=findings, actions=actions,
        sanctions=list(audit.sanctions.select_related("imposed_by")) if full else [],
        shares=list(audit.shares.select_related("organization", "shared_by")) if full else [],
        reliances=list(audit.reliances.select_related("plan__contract__notice__buyer"))
        if full else [],
        full=full, may_manage=may_manage, is_supplier=is_supplier, today=oslo_today(now),
        eligible=share_candidates(audit) if may_manage else [])


def plan_audits(plan: FollowUpPlan) -> list[Audit]:
    # The findings answer Audit.stage_label without a query per audit.
    return list(_audits().filter(plan=plan).prefetch_related("findings"))


def plan_reliances(plan: FollowUpPlan) -> list[AuditReliance]:
    return list(AuditReliance.objects.filter(plan=plan).select_related(
        "audit__plan__contract__notice__buyer", "relied_by"))


def share_candidates(audit: Audit) -> list[Organization]:
    """The authorities the audit may be shared with and is not yet: those holding an active
    follow-up plan with the same supplier in the same high-risk category."""
    plan = audit.plan
    owner = plan.contract.notice.buyer_id
    already = audit.shares.values("organization_id")
    ids = (FollowUpPlan.objects.filter(
        status=PlanStatus.ACTIVE, contract__supplier_id=plan.contract.supplier_id,
        category__code=plan.category.code).exclude(contract__notice__buyer_id=owner)
        .values("contract__notice__buyer_id"))
    return list(Organization.objects.filter(pk__in=ids).exclude(pk__in=already)
                .order_by("name"))


def reliance_refusal(audit: Audit, plan: FollowUpPlan, *, today: datetime.date) -> str:
    """Why `plan` may not rely on `audit`, in plain words; empty when it may."""
    buyer = plan.contract.notice.buyer_id
    if audit.plan_id == plan.pk:
        return _("This is the plan's own audit.")
    if not audit.shares.filter(organization_id=buyer).exists():
        return _("The audit has not been shared with your authority.")
    if audit.status != AuditStatus.COMPLETED or audit.completed_on is None:
        return _("Only a completed audit can be relied on.")
    if plan.status != PlanStatus.ACTIVE:
        return _("The follow-up plan is closed.")
    if audit.plan.contract.supplier_id != plan.contract.supplier_id:
        return _("The audit is of another supplier.")
    if audit.plan.category.code != plan.category.code:
        return _("The audit was made in another high-risk category.")
    if audit.plan.terms.key != plan.terms.key:
        return _("The audit was made under other ethical-trade terms.")
    oldest, years = reliance_oldest(today)
    if oldest is None or years is None:
        return _("No rule on relying on shared audits is in force on %(date)s.") % {
            "date": format_day(today)}
    if audit.completed_on < oldest:
        return _("The audit was completed on %(date)s, more than %(years)d years ago.") % {
            "date": format_day(audit.completed_on), "years": years}
    return ""


def reliable_audits(plan: FollowUpPlan, *, today: datetime.date) -> list[Audit]:
    """The audits shared with the plan's authority that the plan may rely on now."""
    buyer = plan.contract.notice.buyer_id
    oldest, _years = reliance_oldest(today)
    if oldest is None:
        return []
    candidates = _audits().filter(
        shares__organization_id=buyer, status=AuditStatus.COMPLETED,
        plan__contract__supplier_id=plan.contract.supplier_id,
        plan__category__code=plan.category.code, plan__terms__key=plan.terms.key,
        completed_on__gte=oldest,
    ).exclude(plan=plan).exclude(reliances__plan=plan).distinct()
    return list(candidates)


def shared_with_me(user: AnyUser) -> list[AuditShare]:
    """The audits shared with the authorities the person is an editor of."""
    if not user.is_authenticated:
        return []
    orgs = authorities_editable_by(user=user)
    return list(AuditShare.objects.filter(organization_id__in=orgs).select_related(
        "organization", "audit__plan__contract__supplier", "audit__plan__category",
        "audit__plan__contract__notice__buyer"))


def made_by_my_authorities(user: AnyUser) -> list[Audit]:
    """The audits of the follow-up plans of the authorities the person is an editor of (who
    may manage them: evaluation.permissions.may_manage_audits)."""
    if not user.is_authenticated:
        return []
    orgs = authorities_editable_by(user=user)
    return list(_audits().filter(plan__contract__notice__buyer_id__in=orgs)
                .prefetch_related("findings"))


def about_my_organisations(user: AnyUser) -> list[Audit]:
    """For a supplier: every audit of its contracts, with what is shared and published."""
    from accounts.models import SUPPLIER_ROLES

    if not user.is_authenticated:
        return []
    orgs = Membership.objects.filter(user=user, role__in=list(SUPPLIER_ROLES)).values(
        "organization_id")
    return list(_audits().filter(plan__contract__supplier_id__in=orgs)
                .prefetch_related("shares__organization", "findings"))


def published_summaries() -> list[Audit]:
    """Public: the audits whose owner published a summary (the summary only)."""
    return list(_audits().filter(published_at__isnull=False).order_by("-published_at"))


def actions_to_remind(*, today: datetime.date) -> list[tuple[CorrectiveAction, str]]:
    """Open corrective actions the supplier must still act on, with the reminder step:
    "due" within REMIND_DAYS_BEFORE days of the deadline, "overdue" after it."""
    waiting = (ActionStatus.REQUESTED, ActionStatus.REJECTED, ActionStatus.ACCEPTED)
    rows = CorrectiveAction.objects.filter(
        status__in=waiting, deadline__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
    ).select_related("finding__audit__plan__contract__notice",
                     "finding__audit__plan__contract__supplier")
    return [(a, "overdue" if a.deadline < today else "due") for a in rows]


def plan_section_context(request: Any, plan: FollowUpPlan) -> dict[str, Any]:
    """For the ethics plan page (evaluation/audits/_plan_section.html): the plan's audits,
    the shared audits it relies on and, for the buyer, those it could rely on."""
    from backend.clock import db_now

    user = request.user
    if not permissions.may_see_plan_audits(user, plan):
        return {"audits_visible": False}
    may_manage = permissions.may_manage_audits(user, plan)
    today = oslo_today(db_now())
    return {
        "audits_visible": True, "audits_plan": plan, "audits": plan_audits(plan),
        "audits_reliances": plan_reliances(plan), "audits_may_manage": may_manage,
        "audits_reliable": reliable_audits(plan, today=today) if may_manage else [],
    }
