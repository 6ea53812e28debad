"""Corrective-action reminders: a week before the deadline and when overdue, to the
supplier's users, once each."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from backend.clock import db_now
from evaluation.audits import services
from evaluation.audits.models import CorrectiveAction
from evaluation.audits.tasks import corrective_action_remind
from notices.following.models import InboxKind, InboxMessage
from tests.evaluation.audits.conftest import AuditWorld

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_it_reminds_before_the_deadline_and_when_overdue_once_each(
        audit_world: AuditWorld) -> None:
    owner, supplier = audit_world.users["owner"], audit_world.users["supplier"]
    audit = services.audit_plan(plan=audit_world.plan, by=owner, kind="desk",
                                performed_by="own_staff", planned_on=TODAY, purpose="x")
    finding = services.finding_record(audit=audit, by=owner, severity="major",
                                      description="Funn.")
    near = services.action_request(finding=finding, by=owner, requirement="Snart.",
                                   deadline=TODAY + datetime.timedelta(days=3))
    far = services.action_request(finding=finding, by=owner, requirement="Senere.",
                                  deadline=TODAY + datetime.timedelta(days=60))
    mail.outbox.clear()
    now = db_now()
    assert corrective_action_remind(now=now) == 1
    assert corrective_action_remind(now=now) == 0  # idempotent
    messages = InboxMessage.objects.filter(user=supplier, kind=InboxKind.AUDIT_TASK,
                                           key__startswith="audit-remind:")
    assert [m.key for m in messages] == [
        f"audit-remind:{near.pk}:due:{near.deadline.isoformat()}"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [supplier.email]
    # Overdue: the deadline passed (the far one is still not near).
    CorrectiveAction.objects.filter(pk=near.pk).update(
        deadline=TODAY - datetime.timedelta(days=1))
    assert corrective_action_remind(now=now) == 1
    assert corrective_action_remind(now=now) == 0
    assert not InboxMessage.objects.filter(key__contains=f"audit-remind:{far.pk}:").exists()
    # Nobody else is told.
    assert not InboxMessage.objects.filter(key__startswith="audit-remind:").exclude(
        user=supplier).exists()


@pytest.mark.parametrize("language, month", [("nb", "mars"), ("en", "March")])
def test_the_deadline_is_written_in_the_suppliers_language(
        audit_world: AuditWorld, language: str, month: str) -> None:
    owner, supplier = audit_world.users["owner"], audit_world.users["supplier"]
    supplier.language = language
    supplier.save(update_fields=["language"])
    audit = services.audit_plan(plan=audit_world.plan, by=owner, kind="desk",
                                performed_by="own_staff", planned_on=TODAY, purpose="x")
    finding = services.finding_record(audit=audit, by=owner, severity="major",
                                      description="Funn.")
    action = services.action_request(finding=finding, by=owner, requirement="Snart.",
                                     deadline=TODAY + datetime.timedelta(days=3))
    # The deadline as a day far from today's month, so the test does not depend on the date.
    CorrectiveAction.objects.filter(pk=action.pk).update(deadline=datetime.date(2020, 3, 5))
    assert corrective_action_remind(now=db_now()) == 1
    message = InboxMessage.objects.get(user=supplier, key__startswith="audit-remind:")
    day = "5. mars 2020" if language == "nb" else "5 March 2020"
    assert day in message.body and month in message.body
