"""Sharing an audit with another authority, relying on it, and the public summaries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from backend.errors import ApplicationError, Conflict
from evaluation.audits import selectors, services
from evaluation.audits.models import Audit, AuditEventKind, AuditReliance
from evaluation.ethics.models import EthicalTerms, FollowUpEvent, FollowUpPlan
from tests.evaluation.audits.conftest import AuditWorld

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def completed(world: AuditWorld, on: datetime.date = TODAY) -> Audit:
    owner = world.users["owner"]
    audit = services.audit_plan(plan=world.plan, by=owner, kind="desk",
                                performed_by="own_staff", planned_on=on, purpose="Årlig.")
    services.audit_complete(audit=audit, by=owner, completed_on=on, summary="Ingen avvik.")
    audit.refresh_from_db()
    return audit


def test_it_shares_only_with_authorities_holding_a_plan_in_the_same_category(
        audit_world: AuditWorld) -> None:
    audit = completed(audit_world)
    other = audit_world.other_plan.contract.notice.buyer
    third = audit_world.third_plan.contract.notice.buyer
    assert selectors.share_candidates(audit) == [other]
    with pytest.raises(ApplicationError) as caught:
        services.audit_share(audit=audit, by=audit_world.users["owner"],
                             organization_id=third.pk)
    assert "organization" in caught.value.fields
    services.audit_share(audit=audit, by=audit_world.users["owner"], organization_id=other.pk)
    assert selectors.share_candidates(audit) == []
    assert FollowUpEvent.objects.filter(plan=audit_world.plan,
                                        kind=AuditEventKind.SHARED).count() == 1


def test_it_lets_the_other_authority_rely_on_a_shared_audit_once(
        audit_world: AuditWorld) -> None:
    audit = completed(audit_world)
    other_plan = audit_world.other_plan
    by = audit_world.users["other_officer"]
    with pytest.raises(Conflict, match="not been shared"):
        services.audit_rely(audit=audit, plan=other_plan, by=by, reason="Samme leverandør.")
    services.audit_share(audit=audit, by=audit_world.users["owner"],
                         organization_id=other_plan.contract.notice.buyer_id)
    assert selectors.reliable_audits(other_plan, today=TODAY) == [audit]
    services.audit_rely(audit=audit, plan=other_plan, by=by, reason="Samme leverandør.")
    event = FollowUpEvent.objects.get(plan=other_plan, kind=AuditEventKind.RELIED_ON)
    assert event.by == by and event.data["audit"] == audit.pk
    assert AuditReliance.objects.filter(plan=other_plan, audit=audit).count() == 1
    with pytest.raises(Conflict):
        services.audit_rely(audit=audit, plan=other_plan, by=by, reason="Igjen.")


def test_it_refuses_an_audit_older_than_three_years_by_the_database_clock(
        audit_world: AuditWorld) -> None:
    old = TODAY.replace(year=TODAY.year - 3) - datetime.timedelta(days=1)
    audit = completed(audit_world, on=old)
    services.audit_share(audit=audit, by=audit_world.users["owner"],
                         organization_id=audit_world.other_plan.contract.notice.buyer_id)
    assert selectors.reliable_audits(audit_world.other_plan, today=TODAY) == []
    with pytest.raises(Conflict, match="more than 3 years"):
        services.audit_rely(audit=audit, plan=audit_world.other_plan,
                            by=audit_world.users["other_officer"], reason="Gammel.")
    # Exactly three years old is still allowed.
    Audit.objects.filter(pk=audit.pk).update(completed_on=TODAY.replace(year=TODAY.year - 3))
    services.audit_rely(audit=audit, plan=audit_world.other_plan,
                        by=audit_world.users["other_officer"], reason="Akkurat.")


def test_it_refuses_an_audit_made_under_other_terms(audit_world: AuditWorld) -> None:
    terms = EthicalTerms.objects.get(key="ethical-trade", version=1)
    other_terms = EthicalTerms.objects.create(
        key="other-terms", version=1, title_nb="A", title_en="A", text_nb="A", text_en="A",
        source="x", valid_from=terms.valid_from)
    FollowUpPlan.objects.filter(pk=audit_world.other_plan.pk).update(terms=other_terms)
    audit = completed(audit_world)
    services.audit_share(audit=audit, by=audit_world.users["owner"],
                         organization_id=audit_world.other_plan.contract.notice.buyer_id)
    plan = FollowUpPlan.objects.get(pk=audit_world.other_plan.pk)
    with pytest.raises(Conflict, match="other ethical-trade terms"):
        services.audit_rely(audit=audit, plan=plan, by=audit_world.users["other_officer"],
                            reason="x")


def test_only_a_published_summary_is_public(audit_world: AuditWorld, client: Any) -> None:
    audit = completed(audit_world)
    services.finding_record(audit=audit, by=audit_world.users["owner"], severity="critical",
                            description="HEMMELIG FUNN")
    assert "Vevstua" not in client.get("/audits/published/").content.decode()
    services.audit_publish_summary(audit=audit, by=audit_world.users["owner"],
                                   summary="Revisjon uten alvorlige avvik.")
    page = client.get("/audits/published/").content.decode()
    assert "Revisjon uten alvorlige avvik." in page and "Vevstua" in page
    assert "HEMMELIG FUNN" not in page and "Ingen avvik." not in page
    body = client.get("/api/audits/published").json()
    assert [row["public_summary"] for row in body] == ["Revisjon uten alvorlige avvik."]
    assert "summary" not in body[0]


def test_the_age_limit_is_the_dated_rule_row_in_force_on_the_day(
        audit_world: AuditWorld) -> None:
    """The limit is data (RelianceRule, seeded 3 years from 2017): a later row with another
    limit decides from its valid_from, and the day is the database clock's unless `now=`."""
    from django.utils import timezone

    from evaluation.audits.models import RelianceRule

    seeded = selectors.reliance_rule_for(TODAY)
    assert seeded is not None and seeded.max_age_years == 3 and seeded.valid_from == \
        datetime.date(2017, 1, 1)
    old = TODAY - datetime.timedelta(days=365 * 2 + 180)  # about two and a half years ago
    audit = completed(audit_world, on=old)
    services.audit_share(audit=audit, by=audit_world.users["owner"],
                         organization_id=audit_world.other_plan.contract.notice.buyer_id)
    changed_on = TODAY - datetime.timedelta(days=10)
    RelianceRule.objects.create(valid_from=changed_on, max_age_years=2, source="test")
    plan, by = audit_world.other_plan, audit_world.users["other_officer"]
    before = timezone.now() - datetime.timedelta(days=20)
    # Under the new row (today, by the database clock): too old.
    assert selectors.reliable_audits(plan, today=TODAY) == []
    assert selectors.reliable_audits(plan, today=changed_on - datetime.timedelta(days=1)) == [
        audit]
    with pytest.raises(Conflict, match="more than 2 years"):
        services.audit_rely(audit=audit, plan=plan, by=by, reason="Nå.")
    # On a day before the new row, the seeded 3 years decide: allowed.
    reliance = services.audit_rely(audit=audit, plan=plan, by=by, reason="Før.", now=before)
    assert reliance.relied_at == before


def test_without_a_rule_in_force_nothing_may_be_relied_on(audit_world: AuditWorld) -> None:
    from evaluation.audits.models import RelianceRule

    audit = completed(audit_world)
    services.audit_share(audit=audit, by=audit_world.users["owner"],
                         organization_id=audit_world.other_plan.contract.notice.buyer_id)
    RelianceRule.objects.all().delete()
    assert selectors.reliable_audits(audit_world.other_plan, today=TODAY) == []
    with pytest.raises(Conflict, match="No rule"):
        services.audit_rely(audit=audit, plan=audit_world.other_plan,
                            by=audit_world.users["other_officer"], reason="x")
