"""Fixtures for the ethical-trade follow-up: a signed contract whose notice carries the terms.

The awarded tender comes from tests/evaluation/contract (a sent decision, the standstill
over). Its notice is published with CPV 45000000 (not high-risk) and its deadline has passed,
so the terms are put on it as the notice row, as if chosen on the draft; choosing itself is
tested on drafts in test_terms.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from evaluation.award.models import Contract
from evaluation.contract import services as contract_services
from evaluation.ethics.models import EthicalTerms, FollowUpPlan, NoticeEthicalTerms, RiskCategory
from tests.evaluation.contract.conftest import Awarded, awarded, sign_kwargs  # noqa: F401


def carry_terms(notice: Any, by: User) -> NoticeEthicalTerms:
    return NoticeEthicalTerms.objects.create(
        notice=notice, terms=EthicalTerms.objects.get(key="ethical-trade", version=1),
        category=RiskCategory.objects.get(code="textiles"), chosen_at=timezone.now(),
        chosen_by=by)


@pytest.fixture
def sign(awarded: Awarded) -> Callable[..., Contract]:  # noqa: F811
    def factory(*, signed_on: date | None = None, terms: bool = True) -> Contract:
        if terms:
            carry_terms(awarded.notice, awarded.officer)
        kwargs = sign_kwargs(awarded)
        if signed_on is not None:
            kwargs.update(signed_on=signed_on, starts_on=signed_on, ends_on=None)
        return contract_services.contract_sign(**kwargs)

    return factory


@pytest.fixture
def plan(sign: Callable[..., Contract]) -> FollowUpPlan:
    contract = sign()
    return FollowUpPlan.objects.get(contract=contract)


REPORT = {"policies": "Vi har retningslinjer for aktsomhetsvurderinger.",
          "risk_analysis": "Høy risiko for tvangsarbeid i bomullsproduksjon; vi krever "
                           "sporbarhet og reviderer fabrikken årlig.",
          "supply_chain": [{"name": "Dhaka Garments Ltd", "country": "bd",
                            "produces": "Sying av arbeidsklær"},
                           {"name": "Cotton Co", "country": "IN", "produces": "Bomullsgarn"}]}
