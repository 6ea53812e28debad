"""Who sees and does what, for the six actors of the issue: the owning authority, another
authority with a plan with that supplier in that category, another authority without one,
the supplier, another supplier, and anonymous."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from evaluation.audits import services
from evaluation.audits.models import Audit
from tests.conftest import api_client_for
from tests.evaluation.audits.conftest import AuditWorld

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
ACTORS = ("owner", "other_officer", "third_officer", "supplier", "other_supplier", "anon")


@pytest.fixture
def shared(audit_world: AuditWorld) -> tuple[Audit, Any]:
    owner = audit_world.users["owner"]
    audit = services.audit_plan(plan=audit_world.plan, by=owner, kind="on_site",
                                performed_by="own_staff", planned_on=TODAY, purpose="Årlig.")
    services.audit_complete(audit=audit, by=owner, completed_on=TODAY, summary="Sammendrag.")
    finding = services.finding_record(audit=audit, by=owner, severity="minor",
                                      description="Funn.")
    action = services.action_request(finding=finding, by=owner, requirement="Rett opp.",
                                     deadline=TODAY + datetime.timedelta(days=20))
    services.audit_share(audit=audit, by=owner,
                         organization_id=audit_world.other_plan.contract.notice.buyer_id)
    return audit, action


def _statuses(world: AuditWorld, method: str, url: str, body: dict[str, Any] | None = None,
              api: bool = True) -> dict[str, int]:
    out = {}
    for actor in ACTORS:
        user = world.users[actor]
        if api:
            client = api_client_for(user)
            response = getattr(client, method)(url, body or {}, format="json")
        else:
            client = Client(HTTP_ACCEPT_LANGUAGE="en")
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(url, body or {})
        out[actor] = response.status_code
    return out


def test_the_audit_is_seen_by_owner_supplier_and_the_authority_it_was_shared_with(
        audit_world: AuditWorld, shared: tuple[Audit, Any]) -> None:
    audit, _action = shared
    assert _statuses(audit_world, "get", f"/api/audits/{audit.pk}") == {
        "owner": 200, "other_officer": 200, "third_officer": 404, "supplier": 200,
        "other_supplier": 404, "anon": 401}
    web = _statuses(audit_world, "get", f"/audits/{audit.pk}/", api=False)
    assert web == {"owner": 200, "other_officer": 200, "third_officer": 404, "supplier": 200,
                   "other_supplier": 404, "anon": 302}


def test_a_share_recipient_sees_the_findings_but_not_the_actions(
        audit_world: AuditWorld, shared: tuple[Audit, Any]) -> None:
    audit, _action = shared
    body = api_client_for(audit_world.users["other_officer"]).get(
        f"/api/audits/{audit.pk}").json()
    assert body["full"] is False and body["findings"][0]["description"] == "Funn."
    assert body["findings"][0]["actions"] == [] and body["shares"] == []
    body = api_client_for(audit_world.users["supplier"]).get(f"/api/audits/{audit.pk}").json()
    assert body["full"] is True and body["findings"][0]["actions"][0]["requirement"] == \
        "Rett opp."
    # The supplier sees with whom its audit is shared.
    assert [s["organization_name"] for s in body["shares"]] == ["Statens vegvesen"]


def test_only_the_owner_records_findings(audit_world: AuditWorld,
                                         shared: tuple[Audit, Any]) -> None:
    audit, _action = shared
    got = _statuses(audit_world, "post", f"/api/audits/{audit.pk}/findings",
                    {"severity": "major", "description": "Nytt funn."})
    assert got == {"owner": 201, "other_officer": 403, "third_officer": 404, "supplier": 403,
                   "other_supplier": 404, "anon": 401}
    assert audit.findings.count() == 2


def test_only_the_supplier_proposes_a_corrective_action_plan(
        audit_world: AuditWorld, shared: tuple[Audit, Any]) -> None:
    _audit, action = shared
    got = _statuses(audit_world, "post", f"/api/corrective-actions/{action.pk}/propose",
                    {"proposal": "Vi retter opp innen mai."})
    assert got == {"owner": 403, "other_officer": 404, "third_officer": 404, "supplier": 200,
                   "other_supplier": 404, "anon": 401}


def test_a_plans_audits_page(audit_world: AuditWorld, shared: tuple[Audit, Any]) -> None:
    url = f"/follow-ups/{audit_world.plan.pk}/audits/"
    assert _statuses(audit_world, "get", url, api=False) == {
        "owner": 200, "other_officer": 404, "third_officer": 404, "supplier": 200,
        "other_supplier": 404, "anon": 302}
    # The other authority sees, on its own plan, the shared audit it may rely on.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(audit_world.users["other_officer"])
    page = client.get(f"/follow-ups/{audit_world.other_plan.pk}/audits/")
    assert page.status_code == 200 and "Rely on this audit" in page.content.decode()
    response = client.post(f"/follow-ups/{audit_world.other_plan.pk}/audits/rely/",
                           {"audit": shared[0].pk, "reason": "Samme leverandør."})
    assert response.status_code == 302
    assert shared[0].reliances.filter(plan=audit_world.other_plan).exists()


def test_bad_input_is_a_400_naming_the_field(audit_world: AuditWorld) -> None:
    client = api_client_for(audit_world.users["owner"])
    response = client.post(f"/api/follow-ups/{audit_world.plan.pk}/audits",
                           {"kind": "on_site", "performed_by": "third_party",
                            "planned_on": TODAY.isoformat(), "purpose": "Årlig."},
                           format="json")
    assert response.status_code == 400
    assert "auditor_name" in response.json()["error"]["fields"]
    response = client.post(f"/api/follow-ups/{audit_world.plan.pk}/audits",
                           {"kind": "spaceship"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["error"]["fields"]
    assert not Audit.objects.exists()


def test_the_web_journey_from_plan_to_a_corrective_action(audit_world: AuditWorld) -> None:
    owner, supplier = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    owner.force_login(audit_world.users["owner"])
    supplier.force_login(audit_world.users["supplier"])
    plan = audit_world.plan.pk
    owner.post(f"/follow-ups/{plan}/audits/new/", {
        "kind": "desk", "performed_by": "own_staff", "planned_on": TODAY.isoformat(),
        "purpose": "Årlig kontroll."})
    audit = Audit.objects.get(plan_id=plan)
    owner.post(f"/audits/{audit.pk}/findings/", {"severity": "critical",
                                                 "description": "Barnearbeid."})
    finding = audit.findings.get()
    owner.post(f"/audit-findings/{finding.pk}/actions/", {
        "requirement": "Stans umiddelbart.",
        "deadline": (TODAY + datetime.timedelta(days=5)).isoformat()})
    action = finding.actions.get()
    page = supplier.get(f"/audits/{audit.pk}/").content.decode()
    assert "Stans umiddelbart." in page and f'action="/corrective-actions/{action.pk}/propose/"' \
        in page
    supplier.post(f"/corrective-actions/{action.pk}/propose/", {"proposal": "Stanset."})
    owner.post(f"/corrective-actions/{action.pk}/accept/", {"answer": ""})
    action.refresh_from_db()
    assert action.status == "accepted"
    # A refusal is shown, and nothing changes.
    response = owner.post(f"/corrective-actions/{action.pk}/close/", {"note": ""},
                          follow=True)
    assert "How it was done" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "accepted"


def test_the_supplier_sees_what_is_shared_about_it_and_others_see_nothing(
        audit_world: AuditWorld, shared: tuple[Audit, Any]) -> None:
    pages = {}
    for actor in ("supplier", "other_supplier", "other_officer", "third_officer"):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(audit_world.users[actor])
        response = client.get("/audits/")
        assert response.status_code == 200
        pages[actor] = response.content.decode()
    assert "Audits of your organisation" in pages["supplier"]
    assert "Shared with: Statens vegvesen" in pages["supplier"]
    assert "Vevstua" not in pages["other_supplier"] and "Vevstua" not in pages["third_officer"]
    assert "Vevstua Tekstil AS: On-site audit" in pages["other_officer"]
    assert Client().get("/audits/").status_code == 302


def test_the_owner_cancels_a_planned_audit_on_the_web(audit_world: AuditWorld) -> None:
    owner = audit_world.users["owner"]
    audit = services.audit_plan(plan=audit_world.plan, by=owner, kind="desk",
                                performed_by="own_staff", planned_on=TODAY, purpose="x")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(owner)
    assert client.post(f"/audits/{audit.pk}/cancel/", {"reason": ""}).status_code == 302
    audit.refresh_from_db()
    assert audit.status == "planned"
    client.post(f"/audits/{audit.pk}/cancel/", {"reason": "Leverandøren har sagt opp."})
    audit.refresh_from_db()
    assert audit.status == "cancelled"


def test_the_audits_page_lists_each_persons_audits(audit_world: AuditWorld,
                                                  shared: tuple[Audit, Any]) -> None:
    """The authority's own audits, those shared with it, and a supplier's audits of it."""
    audit = shared[0]
    link = f'href="/audits/{audit.pk}/"'

    def sections(role: str) -> set[str]:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(audit_world.users[role])
        page = client.get("/audits/").content.decode()
        found = set()
        for name, start in (("ours", 'id="ours"'), ("shared", 'id="shared"'),
                            ("about_us", 'id="about-us"')):
            if start in page:
                section = page[page.index(start):]
                section = section[:section.index("</section>")]
                if link in section:
                    found.add(name)
        return found

    assert sections("owner") == {"ours"}
    assert sections("other_officer") == {"shared"}
    assert sections("third_officer") == set()
    assert sections("supplier") == {"about_us"}
    assert sections("other_supplier") == set()
