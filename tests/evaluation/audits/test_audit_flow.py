"""An audit from plan to sanction: every step writes its event; the clock decides dates."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import TestCase

from backend.errors import ApplicationError, Conflict
from evaluation.audits import services
from evaluation.audits.models import ActionStatus, AuditEventKind, AuditStatus
from evaluation.ethics.models import FollowUpEvent
from notices.following.models import InboxKind, InboxMessage
from tests.evaluation.audits.conftest import AuditWorld
from tests.transitions_check import one_event_per_transition

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _kinds(plan: Any) -> list[str]:
    return list(FollowUpEvent.objects.filter(plan=plan).order_by("pk").values_list("kind",
                                                                                   flat=True))


def planned(world: AuditWorld, **overrides: Any) -> Any:
    fields = {"kind": "on_site", "performed_by": "third_party", "auditor_name": "Revisjon AS",
              "planned_on": TODAY, "purpose": "Risiko for tvangsarbeid i spinneriet."}
    return services.audit_plan(plan=world.plan, by=world.users["owner"], **{**fields,
                                                                           **overrides})


def test_it_walks_an_audit_through_findings_actions_and_a_sanction(
        audit_world: AuditWorld) -> None:
    owner, supplier = audit_world.users["owner"], audit_world.users["supplier"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        audit = planned(audit_world)
    with one_event_per_transition() as changes:
        services.audit_complete(audit=audit, by=owner, completed_on=TODAY,
                                summary="To avvik funnet.")
    assert [(c.aggregate, c.old, c.new) for c in changes] == [
        ("audit", "planned", "completed")]
    audit.refresh_from_db()
    assert audit.status == AuditStatus.COMPLETED and audit.completed_by == owner
    finding = services.finding_record(audit=audit, by=owner, severity="major",
                                      description="Overtid uten betaling.")
    with TestCase.captureOnCommitCallbacks(execute=True):
        action = services.action_request(finding=finding, by=owner, requirement="Betal overtid.",
                                         deadline=TODAY + datetime.timedelta(days=30))
    # The supplier is told, in the inbox (and by e-mail), once.
    assert InboxMessage.objects.filter(user=supplier, kind=InboxKind.AUDIT_TASK,
                                       path__contains=f"action-{action.pk}").count() == 1
    with one_event_per_transition() as changes:
        services.action_propose(action=action, by=supplier, proposal="Etterbetaling i mars.")
        services.action_reject(action=action, by=owner, answer="For sent.")
        services.action_propose(action=action, by=supplier, proposal="Etterbetaling i januar.")
        services.action_accept(action=action, by=owner)
        services.action_close(action=action, by=owner, note="Lønnsslipper kontrollert.")
    assert [c.new for c in changes] == ["proposed", "rejected", "proposed", "accepted",
                                        "closed"]
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED and action.proposal == "Etterbetaling i januar."
    services.sanction_impose(audit=audit, by=owner, kind="suspend_part",
                             reason="Gjentatte brudd.", details="Leveranser fra fabrikk B")
    assert _kinds(audit_world.plan) == [
        AuditEventKind.PLANNED, AuditEventKind.COMPLETED, AuditEventKind.FINDING,
        AuditEventKind.ACTION_REQUESTED, AuditEventKind.ACTION_PROPOSED,
        AuditEventKind.ACTION_REJECTED, AuditEventKind.ACTION_PROPOSED,
        AuditEventKind.ACTION_ACCEPTED, AuditEventKind.ACTION_CLOSED, AuditEventKind.SANCTION]
    last = FollowUpEvent.objects.filter(plan=audit_world.plan).latest("pk")
    assert last.by == owner and last.data["reason"] == "Gjentatte brudd."


def test_it_refuses_a_third_party_without_a_name_and_writes_nothing(
        audit_world: AuditWorld) -> None:
    with pytest.raises(ApplicationError) as caught:
        planned(audit_world, auditor_name="")
    assert "auditor_name" in caught.value.fields
    assert _kinds(audit_world.plan) == []


def test_it_refuses_a_completion_date_in_the_future(audit_world: AuditWorld) -> None:
    audit = planned(audit_world)
    with pytest.raises(ApplicationError) as caught:
        services.audit_complete(audit=audit, by=audit_world.users["owner"],
                                completed_on=TODAY + datetime.timedelta(days=2), summary="x")
    assert "completed_on" in caught.value.fields
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED


def test_it_refuses_a_deadline_that_has_come_and_a_step_out_of_order(
        audit_world: AuditWorld) -> None:
    owner = audit_world.users["owner"]
    audit = planned(audit_world)
    finding = services.finding_record(audit=audit, by=owner, severity="minor",
                                      description="Mangler rutine.")
    with pytest.raises(ApplicationError) as caught:
        services.action_request(finding=finding, by=owner, requirement="Lag rutine.",
                                deadline=TODAY - datetime.timedelta(days=1))
    assert "deadline" in caught.value.fields
    action = services.action_request(finding=finding, by=owner, requirement="Lag rutine.",
                                     deadline=TODAY + datetime.timedelta(days=9))
    with pytest.raises(Conflict):
        services.action_accept(action=action, by=owner)
    with pytest.raises(ApplicationError) as caught:
        services.sanction_impose(audit=audit, by=owner, kind="change_subcontractor",
                                 reason="Brudd.")
    assert "details" in caught.value.fields


@pytest.mark.parametrize(("language", "planned_word", "underway_word"),
                         [("en", "Planned", "In progress"), ("nb", "Planlagt", "Pågår")])
def test_the_audit_page_calls_a_planned_audit_with_a_finding_in_progress(
        audit_world: AuditWorld, language: str, planned_word: str, underway_word: str) -> None:
    from django.test import Client

    owner = audit_world.users["owner"]
    audit = planned(audit_world)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(owner)

    def status_shown() -> str:
        page = client.get(f"/audits/{audit.pk}/").content.decode()
        start = page.index('id="audit-status">') + len('id="audit-status">')
        return page[start:page.index("</dd>", start)]

    assert status_shown() == planned_word
    services.finding_record(audit=audit, by=owner, severity="minor",
                            description="Mangler rutine for verneutstyr.")
    assert status_shown() == underway_word
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED  # the word changes, the status does not
    services.audit_complete(audit=audit, by=owner, completed_on=TODAY, summary="Ett avvik.")
    assert status_shown() == ("Completed" if language == "en" else "Gjennomført")
