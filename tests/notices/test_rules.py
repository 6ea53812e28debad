"""Regime derivation at and around every threshold, and the publishing checks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from notices.models import Regime, Threshold
from notices.rules import checks as rules
from notices.rules.models import ThresholdKind

ON = date(2026, 6, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("buyer_type", "contract_type", "eea"), [
    ("state", "supplies", 1_490_000),
    ("state", "services", 1_490_000),
    ("other", "services", 2_300_000),
    ("other", "works", 57_800_000),
    ("state", "works", 57_800_000),
    ("other", "social", 7_800_000),
    ("utilities", "services", 4_600_000),
])
def test_it_derives_the_regime_at_each_eea_threshold(buyer_type, contract_type, eea):
    def regime(value: int) -> str:
        return rules.regime_for(value=Decimal(value), buyer_type=buyer_type,
                                contract_type=contract_type, on=ON).regime

    assert regime(eea - 1) == Regime.PART_II
    assert regime(eea) == Regime.PART_III  # at the threshold counts as above
    assert regime(eea + 1) == Regime.PART_III


@pytest.mark.django_db
@pytest.mark.parametrize("buyer_type", ["state", "other", "utilities"])
def test_it_derives_the_national_regimes_at_their_boundaries(buyer_type):
    def regime(value: str) -> str:
        return rules.regime_for(value=Decimal(value), buyer_type=buyer_type,
                                contract_type="services", on=ON).regime

    assert regime("0") == Regime.BELOW
    assert regime("99999.99") == Regime.BELOW
    assert regime("100000") == Regime.PART_I
    assert regime("1299999.99") == Regime.PART_I
    assert regime("1300000") == Regime.PART_II


@pytest.mark.django_db
def test_it_uses_the_rule_valid_on_the_date():
    Threshold.objects.create(kind=ThresholdKind.EEA, buyer_type="state", category="goods_services",
                             amount=Decimal("1600000"), valid_from=date(2027, 1, 1))
    before = rules.regime_for(value=Decimal("1500000"), buyer_type="state",
                              contract_type="supplies", on=date(2026, 12, 31))
    after = rules.regime_for(value=Decimal("1500000"), buyer_type="state",
                             contract_type="supplies", on=date(2027, 1, 1))
    assert (before.regime, before.eea) == (Regime.PART_III, Decimal("1490000"))
    assert (after.regime, after.eea) == (Regime.PART_II, Decimal("1600000"))


@pytest.mark.django_db
def test_it_explains_the_regime_in_plain_words():
    result = rules.regime_for(value=Decimal("900000"), buyer_type="other",
                              contract_type="services", on=ON)
    assert "national threshold" in result.explain(Decimal("900000"))
    assert "1,300,000" in result.explain(Decimal("900000")) or "1\xa0300\xa0000" in result.explain(
        Decimal("900000"))


@pytest.mark.django_db
def test_it_refuses_an_eea_deadline_shorter_than_30_days(make_notice, now):
    notice = make_notice(publish=False, kind="cn", estimated_value=Decimal("5000000"),
                         submission_deadline=now + timedelta(days=12, hours=1),
                         question_deadline=now + timedelta(days=5))
    problems = rules.check_publishable(notice, at=now)
    assert any("12 days after publication" in p and "at least 30 days" in p for p in problems)


@pytest.mark.django_db
def test_it_accepts_a_shortened_deadline_only_with_a_reason(make_notice, now):
    notice = make_notice(publish=False, kind="cn", estimated_value=Decimal("5000000"),
                         submission_deadline=now + timedelta(days=16),
                         question_deadline=now + timedelta(days=10), accelerated=True)
    problems = rules.check_publishable(notice, at=now)
    assert any("Explain why the deadline is shortened" in p for p in problems)
    assert not any("at least" in p for p in problems)


@pytest.mark.django_db
def test_it_refuses_a_notice_kind_that_does_not_fit_the_regime(make_notice, now):
    notice = make_notice(publish=False, kind="cn", estimated_value=Decimal("900000"))
    problems = rules.check_publishable(notice, at=now)
    assert any("Part I" in p and "“Voluntary notice (Part I)”" in p for p in problems)


@pytest.mark.django_db
def test_it_requires_the_question_deadline_before_the_tender_deadline(make_notice, now):
    notice = make_notice(publish=False, question_deadline=now + timedelta(days=30))
    problems = rules.check_publishable(notice, at=now)
    assert any("deadline for questions" in p for p in problems)


@pytest.mark.django_db
def test_it_refuses_lots_worth_more_than_the_whole(make_notice, now):
    notice = make_notice(publish=False, estimated_value=Decimal("1500000"), lots=[
        {"title": "A", "cpv": "45000000", "estimated_value": "1000000"},
        {"title": "B", "cpv": "45000000", "estimated_value": "1000000"},
    ])
    problems = rules.check_publishable(notice, at=now)
    assert any("lots add up to" in p for p in problems)


@pytest.mark.django_db
def test_a_complete_national_notice_has_no_problems(make_notice, now):
    notice = make_notice(publish=False)
    assert rules.check_publishable(notice, at=now) == []
