"""Climate and environment (FOA § 7-9): the rule in force on the publication date, as dated
rows, on both sides of 2026-07-01, each declaration and exemption with its justification, the
boundary weights (29.99 % and 30 %), the ranked criteria, and the NOK 100,000 floor. Publishing
and the preview refuse with the same plain words."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from backend.errors import ApplicationError
from evaluation.criteria import services
from evaluation.criteria.checks import publish_problems
from evaluation.criteria.models import ClimateRule
from evaluation.criteria.selectors import climate_rule_on
from notices import services as notices
from notices.rules.checks import notice_publish_problems
from tests.evaluation.criteria_helpers import climate, price, quality, terms, weighted

OSLO = ZoneInfo("Europe/Oslo")
BEFORE = datetime(2026, 6, 30, 12, 0, tzinfo=OSLO)   # the 2024 rule's last day
AFTER = datetime(2026, 7, 1, 12, 0, tzinfo=OSLO)     # the revised rule's first day
EXEMPT_2026 = ["quality-nor-env-exempt-insignificant", "quality-nor-env-exempt-critical-interest",
               "quality-nor-env-exempt-national-minimum"]


def _draft(make_notice: Any, officer: Any, at: datetime, *, option: str,
           justification: str = "", criteria: list[dict[str, Any]] | None = None,
           by_priority: bool = False, **fields: Any) -> Any:
    notice = make_notice(publish=False, at=at, **fields)
    services.evaluation_model_set(
        notice=notice, by=officer, terms=terms(option=option, justification=justification,
                                              by_priority=by_priority),
        criteria=criteria if criteria is not None else weighted(), now=at)
    return notice


def _publish(notice: Any, officer: Any, at: datetime) -> Any:
    return notices.notice_publish(notice=notice, by=officer, now=at)


def _refused(notice: Any, officer: Any, at: datetime) -> str:
    with pytest.raises(ApplicationError) as caught:
        _publish(notice, officer, at)
    assert caught.value.code == "not_publishable"
    preview = notice_publish_problems(notice, at=at)
    # The preview lists exactly what publishing refuses.
    assert caught.value.messages == preview
    return caught.value.message


def test_it_seeds_two_dated_rules_either_side_of_1_july_2026(db: Any) -> None:
    old, new = climate_rule_on(BEFORE.date()), climate_rule_on(AFTER.date())
    assert old is not None and new is not None and old != new
    assert (old.valid_from.isoformat(), old.valid_to.isoformat() if old.valid_to else None) == (
        "2024-01-01", "2026-06-30")
    assert new.valid_to is None
    for rule in (old, new):
        assert (rule.min_value, rule.min_weight, rule.top_priorities) == (
            Decimal("100000"), Decimal("30"), 3)
        assert rule.source
    assert [o["code"] for o in old.options] == [
        "quality-nor-env-criteria", "quality-nor-env-spec", "quality-nor-env-none"]
    assert [o["code"] for o in new.options] == [
        "quality-nor-env-criteria", "quality-nor-env-spec", *EXEMPT_2026]
    assert climate_rule_on(datetime(2023, 12, 31).date()) is None


@pytest.mark.parametrize("at", [BEFORE, AFTER])
def test_it_publishes_climate_weighing_exactly_30_percent(make_notice: Any, officer: Any,
                                                          at: datetime) -> None:
    notice = _draft(make_notice, officer, at, option="quality-nor-env-criteria",
                    criteria=weighted("40", "30", "30"))
    assert _publish(notice, officer, at).status == "published"


@pytest.mark.parametrize("at", [BEFORE, AFTER])
def test_it_refuses_climate_weighing_29_99_percent(make_notice: Any, officer: Any,
                                                   at: datetime) -> None:
    notice = _draft(make_notice, officer, at, option="quality-nor-env-criteria",
                    criteria=weighted("40.01", "30", "29.99"))
    message = _refused(notice, officer, at)
    assert "climate and environment criteria weigh 29.99 %" in message
    assert "at least 30 %" in message


def test_it_adds_up_several_climate_criteria(make_notice: Any, officer: Any) -> None:
    split = [price("50"), quality("20"), climate("15"), climate("15", name="Emballasje")]
    notice = _draft(make_notice, officer, AFTER, option="quality-nor-env-criteria",
                    criteria=split)
    assert _publish(notice, officer, AFTER).status == "published"


def test_it_takes_the_minimum_weight_from_the_rule_row(make_notice: Any, officer: Any) -> None:
    ClimateRule.objects.filter(valid_from__year=2026).update(min_weight=Decimal("40"))
    notice = _draft(make_notice, officer, AFTER, option="quality-nor-env-criteria")
    assert "at least 40 %" in _refused(notice, officer, AFTER)


def test_it_needs_a_climate_criterion_when_the_declaration_says_criteria(
        make_notice: Any, officer: Any) -> None:
    notice = _draft(make_notice, officer, AFTER, option="quality-nor-env-criteria",
                    criteria=[price("60"), quality("40")])
    assert "no criterion has the type climate and environment" in _refused(notice, officer, AFTER)


@pytest.mark.parametrize(("priority", "ok"), [(1, True), (3, True), (4, False)])
def test_it_needs_ranked_climate_among_the_three_most_important(
        make_notice: Any, officer: Any, priority: int, ok: bool) -> None:
    others = [n for n in (1, 2, 3, 4) if n != priority]
    ranked = [price(None, priority=others[0]), quality(None, priority=others[1]),
              quality(None, priority=others[2], name="Service"), climate(None, priority=priority)]
    notice = _draft(make_notice, officer, AFTER, option="quality-nor-env-criteria",
                    criteria=ranked, by_priority=True)
    if ok:
        assert _publish(notice, officer, AFTER).status == "published"
    else:
        assert "among the 3 most important criteria (now priority 4)" in _refused(
            notice, officer, AFTER)


@pytest.mark.parametrize(("at", "code"), [
    (BEFORE, "quality-nor-env-spec"), (BEFORE, "quality-nor-env-none"),
    (AFTER, "quality-nor-env-spec"), *[(AFTER, code) for code in EXEMPT_2026]])
def test_it_publishes_each_declaration_of_its_period_with_a_justification(
        make_notice: Any, officer: Any, at: datetime, code: str) -> None:
    notice = _draft(make_notice, officer, at, option=code,
                    justification="Kravspesifikasjonen krever utslippsfrie maskiner.",
                    criteria=[price("70"), quality("30")])
    assert _publish(notice, officer, at).status == "published"


@pytest.mark.parametrize(("at", "code"), [
    (BEFORE, "quality-nor-env-spec"), (BEFORE, "quality-nor-env-none"),
    (AFTER, "quality-nor-env-spec"), *[(AFTER, code) for code in EXEMPT_2026]])
def test_it_refuses_each_declaration_without_its_justification(
        make_notice: Any, officer: Any, at: datetime, code: str) -> None:
    notice = _draft(make_notice, officer, at, option=code, justification="  ",
                    criteria=[price("70"), quality("30")])
    assert "needs a justification" in _refused(notice, officer, AFTER if at == AFTER else at)


@pytest.mark.parametrize(("at", "code"), [
    (AFTER, "quality-nor-env-none"),  # the 2024 exemption, gone from 1 July 2026
    *[(BEFORE, code) for code in EXEMPT_2026]])  # the new exemptions, not yet in force
def test_it_refuses_a_declaration_of_the_other_period(make_notice: Any, officer: Any,
                                                      at: datetime, code: str) -> None:
    notice = _draft(make_notice, officer, at, option=code, justification="Begrunnelse.",
                    criteria=[price("70"), quality("30")])
    message = _refused(notice, officer, at)
    assert "is not a declaration of the climate and environment rule in force on " \
           f"{at.date().isoformat()}" in message


def test_it_refuses_a_missing_declaration(make_notice: Any, officer: Any) -> None:
    notice = _draft(make_notice, officer, AFTER, option="")
    assert "say how the procurement meets the climate and environment rule" in _refused(
        notice, officer, AFTER)


def test_it_decides_by_the_publication_date_not_the_draft_date(make_notice: Any,
                                                               officer: Any) -> None:
    """A draft written under the 2024 rule, published after 1 July 2026, meets the new one."""
    notice = _draft(make_notice, officer, BEFORE, option="quality-nor-env-none",
                    justification="Uvesentlig klimaavtrykk.",
                    criteria=[price("70"), quality("30")])
    later = notice_publish_problems(notice, at=AFTER)
    assert any("quality-nor-env-none" in p or "negligible" in p for p in later), later
    assert publish_problems(notice, BEFORE) == []


@pytest.mark.parametrize(("value", "applies"), [("99999.99", False), ("100000", True)])
def test_it_applies_from_nok_100000(make_notice: Any, officer: Any, value: str,
                                    applies: bool) -> None:
    notice = _draft(make_notice, officer, AFTER, option="", estimated_value=Decimal(value))
    problems = publish_problems(notice, AFTER)
    assert bool(problems) is applies


def test_it_does_not_ask_a_prior_information_notice(make_notice: Any, officer: Any) -> None:
    notice = _draft(make_notice, officer, AFTER, option="", kind="pin",
                    estimated_value=Decimal("5000000"))
    assert publish_problems(notice, AFTER) == []


def test_it_asks_a_priced_quality_model_to_justify_the_climate_weight(
        make_notice: Any, officer: Any) -> None:
    model = [price(None, method="priced_quality"), quality(None, nok_per_point="2000"),
             climate(None, nok_per_point="3000")]
    notice = _draft(make_notice, officer, AFTER, option="quality-nor-env-criteria",
                    criteria=model)
    assert "with priced quality the weights are not stated" in _refused(notice, officer, AFTER)
    services.evaluation_model_set(
        notice=notice, by=officer, criteria=model, now=AFTER,
        terms=terms(justification="Maksimalt fradrag for klima er 30 % av forventet pris."))
    assert _publish(notice, officer, AFTER).status == "published"


def test_it_refuses_in_plain_norwegian_too(make_notice: Any, officer: Any) -> None:
    notice = _draft(make_notice, officer, AFTER, option="quality-nor-env-criteria",
                    criteria=weighted("40.01", "30", "29.99"))
    with translation.override("nb"):
        problems = notice_publish_problems(notice, at=AFTER)
    assert any("klima- og miljøkriteriene vekter 29,99 %" in p for p in problems), problems


def test_it_leaves_a_notice_without_a_model_to_the_tender_documents(make_notice: Any) -> None:
    notice = make_notice(publish=False, at=AFTER)
    assert publish_problems(notice, AFTER) == []


def test_it_refuses_to_publish_a_lot_without_criteria(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, at=AFTER, lots=[
        {"title": "Nord", "cpv": "45000000", "estimated_value": "900000"},
        {"title": "Sør", "cpv": "45000000", "estimated_value": "900000"}])
    services.evaluation_model_set(notice=notice, by=officer, lot_number=1, terms=terms(),
                                  criteria=weighted(), now=AFTER)
    assert "Lot 2 has no award criteria" in _refused(notice, officer, AFTER)
