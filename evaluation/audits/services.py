"""Every write of the audits: plan, complete or cancel an audit; findings; corrective actions
(required by the buyer, proposed by the supplier, accepted or rejected; reported done by the
supplier and the report accepted or returned by the buyer, or closed by the buyer with a
note); sanctions;
sharing with another authority; publishing a summary; relying on a shared audit.

Each service runs in one transaction, locks the row it decides on, reads the database clock
(backend/clock.py) for anything that depends on the date, and writes one FollowUpEvent (who,
when, why). People are told after commit (evaluation/audits/notifications.py).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict
from evaluation.audits import selectors
from evaluation.audits.models import (
    ActionStatus,
    Audit,
    AuditEventKind,
    AuditPerformer,
    AuditReliance,
    AuditShare,
    AuditStatus,
    ClosedVia,
    CorrectiveAction,
    Finding,
    Sanction,
    SanctionKind,
)
from evaluation.audits.transitions import action_flip, audit_flip
from evaluation.ethics.models import FollowUpEvent, FollowUpPlan, PlanStatus

logger = logging.getLogger(__name__)


def _required(value: str | None, name: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ApplicationError(message, fields={name: [message]})
    return text


def _event(plan_id: int, kind: str, *, by: User | None, at: datetime.datetime,
           data: dict[str, Any]) -> FollowUpEvent:
    return FollowUpEvent.objects.create(plan_id=plan_id, kind=kind, by=by, at=at, data=data)


def _announce(event: FollowUpEvent) -> None:
    """After commit: the task that tells whoever the event concerns. A failure to queue is
    logged, never raised (the event is committed; the periodic reminders still run)."""
    from evaluation.audits import tasks

    event_id = event.pk

    def send() -> None:
        try:
            tasks.notify_audit_event.delay(event_id)
        except Exception:
            logger.exception("notifying about follow-up event %s failed", event_id)

    transaction.on_commit(send)


def _lock_audit(audit: Audit) -> Audit:
    return Audit.objects.select_for_update().get(pk=audit.pk)


def _open_plan(plan: FollowUpPlan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise Conflict(_("The follow-up plan is closed."))


# --- the audit ---------------------------------------------------------------------------------


@transaction.atomic
def audit_plan(*, plan: FollowUpPlan, by: User, kind: str, performed_by: str,
               planned_on: datetime.date, purpose: str, auditor_name: str = "",
               now: datetime.datetime | None = None) -> Audit:
    plan = FollowUpPlan.objects.select_for_update().get(pk=plan.pk)
    _open_plan(plan)
    now = now or db_now()
    purpose = _required(purpose, "purpose", _("Say why the audit is made."))
    auditor_name = (auditor_name or "").strip()
    if performed_by == AuditPerformer.THIRD_PARTY and not auditor_name:
        message = _("Name the third party that audits.")
        raise ApplicationError(message, fields={"auditor_name": [message]})
    audit = Audit.objects.create(plan=plan, kind=kind, performed_by=performed_by,
                                 auditor_name=auditor_name, planned_on=planned_on,
                                 purpose=purpose, created_at=now, created_by=by)
    _announce(_event(plan.pk, AuditEventKind.PLANNED, by=by, at=now, data={
        "audit": audit.pk, "kind": kind, "performed_by": performed_by,
        "auditor_name": auditor_name, "planned_on": planned_on.isoformat(),
        "reason": purpose}))
    return audit


@transaction.atomic
def audit_complete(*, audit: Audit, by: User, completed_on: datetime.date, summary: str,
                   now: datetime.datetime | None = None) -> Audit:
    """Completed on a date that has come (the database clock's date in Oslo decides)."""
    locked = _lock_audit(audit)
    now = now or db_now()
    summary = _required(summary, "summary", _("Summarise what the audit found."))
    if completed_on > selectors.oslo_today(now):
        message = _("The completion date cannot be in the future.")
        raise ApplicationError(message, fields={"completed_on": [message]})
    if locked.status != AuditStatus.PLANNED:
        raise Conflict(_("Only a planned audit can be completed."))
    event = audit_flip(locked, AuditStatus.PLANNED, AuditStatus.COMPLETED, by=by, at=now,
                       data={"completed_on": completed_on.isoformat(), "reason": summary},
                       completed_on=completed_on, summary=summary, completed_at=now,
                       completed_by=by)
    _announce(event)
    return locked


@transaction.atomic
def audit_cancel(*, audit: Audit, by: User, reason: str,
                 now: datetime.datetime | None = None) -> Audit:
    locked = _lock_audit(audit)
    now = now or db_now()
    reason = _required(reason, "reason", _("Say why the audit is cancelled."))
    if locked.status != AuditStatus.PLANNED:
        raise Conflict(_("Only a planned audit can be cancelled."))
    audit_flip(locked, AuditStatus.PLANNED, AuditStatus.CANCELLED, by=by, at=now,
               data={"reason": reason})
    return locked


@transaction.atomic
def finding_record(*, audit: Audit, by: User, severity: str, description: str,
                   now: datetime.datetime | None = None) -> Finding:
    locked = _lock_audit(audit)
    now = now or db_now()
    description = _required(description, "description", _("Describe the finding."))
    if locked.status == AuditStatus.CANCELLED:
        raise Conflict(_("The audit is cancelled."))
    finding = Finding.objects.create(audit=locked, severity=severity, description=description,
                                     recorded_at=now, recorded_by=by)
    _event(locked.plan_id, AuditEventKind.FINDING, by=by, at=now, data={
        "audit": locked.pk, "finding": finding.pk, "severity": severity,
        "reason": description})
    return finding


# --- corrective actions ----------------------------------------------------------------------


@transaction.atomic
def action_request(*, finding: Finding, by: User, requirement: str, deadline: datetime.date,
                   now: datetime.datetime | None = None) -> CorrectiveAction:
    """The buyer requires a corrective action for a finding, by a deadline after today."""
    audit = _lock_audit(finding.audit)
    now = now or db_now()
    requirement = _required(requirement, "requirement", _("Say what must be corrected."))
    if deadline <= selectors.oslo_today(now):
        message = _("The deadline must be after today.")
        raise ApplicationError(message, fields={"deadline": [message]})
    if audit.status == AuditStatus.CANCELLED:
        raise Conflict(_("The audit is cancelled."))
    action = CorrectiveAction.objects.create(finding=finding, requirement=requirement,
                                             deadline=deadline, created_at=now, created_by=by)
    _announce(_event(audit.plan_id, AuditEventKind.ACTION_REQUESTED, by=by, at=now, data={
        "audit": audit.pk, "finding": finding.pk, "action": action.pk,
        "deadline": deadline.isoformat(), "reason": requirement}))
    return action


def _lock_action(action: CorrectiveAction) -> CorrectiveAction:
    return CorrectiveAction.objects.select_for_update().select_related("finding__audit").get(
        pk=action.pk)


def _action_step(action: CorrectiveAction, old: tuple[str, ...], new: str, *, by: User,
                 now: datetime.datetime | None, reason: str,
                 decide: Any = None, **fields: Any) -> CorrectiveAction:
    """Lock the action, read the clock, check the status, flip it with one event. `decide`
    (locked action, now) -> (extra event data, extra fields) runs under the lock."""
    locked = _lock_action(action)
    now = now or db_now()
    if locked.status not in old:
        raise Conflict(_("The corrective action is “%(status)s”: this step does not apply.")
                       % {"status": ActionStatus(locked.status).label})
    extra_data, extra_fields = decide(locked, now) if decide else ({}, {})
    stamped = {name: (now if value is _NOW else value)
               for name, value in {**fields, **extra_fields}.items()}
    event = action_flip(locked, locked.status, new, plan_id=locked.finding.audit.plan_id,
                        by=by, at=now, data={"audit": locked.finding.audit_id,
                                             "reason": reason, **extra_data}, **stamped)
    _announce(event)
    return locked


_NOW = object()  # stands for the decision time in `_action_step` fields


@transaction.atomic
def action_propose(*, action: CorrectiveAction, by: User, proposal: str,
                   now: datetime.datetime | None = None) -> CorrectiveAction:
    """The supplier proposes (or, after a rejection, proposes again) how it will correct."""
    proposal = _required(proposal, "proposal", _("Describe how the finding will be corrected."))
    return _action_step(action, (ActionStatus.REQUESTED, ActionStatus.REJECTED),
                        ActionStatus.PROPOSED, by=by, now=now, reason=proposal,
                        proposal=proposal, proposed_at=_NOW, proposed_by=by)


@transaction.atomic
def action_accept(*, action: CorrectiveAction, by: User, answer: str = "",
                  now: datetime.datetime | None = None) -> CorrectiveAction:
    answer = (answer or "").strip()
    return _action_step(action, (ActionStatus.PROPOSED,), ActionStatus.ACCEPTED, by=by,
                        now=now, reason=answer, answer=answer, answered_at=_NOW,
                        answered_by=by)


@transaction.atomic
def action_reject(*, action: CorrectiveAction, by: User, answer: str,
                  now: datetime.datetime | None = None) -> CorrectiveAction:
    answer = _required(answer, "answer", _("Say why the plan is rejected."))
    return _action_step(action, (ActionStatus.PROPOSED,), ActionStatus.REJECTED, by=by,
                        now=now, reason=answer, answer=answer, answered_at=_NOW,
                        answered_by=by)


@transaction.atomic
def action_close(*, action: CorrectiveAction, by: User, note: str,
                 now: datetime.datetime | None = None) -> CorrectiveAction:
    """The buyer closes an accepted action with a note of how it was verified, without a
    completion report (event ACTION_CLOSED; closing on a report is ACTION_COMPLETION_ACCEPTED)."""
    note = _required(note, "note", _("Say how the correction was verified."))
    return _action_step(action, (ActionStatus.ACCEPTED,), ActionStatus.CLOSED, by=by, now=now,
                        reason=note, close_note=note, closed_at=_NOW, closed_by=by,
                        closed_via=ClosedVia.NOTE)


@transaction.atomic
def action_report_completion(*, action: CorrectiveAction, by: User, report: str,
                             now: datetime.datetime | None = None) -> CorrectiveAction:
    """The supplier reports an accepted corrective action done, saying what was done. A
    report after the deadline is accepted and marked late: the deadline is compared, under
    the row lock, with the database clock's Oslo date."""
    report = _required(report, "report", _("Describe what was done to correct the finding."))

    def decide(locked: CorrectiveAction, at: datetime.datetime
               ) -> tuple[dict[str, Any], dict[str, Any]]:
        late = selectors.oslo_today(at) > locked.deadline
        return ({"late": late, "deadline": locked.deadline.isoformat()},
                {"completion_late": late})

    return _action_step(action, (ActionStatus.ACCEPTED,), ActionStatus.REPORTED, by=by,
                        now=now, reason=report, decide=decide, completion_report=report,
                        completion_reported_at=_NOW, completion_reported_by=by,
                        completion_answer="")


@transaction.atomic
def action_accept_completion(*, action: CorrectiveAction, by: User, answer: str = "",
                             now: datetime.datetime | None = None) -> CorrectiveAction:
    """The buyer accepts the supplier's completion report: the action is closed."""
    answer = (answer or "").strip()
    return _action_step(action, (ActionStatus.REPORTED,), ActionStatus.CLOSED, by=by, now=now,
                        reason=answer, completion_answer=answer, closed_at=_NOW,
                        closed_by=by, closed_via=ClosedVia.REPORT)


@transaction.atomic
def action_return_completion(*, action: CorrectiveAction, by: User, answer: str,
                             now: datetime.datetime | None = None) -> CorrectiveAction:
    """The buyer asks for more: the action is open (accepted) again, with the reason the
    supplier reads, until the supplier reports again or the buyer closes it."""
    answer = _required(answer, "answer", _("Say what more must be done."))
    return _action_step(action, (ActionStatus.REPORTED,), ActionStatus.ACCEPTED, by=by,
                        now=now, reason=answer, completion_answer=answer)


# --- sanctions -------------------------------------------------------------------------------


@transaction.atomic
def sanction_impose(*, audit: Audit, by: User, kind: str, reason: str, details: str = "",
                    now: datetime.datetime | None = None) -> Sanction:
    locked = _lock_audit(audit)
    now = now or db_now()
    reason = _required(reason, "reason", _("Give the reason for the sanction."))
    details = (details or "").strip()
    if kind == SanctionKind.SUSPEND_PART and not details:
        message = _("Say which part of the deliveries is suspended.")
        raise ApplicationError(message, fields={"details": [message]})
    if kind == SanctionKind.CHANGE_SUBCONTRACTOR and not details:
        message = _("Name the subcontractor that must be changed.")
        raise ApplicationError(message, fields={"details": [message]})
    if locked.status == AuditStatus.CANCELLED:
        raise Conflict(_("The audit is cancelled."))
    sanction = Sanction.objects.create(audit=locked, kind=kind, reason=reason, details=details,
                                       imposed_at=now, imposed_by=by)
    _announce(_event(locked.plan_id, AuditEventKind.SANCTION, by=by, at=now, data={
        "audit": locked.pk, "sanction": sanction.pk, "kind": kind, "details": details,
        "reason": reason}))
    return sanction


# --- sharing, publishing, relying ------------------------------------------------------------


@transaction.atomic
def audit_share(*, audit: Audit, by: User, organization_id: int,
                now: datetime.datetime | None = None) -> AuditShare:
    """Share a completed audit and its findings with another authority that holds a plan
    with the same supplier in the same high-risk category."""
    locked = _lock_audit(audit)
    now = now or db_now()
    if locked.status != AuditStatus.COMPLETED:
        raise Conflict(_("Only a completed audit can be shared."))
    if locked.shares.filter(organization_id=organization_id).exists():
        raise Conflict(_("The audit is already shared with that authority."))
    if organization_id not in {o.pk for o in selectors.share_candidates(locked)}:
        message = _("That authority holds no active follow-up plan with this supplier in "
                    "this high-risk category.")
        raise ApplicationError(message, fields={"organization": [message]})
    share = AuditShare.objects.create(audit=locked, organization_id=organization_id,
                                      shared_at=now, shared_by=by)
    _announce(_event(locked.plan_id, AuditEventKind.SHARED, by=by, at=now, data={
        "audit": locked.pk, "organization": organization_id}))
    return share


@transaction.atomic
def audit_publish_summary(*, audit: Audit, by: User, summary: str,
                          now: datetime.datetime | None = None) -> Audit:
    """Publish a summary of a completed audit: the only part of it that is public."""
    locked = _lock_audit(audit)
    now = now or db_now()
    summary = _required(summary, "public_summary", _("Write the summary to publish."))
    if locked.status != AuditStatus.COMPLETED:
        raise Conflict(_("Only a completed audit's summary can be published."))
    if locked.published_at is not None:
        raise Conflict(_("A summary of this audit is already published."))
    Audit.objects.filter(pk=locked.pk).update(public_summary=summary, published_at=now,
                                              published_by=by)
    _event(locked.plan_id, AuditEventKind.SUMMARY_PUBLISHED, by=by, at=now, data={
        "audit": locked.pk, "summary": summary})
    locked.refresh_from_db()
    return locked


@transaction.atomic
def audit_rely(*, audit: Audit, plan: FollowUpPlan, by: User, reason: str,
               now: datetime.datetime | None = None) -> AuditReliance:
    """Another authority's plan relies on a shared audit instead of auditing again: shared
    with it, same supplier and category, equal terms (the same key), completed no longer
    ago than the RelianceRule in force today allows (selectors.reliance_rule_for), today
    being the database clock's Oslo date, decided with the plan row locked."""
    locked_plan = FollowUpPlan.objects.select_for_update().select_related(
        "contract__notice", "terms", "category").get(pk=plan.pk)
    locked = Audit.objects.select_related("plan__contract", "plan__terms",
                                          "plan__category").get(pk=audit.pk)
    now = now or db_now()
    reason = _required(reason, "reason", _("Say why the shared audit is enough."))
    refusal = selectors.reliance_refusal(locked, locked_plan,
                                         today=selectors.oslo_today(now))
    if refusal:
        raise Conflict(refusal)
    if AuditReliance.objects.filter(audit=locked, plan=locked_plan).exists():
        raise Conflict(_("The plan already relies on this audit."))
    reliance = AuditReliance.objects.create(audit=locked, plan=locked_plan, reason=reason,
                                            relied_at=now, relied_by=by)
    _event(locked_plan.pk, AuditEventKind.RELIED_ON, by=by, at=now, data={
        "audit": locked.pk, "audit_plan": locked.plan_id,
        "completed_on": locked.completed_on.isoformat() if locked.completed_on else None,
        "reason": reason})
    return reliance
