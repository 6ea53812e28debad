"""The supplier closes a corrective action with a completion report: the supplier reports an
accepted action done; the buyer accepts the report (closed) or asks for more (open again).
The buyer's own close-with-note stays, recorded as a different step."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from backend.errors import ApplicationError, Conflict
from evaluation.audits import services
from evaluation.audits.models import (
    ActionStatus,
    AuditEventKind,
    ClosedVia,
    CorrectiveAction,
)
from evaluation.ethics.models import FollowUpEvent
from notices.following.models import InboxKind, InboxMessage
from tests.conftest import api_client_for
from tests.evaluation.audits.conftest import AuditWorld
from tests.transitions_check import one_event_per_transition

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
ACTORS = ("owner", "other_officer", "third_officer", "supplier", "other_supplier", "anon")


def accepted_action(world: AuditWorld, *, deadline_days: int = 20) -> CorrectiveAction:
    owner, supplier = world.users["owner"], world.users["supplier"]
    audit = services.audit_plan(plan=world.plan, by=owner, kind="desk",
                                performed_by="own_staff", planned_on=TODAY, purpose="Årlig.")
    services.audit_complete(audit=audit, by=owner, completed_on=TODAY, summary="Avvik.")
    finding = services.finding_record(audit=audit, by=owner, severity="major",
                                      description="Overtid uten betaling.")
    action = services.action_request(finding=finding, by=owner, requirement="Betal overtid.",
                                     deadline=TODAY + datetime.timedelta(days=deadline_days))
    services.action_propose(action=action, by=supplier, proposal="Etterbetaling.")
    services.action_accept(action=action, by=owner)
    # The audit is shared, so the other authority sees it (but not its actions).
    services.audit_share(audit=audit, by=owner,
                         organization_id=world.other_plan.contract.notice.buyer_id)
    action.refresh_from_db()
    return action


def _kinds(world: AuditWorld) -> list[str]:
    return list(FollowUpEvent.objects.filter(plan=world.plan).order_by("pk")
                .values_list("kind", flat=True))


def test_the_supplier_reports_and_the_buyer_asks_for_more_then_accepts(
        audit_world: AuditWorld) -> None:
    owner, supplier = audit_world.users["owner"], audit_world.users["supplier"]
    action = accepted_action(audit_world)
    with one_event_per_transition() as changes:
        services.action_report_completion(action=action, by=supplier,
                                          report="Overtid etterbetalt i januar.")
        services.action_return_completion(action=action, by=owner,
                                          answer="Send lønnsslippene.")
        services.action_report_completion(action=action, by=supplier,
                                          report="Lønnsslipper vedlagt i e-post.")
        services.action_accept_completion(action=action, by=owner, answer="Godkjent.")
    assert [(c.old, c.new) for c in changes] == [
        ("accepted", "reported"), ("reported", "accepted"), ("accepted", "reported"),
        ("reported", "closed")]
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED and action.closed_via == ClosedVia.REPORT
    assert action.closed_by == owner and action.completion_reported_by == supplier
    assert action.completion_report == "Lønnsslipper vedlagt i e-post."
    assert action.completion_answer == "Godkjent." and action.close_note == ""
    assert _kinds(audit_world)[-4:] == [
        AuditEventKind.ACTION_COMPLETION_REPORTED, AuditEventKind.ACTION_COMPLETION_RETURNED,
        AuditEventKind.ACTION_COMPLETION_REPORTED, AuditEventKind.ACTION_COMPLETION_ACCEPTED]
    returned = FollowUpEvent.objects.get(plan=audit_world.plan,
                                         kind=AuditEventKind.ACTION_COMPLETION_RETURNED)
    assert returned.by == owner and returned.data["reason"] == "Send lønnsslippene."
    assert returned.data["from"] == "reported" and returned.data["to"] == "accepted"
    # A closed action takes no more steps.
    with pytest.raises(Conflict):
        services.action_report_completion(action=action, by=supplier, report="Igjen.")


def test_the_buyers_close_with_a_note_is_logged_as_its_own_step(
        audit_world: AuditWorld) -> None:
    owner = audit_world.users["owner"]
    action = accepted_action(audit_world)
    services.action_close(action=action, by=owner, note="Kontrollert på stedet.")
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED and action.closed_via == ClosedVia.NOTE
    assert _kinds(audit_world)[-1] == AuditEventKind.ACTION_CLOSED
    assert AuditEventKind.ACTION_COMPLETION_ACCEPTED not in _kinds(audit_world)


def test_steps_out_of_order_and_empty_texts_are_refused(audit_world: AuditWorld) -> None:
    owner, supplier = audit_world.users["owner"], audit_world.users["supplier"]
    action = accepted_action(audit_world)
    with pytest.raises(Conflict):  # nothing reported yet
        services.action_accept_completion(action=action, by=owner)
    with pytest.raises(ApplicationError) as caught:
        services.action_report_completion(action=action, by=supplier, report="  ")
    assert "report" in caught.value.fields
    services.action_report_completion(action=action, by=supplier, report="Gjort.")
    with pytest.raises(ApplicationError) as caught:
        services.action_return_completion(action=action, by=owner, answer="")
    assert "answer" in caught.value.fields
    with pytest.raises(Conflict):  # a reported action is not closed with a note
        services.action_close(action=action, by=owner, note="x")
    with pytest.raises(Conflict):  # not reported twice
        services.action_report_completion(action=action, by=supplier, report="Igjen.")


def test_a_report_after_the_deadline_is_marked_late_by_the_clock(
        audit_world: AuditWorld) -> None:
    supplier = audit_world.users["supplier"]
    action = accepted_action(audit_world, deadline_days=5)
    after = timezone.now() + datetime.timedelta(days=7)
    services.action_report_completion(action=action, by=supplier, report="Sent.", now=after)
    action.refresh_from_db()
    assert action.completion_late is True and action.completion_reported_at == after
    event = FollowUpEvent.objects.get(plan=audit_world.plan,
                                      kind=AuditEventKind.ACTION_COMPLETION_REPORTED)
    assert event.data["late"] is True and event.at == after
    # On time by the database clock (no now=): not late.
    other = accepted_action(audit_world, deadline_days=5)
    services.action_report_completion(action=other, by=supplier, report="I tide.")
    other.refresh_from_db()
    assert other.completion_late is False


def test_the_other_party_is_told_in_the_inbox_and_by_e_mail(audit_world: AuditWorld) -> None:
    from django.core import mail

    owner, supplier = audit_world.users["owner"], audit_world.users["supplier"]
    owner.language, supplier.language = "en", "nb"
    owner.save(update_fields=["language"])
    supplier.save(update_fields=["language"])
    action = accepted_action(audit_world)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.action_report_completion(action=action, by=supplier, report="Gjort.")
    told = InboxMessage.objects.filter(kind=InboxKind.AUDIT_TASK,
                                       path__endswith=f"#action-{action.pk}")
    assert list(told.filter(user=owner).values_list("subject", flat=True)) == [
        f"Corrective action reported done: {audit_world.plan.contract.notice.reference} "
        f"{audit_world.plan.contract.title}"]
    assert [m.to for m in mail.outbox] == [[owner.email]]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.action_return_completion(action=action, by=owner, answer="Mer dokumentasjon.")
    message = told.filter(user=supplier).latest("pk")
    assert "mer må gjøres" in message.subject and "Mer dokumentasjon." in message.body
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.action_report_completion(action=action, by=supplier, report="Vedlagt.")
        services.action_accept_completion(action=action, by=owner)
    assert "lukket" in told.filter(user=supplier).latest("pk").subject
    assert told.filter(user=owner).count() == 2 and told.filter(user=supplier).count() >= 2


def test_a_reported_action_is_not_reminded_to_the_supplier(audit_world: AuditWorld) -> None:
    from evaluation.audits import selectors

    action = accepted_action(audit_world, deadline_days=3)
    assert [a.pk for a, _step in selectors.actions_to_remind(today=TODAY)] == [action.pk]
    services.action_report_completion(action=action, by=audit_world.users["supplier"],
                                      report="Gjort.")
    assert selectors.actions_to_remind(today=TODAY) == []
    action.refresh_from_db()
    assert not selectors.is_overdue(action, TODAY + datetime.timedelta(days=10))


# --- who may do it: every actor, API and web ----------------------------------------------------


def _statuses(world: AuditWorld, url: str, body: dict[str, Any], api: bool) -> dict[str, int]:
    out = {}
    for actor in ACTORS:
        user = world.users[actor]
        with TestCase.captureOnCommitCallbacks(execute=False):
            if api:
                response = api_client_for(user).post(url, body, format="json")
            else:
                client = Client(HTTP_ACCEPT_LANGUAGE="en")
                if user is not None:
                    client.force_login(user)
                response = client.post(url, body)
        out[actor] = response.status_code
    return out


def test_only_the_supplier_reports_completion(audit_world: AuditWorld) -> None:
    action = accepted_action(audit_world)
    url = f"/api/corrective-actions/{action.pk}/report"
    # The supplier's request comes fourth; the actors after it meet a reported action, but
    # their refusal comes before any state is read.
    assert _statuses(audit_world, url, {"report": "Gjort."}, api=True) == {
        "owner": 403, "other_officer": 404, "third_officer": 404, "supplier": 200,
        "other_supplier": 404, "anon": 401}
    action.refresh_from_db()
    assert action.status == ActionStatus.REPORTED
    other = accepted_action(audit_world)
    web = _statuses(audit_world, f"/corrective-actions/{other.pk}/report/",
                    {"report": "Gjort."}, api=False)
    assert web == {"owner": 403, "other_officer": 404, "third_officer": 404, "supplier": 302,
                   "other_supplier": 404, "anon": 302}
    other.refresh_from_db()
    assert other.status == ActionStatus.REPORTED


@pytest.mark.parametrize("step", ["accept", "return"])
def test_only_the_owner_answers_a_completion_report(audit_world: AuditWorld,
                                                    step: str) -> None:
    action = accepted_action(audit_world)
    services.action_report_completion(action=action, by=audit_world.users["supplier"],
                                      report="Gjort.")
    body = {"answer": "Mer, takk."}
    assert _statuses(audit_world, f"/api/corrective-actions/{action.pk}/report/{step}", body,
                     api=True) == {
        "owner": 200, "other_officer": 404, "third_officer": 404, "supplier": 403,
        "other_supplier": 404, "anon": 401}
    action.refresh_from_db()
    assert action.status == (ActionStatus.CLOSED if step == "accept" else ActionStatus.ACCEPTED)
    other = accepted_action(audit_world)
    services.action_report_completion(action=other, by=audit_world.users["supplier"],
                                      report="Gjort.")
    web = _statuses(audit_world, f"/corrective-actions/{other.pk}/report/{step}/", body,
                    api=False)
    assert web == {"owner": 302, "other_officer": 404, "third_officer": 404, "supplier": 403,
                   "other_supplier": 404, "anon": 302}
    other.refresh_from_db()
    assert other.status == (ActionStatus.CLOSED if step == "accept" else ActionStatus.ACCEPTED)


def test_bad_input_is_a_400_naming_the_field_and_a_wrong_state_a_409(
        audit_world: AuditWorld) -> None:
    action = accepted_action(audit_world)
    supplier = api_client_for(audit_world.users["supplier"])
    owner = api_client_for(audit_world.users["owner"])
    response = supplier.post(f"/api/corrective-actions/{action.pk}/report", {},
                             format="json")
    assert response.status_code == 400 and "report" in response.json()["error"]["fields"]
    response = owner.post(f"/api/corrective-actions/{action.pk}/report/accept", {},
                          format="json")
    assert response.status_code == 409
    supplier.post(f"/api/corrective-actions/{action.pk}/report", {"report": "Gjort."},
                  format="json")
    response = owner.post(f"/api/corrective-actions/{action.pk}/report/return",
                          {"answer": ""}, format="json")
    assert response.status_code == 400 and "answer" in response.json()["error"]["fields"]
    body = supplier.get(f"/api/audits/{action.finding.audit_id}").json()
    shown = body["findings"][0]["actions"][0]
    assert shown["status"] == "reported" and shown["completion_report"] == "Gjort."
    assert shown["completion_late"] is False and shown["completion_reported_by"]


def test_the_web_journey_of_a_completion_report(audit_world: AuditWorld) -> None:
    action = accepted_action(audit_world)
    audit_id = action.finding.audit_id
    owner, supplier = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="nb")
    owner.force_login(audit_world.users["owner"])
    supplier.force_login(audit_world.users["supplier"])
    page = supplier.get(f"/audits/{audit_id}/").content.decode()
    assert f'action="/corrective-actions/{action.pk}/report/"' in page
    assert "Meld tiltaket utført" in page
    assert f"/corrective-actions/{action.pk}/report/" not in owner.get(
        f"/audits/{audit_id}/").content.decode().replace("report/accept", "").replace(
        "report/return", "")
    supplier.post(f"/corrective-actions/{action.pk}/report/", {"report": "Alt rettet."})
    page = owner.get(f"/audits/{audit_id}/").content.decode()
    assert "Alt rettet." in page and "Accept the report and close the action" in page
    response = owner.post(f"/corrective-actions/{action.pk}/report/return/", {"answer": ""},
                          follow=True)
    assert "Say what more must be done." in response.content.decode()
    owner.post(f"/corrective-actions/{action.pk}/report/return/", {"answer": "Bilder, takk."})
    action.refresh_from_db()
    assert action.status == ActionStatus.ACCEPTED
    assert "Bilder, takk." in supplier.get(f"/audits/{audit_id}/").content.decode()
    supplier.post(f"/corrective-actions/{action.pk}/report/", {"report": "Bilder sendt."})
    owner.post(f"/corrective-actions/{action.pk}/report/accept/", {"answer": ""})
    action.refresh_from_db()
    assert action.status == ActionStatus.CLOSED and action.closed_via == ClosedVia.REPORT
    page = owner.get(f"/audits/{audit_id}/").content.decode()
    assert "Closed on the supplier&#x27;s completion report" in page
