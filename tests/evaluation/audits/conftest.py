"""The world of the audit tests: two authorities with a signed contract each with the same
supplier in the same high-risk category (so each holds a follow-up plan), and a third
authority whose contract with that supplier is in another category.

Actors (the six the issue names): `officer` (the owning authority), `other_officer` (another
authority with a plan with that supplier in that category), `third_officer` (an authority
without one), `supplier_user` (the audited supplier), `other_supplier_user`, anonymous.
Plans are created with the ORM: creating them at signing is evaluation.ethics' work.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Organization, OrganizationKind, Role, User
from bids.models import Manifest, Submission, SubmissionStatus
from evaluation.ethics.models import EthicalTerms, FollowUpPlan, RiskCategory
from notices.models import Notice
from tests.conftest import make_org, make_user
from tests.notices.award_fixtures import Win, decide, with_model

DAY = timedelta(days=1)


def _bid(notice: Notice, supplier: Organization) -> Submission:
    now = timezone.now()
    manifest = Manifest.objects.create(notice=notice, number=1, manifest={},
                                       manifest_hash="0" * 64, published_at=now - 20 * DAY)
    context = {"notice": notice.pk, "supplier": supplier.pk}
    bid = Submission.objects.create(
        notice=notice, supplier=supplier, status=SubmissionStatus.OPENED, manifest=manifest,
        context=context, context_hash=hashlib.sha256(str(context).encode()).hexdigest(),
        received_at=now - 12 * DAY, created_at=now - 12 * DAY)
    return Submission.objects.select_related("supplier").get(pk=bid.pk)


def contract_plan(make_notice: Callable[..., Notice], officer: User, buyer: Organization,
                  supplier: Organization, *, category: str = "textiles",
                  terms: EthicalTerms | None = None) -> FollowUpPlan:
    """A published notice of `buyer`, a sent award decision to `supplier`, its signed
    contract, and the contract's follow-up plan."""
    notice = with_model(make_notice(publish=False, buyer=buyer, by=officer), officer)
    decision = decide(notice, officer, wins=[Win(_bid(notice, supplier), Decimal("900000"))])
    return FollowUpPlan.objects.create(
        contract=decision.contracts.get(),
        terms=terms or EthicalTerms.objects.get(key="ethical-trade", version=1),
        category=RiskCategory.objects.filter(code=category).order_by("-valid_from").first(),
        self_report_due=timezone.localdate() + 90 * DAY, created_at=timezone.now())


@dataclass
class AuditWorld:
    plan: FollowUpPlan          # the owner's plan
    other_plan: FollowUpPlan    # the other authority's plan: same supplier, same category
    third_plan: FollowUpPlan    # a third authority's plan: same supplier, another category
    supplier: Organization
    users: dict[str, User | None]


@pytest.fixture
def third_authority(db: Any) -> Organization:
    return make_org(OrganizationKind.AUTHORITY, "Tromsø kommune", "other")


@pytest.fixture
def audit_world(make_notice: Callable[..., Notice], officer: User, authority: Organization,
                other_authority: Organization, other_officer: User,
                third_authority: Organization) -> AuditWorld:
    supplier = make_org(OrganizationKind.SUPPLIER, "Vevstua Tekstil AS")
    other_supplier = make_org(OrganizationKind.SUPPLIER, "Annen Leverandør AS")
    third_officer = make_user("officer@tromso.example", third_authority,
                              Role.PROCUREMENT_OFFICER)
    plan = contract_plan(make_notice, officer, authority, supplier)
    other_plan = contract_plan(make_notice, other_officer, other_authority, supplier)
    third_plan = contract_plan(make_notice, third_officer, third_authority, supplier,
                               category="ict")
    return AuditWorld(plan=plan, other_plan=other_plan, third_plan=third_plan,
                      supplier=supplier, users={
                          "owner": officer, "other_officer": other_officer,
                          "third_officer": third_officer,
                          "supplier": make_user("kari@vevstua.example", supplier,
                                                Role.SUPPLIER_ADMIN),
                          "other_supplier": make_user("ole@annen.example", other_supplier,
                                                      Role.SUPPLIER_ADMIN),
                          "anon": None})
