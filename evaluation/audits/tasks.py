"""Telling people what waits for them in the audits, and the corrective-action reminders.

Each message is an AUDIT_TASK inbox message and an e-mail in the person's own language with
a link to the page (notices.following.services.inbox_deliver), under a key that makes a
retried task or a second run of the reminder job tell nobody twice. Jobs only remind: the
deadline itself is decided by nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date as datetime_date
from datetime import datetime

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import NOTICE_EDITOR_ROLES, SUPPLIER_ROLES, User
from backend.clock import db_now
from backend.formatting import format_day
from evaluation.audits import selectors
from evaluation.audits.models import Audit, AuditEventKind, CorrectiveAction, SanctionKind
from evaluation.ethics.models import FollowUpEvent, FollowUpPlan
from notices.following.models import InboxKind
from notices.following.services import inbox_deliver


def _people(organization_id: int, roles: frozenset[str] | set[str]) -> list[User]:
    return list(User.objects.filter(memberships__organization_id=organization_id,
                                    memberships__role__in=list(roles), is_active=True)
                .distinct().order_by("pk"))


def _suppliers(plan: FollowUpPlan) -> list[User]:
    return _people(plan.contract.supplier_id, set(SUPPLIER_ROLES))


def _buyers(organization_id: int) -> list[User]:
    return _people(organization_id, set(NOTICE_EDITOR_ROLES))


def _audit_path(audit_id: int, anchor: str = "") -> str:
    return reverse("audits:audit", kwargs={"audit_id": audit_id}) + (f"#{anchor}" if anchor
                                                                      else "")


def _date(value: str) -> str:
    """A day stored in an event's data (ISO) as the recipient's language writes it."""
    try:
        return format_day(datetime_date.fromisoformat(value))
    except (TypeError, ValueError):
        return value


def audit_event_notify(*, event_id: int, now: datetime | None = None) -> int:
    """Tell whoever an audit event concerns; returns the e-mails sent. Idempotent per event
    (the key names it)."""
    event = FollowUpEvent.objects.filter(pk=event_id).select_related(
        "plan__contract__notice", "plan__contract__supplier").first()
    if event is None:
        return 0
    plan, data = event.plan, event.data
    notice = plan.contract.notice
    audit_id = int(data.get("audit") or 0)
    head = f"{notice.reference} {plan.contract.title}"
    key = f"audit-event:{event.pk}"
    users: list[User]
    compose: Callable[[User], tuple[str, list[str]]]
    path = _audit_path(audit_id)
    kind = event.kind
    if kind == AuditEventKind.PLANNED:
        users = _suppliers(plan)

        def compose(user: User) -> tuple[str, list[str]]:
            return (_("Audit planned: %(contract)s") % {"contract": head},
                    [_("%(buyer)s plans an audit of your ethical-trade follow-up on %(date)s.")
                     % {"buyer": notice.buyer.name, "date": _date(data["planned_on"])}])
    elif kind == AuditEventKind.COMPLETED:
        users = _suppliers(plan)

        def compose(user: User) -> tuple[str, list[str]]:
            return (_("Audit completed: %(contract)s") % {"contract": head},
                    [_("The audit is completed. Read its summary and findings.")])
    elif kind == AuditEventKind.ACTION_REQUESTED:
        users = _suppliers(plan)
        path = _audit_path(audit_id, f"action-{data['action']}")

        def compose(user: User) -> tuple[str, list[str]]:
            return (_("Corrective action required: %(contract)s") % {"contract": head},
                    [_("Propose how you will correct the finding, by %(date)s.")
                     % {"date": _date(data["deadline"])}, "", str(data.get("reason", ""))])
    elif kind == AuditEventKind.ACTION_PROPOSED:
        users = _buyers(notice.buyer_id)
        path = _audit_path(audit_id, f"action-{data['action']}")

        def compose(user: User) -> tuple[str, list[str]]:
            return (_("Corrective action plan to answer: %(contract)s") % {"contract": head},
                    [_("The supplier has proposed a corrective action plan. Accept or reject "
                       "it."), "", str(data.get("reason", ""))])
    elif kind == AuditEventKind.ACTION_COMPLETION_REPORTED:
        users = _buyers(notice.buyer_id)
        path = _audit_path(audit_id, f"action-{data['action']}")

        def compose(user: User) -> tuple[str, list[str]]:
            late = ([_("The report came after the deadline %(date)s.")
                     % {"date": _date(data["deadline"])}]
                    if data.get("late") else [])
            return (_("Corrective action reported done: %(contract)s") % {"contract": head},
                    [_("The supplier reports the corrective action done. Accept the report "
                       "(the action is closed) or ask for more."), *late, "",
                     str(data.get("reason", ""))])
    elif kind in (AuditEventKind.ACTION_ACCEPTED, AuditEventKind.ACTION_REJECTED,
                  AuditEventKind.ACTION_CLOSED, AuditEventKind.ACTION_COMPLETION_ACCEPTED,
                  AuditEventKind.ACTION_COMPLETION_RETURNED):
        users = _suppliers(plan)
        path = _audit_path(audit_id, f"action-{data['action']}")

        def compose(user: User) -> tuple[str, list[str]]:
            label = {AuditEventKind.ACTION_ACCEPTED: _("Corrective action plan accepted"),
                     AuditEventKind.ACTION_REJECTED: _("Corrective action plan rejected: "
                                                       "propose again"),
                     AuditEventKind.ACTION_CLOSED: _("Corrective action closed"),
                     AuditEventKind.ACTION_COMPLETION_ACCEPTED: _(
                         "Completion report accepted: corrective action closed"),
                     AuditEventKind.ACTION_COMPLETION_RETURNED: _(
                         "Completion report returned: more is needed")}[AuditEventKind(kind)]
            return f"{label}: {head}", [str(data.get("reason", ""))]
    elif kind == AuditEventKind.SANCTION:
        users = _suppliers(plan)

        def compose(user: User) -> tuple[str, list[str]]:
            return (_("Sanction: %(contract)s") % {"contract": head},
                    [str(SanctionKind(data["kind"]).label), "", str(data.get("reason", "")),
                     str(data.get("details", ""))])
    elif kind == AuditEventKind.SHARED:
        users = _buyers(int(data["organization"]))

        def compose(user: User) -> tuple[str, list[str]]:
            return (_("An audit was shared with you: %(supplier)s")
                    % {"supplier": plan.contract.supplier.name},
                    [_("%(buyer)s shared an audit of %(supplier)s and its findings. You may "
                       "rely on it for your own follow-up instead of auditing again.")
                     % {"buyer": notice.buyer.name, "supplier": plan.contract.supplier.name}])
    else:
        return 0
    return inbox_deliver(users=users, notice=notice, kind=InboxKind.AUDIT_TASK, key=key,
                         path=path, compose=compose, now=now)


def corrective_action_remind(*, now: datetime | None = None) -> int:
    """Remind the supplier's users of corrective actions due within a week and of those
    overdue, once per action, step and deadline. Returns the e-mails sent."""
    now = now or db_now()
    today = selectors.oslo_today(now)
    sent = 0
    for action, step in selectors.actions_to_remind(today=today):
        sent += _remind(action, step, now=now)
    return sent


def _remind(action: CorrectiveAction, step: str, *, now: datetime) -> int:
    audit: Audit = action.finding.audit
    plan = audit.plan
    notice = plan.contract.notice
    head = f"{notice.reference} {plan.contract.title}"

    def compose(user: User) -> tuple[str, list[str]]:
        deadline = format_day(action.deadline)
        if step == "overdue":
            return (_("Corrective action overdue: %(contract)s") % {"contract": head},
                    [_("The deadline %(date)s has passed.") % {"date": deadline}, "",
                     action.requirement])
        return (_("Corrective action due: %(contract)s") % {"contract": head},
                [_("The deadline is %(date)s.") % {"date": deadline}, "", action.requirement])

    return inbox_deliver(
        users=_suppliers(plan), notice=notice, kind=InboxKind.AUDIT_TASK,
        key=f"audit-remind:{action.pk}:{step}:{action.deadline.isoformat()}",
        path=_audit_path(audit.pk, f"action-{action.pk}"), compose=compose, now=now)


@shared_task(name="evaluation.audits.notify_event")
def notify_audit_event(event_id: int) -> int:
    return audit_event_notify(event_id=event_id)


@shared_task(name="evaluation.audits.corrective_action_reminders")
def corrective_action_reminders() -> int:
    return corrective_action_remind()
