"""Setting the evaluation model of a draft: one lot in one call, validated field by field,
nothing written on bad input, the edit recorded; and its frozen copy in every published
version with a SHA-256 over canonical JSON."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import pytest

from backend.errors import ApplicationError, Conflict, Forbidden
from crypto.canonical import canonical_json
from evaluation.criteria import services
from evaluation.criteria.models import AwardCriterion, LotAwardTerms, QualificationRequirement
from evaluation.criteria.selectors import frozen_model_of, model_of, scoring_model_of
from notices import services as notices
from notices.models import NoticeEvent, NoticeEventKind
from tests.evaluation.criteria_helpers import (
    climate,
    price,
    quality,
    requirement,
    terms,
    weighted,
)

LOTS = [{"title": "Nord", "cpv": "45000000", "estimated_value": "900000"},
        {"title": "Sør", "cpv": "45000000", "estimated_value": "900000"}]


@pytest.fixture
def draft(make_notice: Any) -> Any:
    return make_notice(publish=False)


def _set(notice: Any, officer: Any, **kwargs: Any) -> Any:
    kwargs.setdefault("terms", terms())
    kwargs.setdefault("criteria", weighted())
    return services.evaluation_model_set(notice=notice, by=officer, **kwargs)


def _error(call: Any) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call()
    return caught.value


def test_it_sets_a_lot_in_one_call_and_records_the_edit(draft: Any, officer: Any) -> None:
    _set(draft, officer, requirements=[requirement()])
    rows = list(AwardCriterion.objects.filter(notice=draft).order_by("position"))
    assert [(r.position, r.kind, r.weight) for r in rows] == [
        (1, "price", Decimal("40.00")), (2, "quality", Decimal("30.00")),
        (3, "climate", Decimal("30.00"))]
    term = LotAwardTerms.objects.get(notice=draft, lot_number=0)
    assert (term.basis, term.climate_option) == ("best_ratio", "quality-nor-env-criteria")
    assert QualificationRequirement.objects.get(notice=draft).documentation.startswith("Årsreg")
    event = NoticeEvent.objects.filter(notice=draft).latest("pk")
    assert event.kind == NoticeEventKind.DRAFT_UPDATED
    assert event.data["fields"] == ["evaluation_model"]
    assert event.data["sha256"] == hashlib.sha256(canonical_json(model_of(draft))).hexdigest()


def test_it_replaces_a_lot_whole_on_the_next_call(draft: Any, officer: Any) -> None:
    _set(draft, officer)
    _set(draft, officer, criteria=[price("70"), climate("30")])
    assert list(AwardCriterion.objects.filter(notice=draft).values_list("name", flat=True)) == [
        "Pris", "Klima og miljø"]


@pytest.mark.parametrize(("criteria", "field"), [
    # weights that do not add up, and the boundary either side
    (weighted("40", "30", "29.99"), "criteria"),
    (weighted("40", "30", "30.01"), "criteria"),
    # kinds vs methods
    ([price("40", method="points"), quality("30"), climate("30")], "criteria[0].method"),
    ([price("40"), quality("30", method="price_linear"), climate("30")], "criteria[1].method"),
    # a weight out of range or with three decimals, a missing name, an unknown kind
    ([price("140"), quality("-10"), climate("-30")], "criteria[0].weight"),
    ([price("40.005"), quality("30"), climate("29.995")], "criteria[0].weight"),
    ([price("40", name=""), quality("30"), climate("30")], "criteria[0].name"),
    ([{**price("40"), "kind": "beauty"}, quality("30"), climate("30")], "criteria[0].kind"),
    # points need a described scale
    ([price("40"), quality("30", scale=""), climate("30")], "criteria[1].scale"),
    # NOK per point belongs to priced quality
    ([price("40"), quality("30", nok_per_point="500"), climate("30")],
     "criteria[1].nok_per_point"),
    # sub-criteria weights sum to 100 or are all empty
    ([price("40"), quality("30", sub_criteria=[{"name": "Plan", "weight": "60"},
                                               {"name": "Bemanning", "weight": "30"}]),
      climate("30")], "criteria[1].sub_criteria"),
    ([price("40"), quality("30", sub_criteria=[{"name": "", "weight": "100"}]), climate("30")],
     "criteria[1].sub_criteria[0].name"),
    # text limits
    ([price("40", name="P" * 201), quality("30"), climate("30")], "criteria[0].name"),
    ([price("40", description="x\x00y"), quality("30"), climate("30")],
     "criteria[0].description"),
    ([], "criteria"),
])
def test_it_refuses_a_bad_model_naming_the_field_and_writes_nothing(
        draft: Any, officer: Any, criteria: list[dict[str, Any]], field: str) -> None:
    error = _error(lambda: _set(draft, officer, criteria=criteria))
    assert field in error.fields, error.fields
    assert error.status_code == 400
    assert not AwardCriterion.objects.filter(notice=draft).exists()
    assert not LotAwardTerms.objects.filter(notice=draft).exists()
    assert not NoticeEvent.objects.filter(notice=draft,
                                          kind=NoticeEventKind.DRAFT_UPDATED).exists()


def test_it_accepts_weights_that_sum_to_exactly_100(draft: Any, officer: Any) -> None:
    _set(draft, officer, criteria=weighted("39.99", "30.01", "30"))
    assert AwardCriterion.objects.filter(notice=draft).count() == 3


def test_it_takes_priorities_1_to_n_each_once(draft: Any, officer: Any) -> None:
    ranked = [price(None, priority=2), quality(None, priority=1), climate(None, priority=3)]
    _set(draft, officer, terms=terms(by_priority=True), criteria=ranked)
    assert list(AwardCriterion.objects.filter(notice=draft).order_by("priority").values_list(
        "priority", flat=True)) == [1, 2, 3]
    twice = [price(None, priority=1), quality(None, priority=1), climate(None, priority=3)]
    error = _error(lambda: _set(draft, officer, terms=terms(by_priority=True), criteria=twice))
    assert "criteria" in error.fields
    mixed = [price("40", priority=1), quality(None, priority=2), climate(None, priority=3)]
    error = _error(lambda: _set(draft, officer, terms=terms(by_priority=True), criteria=mixed))
    assert "criteria[0].weight" in error.fields


def test_it_needs_one_price_criterion_for_the_lowest_price(draft: Any, officer: Any) -> None:
    _set(draft, officer, terms=terms(basis="lowest_price", option="quality-nor-env-spec"),
         criteria=[price(None)])
    assert AwardCriterion.objects.get(notice=draft).weight == Decimal("100.00")
    error = _error(lambda: _set(draft, officer, terms=terms(basis="lowest_price"),
                                criteria=weighted()))
    assert "criteria" in error.fields
    error = _error(lambda: _set(draft, officer, terms=terms(basis="lowest_price"),
                                criteria=[quality("100")]))
    assert "criteria" in error.fields
    _set(draft, officer, terms=terms(basis="lowest_cost"),
         criteria=[{**price(None), "kind": "cost", "name": "Livssykluskostnad"}])


def test_it_needs_nok_per_point_on_the_quality_criteria_of_priced_quality(
        draft: Any, officer: Any) -> None:
    model = [price(None, method="priced_quality"), quality(None, nok_per_point="2000"),
             climate(None, nok_per_point="3000")]
    _set(draft, officer, terms=terms(justification="30 % av forventet pris."), criteria=model)
    assert AwardCriterion.objects.get(notice=draft, kind="climate").nok_per_point == 3000
    missing = [price(None, method="priced_quality"), quality(None), climate(None,
                                                                             nok_per_point="1")]
    error = _error(lambda: _set(draft, officer, criteria=missing))
    assert "criteria[1].nok_per_point" in error.fields
    weighted_too = [price("40", method="priced_quality"), quality(None, nok_per_point="2"),
                    climate(None, nok_per_point="3")]
    error = _error(lambda: _set(draft, officer, criteria=weighted_too))
    assert "criteria[0].weight" in error.fields


def test_it_refuses_a_lot_the_notice_does_not_have(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, lots=LOTS)
    _set(notice, officer, lot_number=2)
    error = _error(lambda: _set(notice, officer, lot_number=3))
    assert "lot_number" in error.fields
    error = _error(lambda: _set(notice, officer, lot_number=1,
                                requirements=[requirement(lot_number=5)]))
    assert "requirements[0].lot_number" in error.fields
    assert not AwardCriterion.objects.filter(notice=notice, lot_number=1).exists()


def test_it_refuses_an_unknown_climate_declaration(draft: Any, officer: Any) -> None:
    error = _error(lambda: _set(draft, officer, terms=terms(option="quality-nor-env-maybe")))
    assert "climate_option" in error.fields


def test_it_needs_documentation_for_each_requirement(draft: Any, officer: Any) -> None:
    error = _error(lambda: _set(draft, officer, requirements=[requirement(documentation="")]))
    assert "requirements[0].documentation" in error.fields
    error = _error(lambda: _set(draft, officer, requirements=[requirement(category="other")]))
    assert "requirements[0].category" in error.fields


def test_it_lets_only_the_buyers_editors_set_the_model(draft: Any, other_officer: Any,
                                                       supplier_user: Any) -> None:
    for user in (other_officer, supplier_user):
        with pytest.raises(Forbidden):
            _set(draft, user)


def test_it_refuses_the_draft_path_once_published(make_notice: Any, officer: Any) -> None:
    notice = make_notice()
    with pytest.raises(Conflict):
        _set(notice, officer)


def test_it_freezes_the_model_with_its_hash_in_the_published_version(draft: Any,
                                                                      officer: Any) -> None:
    _set(draft, officer, requirements=[requirement()])
    notice = notices.notice_publish(notice=draft, by=officer)
    version = notice.versions.get()
    frozen = version.snapshot["evaluation_model"]
    body = {"lots": frozen["lots"], "requirements": frozen["requirements"]}
    assert frozen["sha256"] == hashlib.sha256(canonical_json(body)).hexdigest()
    assert frozen["lots"][0]["criteria"][2] == {
        "position": 3, "kind": "climate", "name": "Klima og miljø",
        "description": "Utslippsfrie kjøretøy og maskiner i kontraktsperioden.",
        "method": "points", "scale": "0: fossile kjøretøy; 10: alle kjøretøy utslippsfrie.",
        "sub_criteria": [], "weight": "30.00"}
    model = frozen_model_of(notice)
    assert model is not None and model.intact and model.version == 1
    assert model.sha256 == frozen["sha256"]
    assert model.lot(0)["climate_option"] == "quality-nor-env-criteria"  # type: ignore[index]


def test_it_has_no_frozen_model_for_a_draft(draft: Any) -> None:
    assert frozen_model_of(draft) is None


def test_it_builds_the_engine_model_keyed_by_criterion_id(draft: Any, officer: Any) -> None:
    _set(draft, officer)
    model = scoring_model_of(draft, 0)
    rows = list(AwardCriterion.objects.filter(notice=draft).order_by("position"))
    assert model.basis == "best_ratio"
    assert [c.key for c in model.criteria] == [str(r.pk) for r in rows]
    assert [c.weight for c in model.criteria] == [40.0, 30.0, 30.0]
    assert [c.kind for c in model.criteria] == ["price", "quality", "climate"]


def test_it_refuses_to_score_against_rows_that_differ_from_the_published_model(
        draft: Any, officer: Any) -> None:
    _set(draft, officer)
    notice = notices.notice_publish(notice=draft, by=officer)
    AwardCriterion.objects.filter(notice=notice, kind="price").update(weight=Decimal("50"))
    with pytest.raises(Conflict):
        scoring_model_of(notice, 0)
