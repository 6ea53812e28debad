"""The owner of the follow-up's statuses: the plan (active -> closed) and the supplier's
self-report (draft -> submitted -> accepted, or -> returned -> submitted again). Every writer
of FollowUpPlan.status or SelfReport.status calls `plan_flip` or `report_flip`; each writes
exactly one FollowUpEvent, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from backend.transitions import swap_status
from evaluation.ethics.models import (
    FollowUpEvent,
    FollowUpEventKind,
    FollowUpPlan,
    PlanStatus,
    ReportStatus,
    SelfReport,
)

PLAN_ALLOWED = {(PlanStatus.ACTIVE, PlanStatus.CLOSED)}
PLAN_EVENT_OF = {(PlanStatus.ACTIVE, PlanStatus.CLOSED): FollowUpEventKind.PLAN_CLOSED}

REPORT_ALLOWED = {
    (ReportStatus.DRAFT, ReportStatus.SUBMITTED),
    (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED),
    # The buyer asks for more: back to the supplier with a reason, then submitted again.
    (ReportStatus.SUBMITTED, ReportStatus.RETURNED),
    (ReportStatus.RETURNED, ReportStatus.SUBMITTED),
}
# Keyed by (old, new): both reviews are one legal step (the buyer's review) with an outcome.
REPORT_EVENT_OF = {
    (ReportStatus.DRAFT, ReportStatus.SUBMITTED): FollowUpEventKind.SELF_REPORT_SUBMITTED,
    (ReportStatus.RETURNED, ReportStatus.SUBMITTED): FollowUpEventKind.SELF_REPORT_SUBMITTED,
    (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED): FollowUpEventKind.SELF_REPORT_REVIEWED,
    (ReportStatus.SUBMITTED, ReportStatus.RETURNED): FollowUpEventKind.SELF_REPORT_REVIEWED,
}


@transaction.atomic
def plan_flip(plan: FollowUpPlan, old: str, new: str, *, by: User | None, at: datetime,
              data: dict[str, Any] | None = None, **fields: Any) -> FollowUpEvent:
    swap_status(FollowUpPlan, pk=plan.pk, old=old, new=new, allowed=PLAN_ALLOWED, **fields,
                conflict=_("The follow-up plan is no longer %(status)s; reload the page.")
                % {"status": PlanStatus(old).label.lower()})
    event = FollowUpEvent.objects.create(
        plan=plan, kind=PLAN_EVENT_OF[(PlanStatus(old), PlanStatus(new))], by=by, at=at,
        data={"from": old, "to": new, **(data or {})})
    plan.status = new
    for name, value in fields.items():
        setattr(plan, name, value)
    return event


@transaction.atomic
def report_flip(report: SelfReport, old: str, new: str, *, by: User | None, at: datetime,
                data: dict[str, Any] | None = None, **fields: Any) -> FollowUpEvent:
    swap_status(SelfReport, pk=report.pk, old=old, new=new, allowed=REPORT_ALLOWED, **fields,
                conflict=_("The self-report is no longer %(status)s; reload the page.")
                % {"status": ReportStatus(old).label.lower()})
    event = FollowUpEvent.objects.create(
        plan_id=report.plan_id, kind=REPORT_EVENT_OF[(ReportStatus(old), ReportStatus(new))],
        by=by, at=at, data={"from": old, "to": new, "report": report.pk, **(data or {})})
    report.status = new
    for name, value in fields.items():
        setattr(report, name, value)
    return event
