"""The owner of the statuses of audits (planned -> completed | cancelled) and of corrective
actions (requested -> proposed -> accepted | rejected; rejected -> proposed; accepted ->
reported (the supplier's completion report) -> closed (the buyer accepts it) | accepted (the
buyer asks for more); accepted -> closed (the buyer closes with a note)). Every writer of
Audit.status or CorrectiveAction.status calls `audit_flip` or `action_flip`; each writes
exactly one FollowUpEvent on the audit's plan, its kind named by the edge (closing on a report
and closing with a note are different steps of the record)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from backend.transitions import swap_status
from evaluation.audits.models import (
    ActionStatus,
    Audit,
    AuditEventKind,
    AuditStatus,
    CorrectiveAction,
)
from evaluation.ethics.models import FollowUpEvent

ALLOWED = {
    (AuditStatus.PLANNED, AuditStatus.COMPLETED),
    (AuditStatus.PLANNED, AuditStatus.CANCELLED),
}
EVENT_OF = {
    AuditStatus.COMPLETED: AuditEventKind.COMPLETED,
    AuditStatus.CANCELLED: AuditEventKind.CANCELLED,
}
# Keyed by (old, new): the edge names the step.
ACTION_EVENT_OF = {
    (ActionStatus.REQUESTED, ActionStatus.PROPOSED): AuditEventKind.ACTION_PROPOSED,
    (ActionStatus.REJECTED, ActionStatus.PROPOSED): AuditEventKind.ACTION_PROPOSED,
    (ActionStatus.PROPOSED, ActionStatus.ACCEPTED): AuditEventKind.ACTION_ACCEPTED,
    (ActionStatus.PROPOSED, ActionStatus.REJECTED): AuditEventKind.ACTION_REJECTED,
    # The buyer closes an accepted action with a note of how it was verified.
    (ActionStatus.ACCEPTED, ActionStatus.CLOSED): AuditEventKind.ACTION_CLOSED,
    # The supplier reports it done; the buyer accepts the report or asks for more.
    (ActionStatus.ACCEPTED, ActionStatus.REPORTED): AuditEventKind.ACTION_COMPLETION_REPORTED,
    (ActionStatus.REPORTED, ActionStatus.CLOSED): AuditEventKind.ACTION_COMPLETION_ACCEPTED,
    (ActionStatus.REPORTED, ActionStatus.ACCEPTED): AuditEventKind.ACTION_COMPLETION_RETURNED,
}
ACTION_ALLOWED = set(ACTION_EVENT_OF)


@transaction.atomic
def audit_flip(audit: Audit, old: str, new: str, *, by: User | None, at: datetime,
               data: dict[str, Any] | None = None, **fields: Any) -> FollowUpEvent:
    """Swap the audit's status (plus `fields`) and write its one event, atomically."""
    swap_status(Audit, pk=audit.pk, old=old, new=new, allowed=ALLOWED, **fields,
                conflict=_("The audit is no longer %(status)s; reload the page.")
                % {"status": AuditStatus(old).label.lower()})
    event = FollowUpEvent.objects.create(
        plan_id=audit.plan_id, kind=EVENT_OF[AuditStatus(new)], by=by, at=at,
        data={"audit": audit.pk, "from": old, "to": new, **(data or {})})
    audit.status = new
    for name, value in fields.items():
        setattr(audit, name, value)
    return event


@transaction.atomic
def action_flip(action: CorrectiveAction, old: str, new: str, *, plan_id: int, by: User | None,
                at: datetime, data: dict[str, Any] | None = None,
                **fields: Any) -> FollowUpEvent:
    """Swap the corrective action's status (plus `fields`) and write its one event."""
    swap_status(CorrectiveAction, pk=action.pk, old=old, new=new, allowed=ACTION_ALLOWED,
                **fields,
                conflict=_("The corrective action is no longer “%(status)s”; reload the page.")
                % {"status": ActionStatus(old).label})
    event = FollowUpEvent.objects.create(
        plan_id=plan_id, kind=ACTION_EVENT_OF[(ActionStatus(old), ActionStatus(new))],
        by=by, at=at,
        data={"action": action.pk, "finding": action.finding_id, "from": old, "to": new,
              **(data or {})})
    action.status = new
    for name, value in fields.items():
        setattr(action, name, value)
    return event
