"""What the audit and follow-up pages show people: human labels, never the stored codes
(event kinds, risk-category codes, terms keys), in bokmål and in English."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from evaluation.audits import services
from tests.conftest import page_as
from tests.evaluation.audits.conftest import AuditWorld

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _audit_with_an_action(world: AuditWorld) -> Any:
    owner = world.users["owner"]
    assert owner is not None
    audit = services.audit_plan(plan=world.plan, by=owner, kind="on_site",
                                performed_by="third_party", auditor_name="Revisjon AS",
                                planned_on=TODAY, purpose="Risiko for tvangsarbeid.")
    finding = services.finding_record(audit=audit, by=owner, severity="major",
                                      description="Overtid uten betaling.")
    services.action_request(finding=finding, by=owner, requirement="Betal overtid.",
                            deadline=TODAY + datetime.timedelta(days=30))
    return audit


@pytest.mark.parametrize(("language", "labels"), [
    ("nb", ["Revisjon planlagt", "Revisjonsfunn registrert", "Korrigerende tiltak kreves"]),
    ("en", ["Audit planned", "Audit finding recorded", "Corrective action required"]),
])
def test_the_plan_history_shows_audit_events_by_their_labels(
        audit_world: AuditWorld, language: str, labels: list[str]) -> None:
    _audit_with_an_action(audit_world)
    for who in ("owner", "supplier"):
        page = page_as(audit_world.users[who], f"/follow-ups/{audit_world.plan.pk}/", language)
        for label in labels:
            assert label in page, (who, label)
        for code in ("audit.planned", "audit.finding", "audit.action_requested"):
            assert code not in page, (who, code)


@pytest.mark.parametrize(("language", "category", "terms"), [
    ("nb", "Tekstiler, klær og sko", "Kontraktsvilkår for etisk handel, versjon 1"),
    ("en", "Textiles, clothing and footwear", "Contract terms for ethical trade, version 1"),
])
def test_audit_pages_name_the_category_and_the_terms(
        audit_world: AuditWorld, language: str, category: str, terms: str) -> None:
    audit = _audit_with_an_action(audit_world)
    owner = audit_world.users["owner"]
    assert owner is not None
    audit_page = page_as(owner, f"/audits/{audit.pk}/", language)
    assert f"Vevstua Tekstil AS · {category}" in audit_page
    assert "· textiles" not in audit_page
    plan_page = page_as(owner, f"/follow-ups/{audit_world.plan.pk}/audits/", language)
    assert f"Vevstua Tekstil AS · {terms}" in plan_page
    assert "ethical-trade v1" not in plan_page
    services.audit_complete(audit=audit, by=owner, completed_on=TODAY, summary="To avvik.")
    services.audit_publish_summary(audit=audit, by=owner, summary="Revidert, to avvik.")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    published = client.get("/audits/published/").content.decode()
    assert f"· {category} ·" in published and "· textiles ·" not in published
