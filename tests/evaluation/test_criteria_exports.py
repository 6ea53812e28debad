"""The award criteria in the open-data exports: eForms (BG-707, with the Norwegian climate and
environment codes on national notices) valid against the XSD, and OCDS (tender.awardCriteria,
each lot's awardCriteria breakdown) valid against the schema. The schemas are read from
../shared/standards; without it the tests skip, except on CI, where they fail."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from lxml import etree

from evaluation.criteria import services
from notices import services as notices
from notices.exports import eforms, ocds
from tests.evaluation.criteria_helpers import climate, price, quality, terms, weighted
from tests.notices.test_exports import STANDARDS, validate_ocds, validate_xsd

needs_standards = pytest.mark.skipif(
    not (STANDARDS / "tools").is_dir() and os.environ.get("CI") != "true",
    reason=f"reference standards not found at {STANDARDS} (checked out beside the repo)")
NS = dict(eforms.NS)
LOTS = [{"title": "Nord", "cpv": "45000000", "estimated_value": "2500000"},
        {"title": "Sør", "cpv": "45000000", "estimated_value": "2500000"}]
# A Part III (TED) notice: services, with the English texts eForms needs.
from tests.notices.eforms_scenarios import SERVICE_LOTS  # noqa: E402

SUB = "cac:TenderingTerms/cac:AwardingTerms/cac:AwardingCriterion/cac:SubordinateAwardingCriterion"
PARAM = ("ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension/"
         "efac:AwardCriterionParameter")


def _publish(make_notice: Any, officer: Any, models: dict[int, tuple[dict[str, Any], list[Any]]],
             **fields: Any) -> Any:
    notice = make_notice(publish=False, **fields)
    for number, (lot_terms, criteria) in models.items():
        services.evaluation_model_set(notice=notice, by=officer, lot_number=number,
                                      terms=lot_terms, criteria=criteria)
    return notices.notice_publish(notice=notice, by=officer)


def _lots(xml: bytes) -> list[etree._Element]:
    return etree.fromstring(xml).findall("cac:ProcurementProjectLot", NS)


def _criteria(lot: etree._Element) -> list[tuple[str, str | None, str | None]]:
    out = []
    for sub in lot.findall(SUB, NS):
        out.append((sub.findtext("cbc:AwardingCriterionTypeCode", namespaces=NS),
                    sub.findtext(f"{PARAM}/efbc:ParameterCode", namespaces=NS),
                    sub.findtext(f"{PARAM}/efbc:ParameterNumeric", namespaces=NS)))
    return out


@needs_standards
def test_it_writes_national_award_criteria_with_the_norwegian_climate_code(
        make_notice: Any, officer: Any, tmp_path: Path) -> None:
    notice = _publish(make_notice, officer, {0: (terms(), [
        price("40"), quality("30", sub_criteria=[{"name": "Plan", "weight": "100"}]),
        climate("30")])})
    xml = eforms.notice_xml(notice, base_url="https://anbud.example")
    _root, _subtype, problems = validate_xsd(xml, tmp_path)
    assert problems == []
    (lot,) = _lots(xml)
    assert _criteria(lot) == [("price", "per-exa", "40.00"), ("quality", "per-exa", "30.00"),
                              ("quality-nor-env-criteria", "per-exa", "30.00")]
    names = [n.text for n in lot.findall(f"{SUB}/cbc:Name", NS)]
    assert names == ["Pris", "Kvalitet", "Klima og miljø"]
    description = lot.findall(f"{SUB}/cbc:Description", NS)[1].text or ""
    assert "Underkriterium: Plan (100.00 %)" in description
    assert lot.findtext("cac:ProcurementProject/cac:ProcurementAdditionalType/"
                        "cbc:ProcurementTypeCode", namespaces=NS) == "env-imp"


@needs_standards
@pytest.mark.parametrize("code", ["quality-nor-env-spec", "quality-nor-env-exempt-insignificant",
                                  "quality-nor-env-exempt-critical-interest",
                                  "quality-nor-env-exempt-national-minimum"])
def test_it_writes_the_declaration_with_its_justification_weighing_zero(
        make_notice: Any, officer: Any, tmp_path: Path, code: str) -> None:
    notice = _publish(make_notice, officer, {0: (
        terms(option=code, justification="Begrunnelsen står i konkurransegrunnlaget pkt. 4."),
        [price("70"), quality("30")])})
    xml = eforms.notice_xml(notice, base_url="https://anbud.example")
    assert validate_xsd(xml, tmp_path)[2] == []
    (lot,) = _lots(xml)
    assert _criteria(lot)[-1] == (code, "per-exa", "0")
    assert lot.findall(f"{SUB}/cbc:Description", NS)[-1].text == (
        "Begrunnelsen står i konkurransegrunnlaget pkt. 4.")


@needs_standards
def test_it_writes_ranked_criteria_per_lot_on_an_eea_notice(make_notice: Any, officer: Any,
                                                            tmp_path: Path) -> None:
    ranked = [price(None, priority=1), climate(None, priority=2), quality(None, priority=3)]
    start = timezone.now()
    notice = _publish(make_notice, officer, {
        1: (terms(by_priority=True), ranked), 2: (terms(), weighted("50", "20", "30"))},
        kind="cn", lots=SERVICE_LOTS, estimated_value=Decimal("5000000"),
        contract_type="services", cpv_main="90910000", title_en="Cleaning of schools",
        description_en="Cleaning of municipal schools.", max_lots_submitted=2,
        submission_deadline=start + timedelta(days=35),
        question_deadline=start + timedelta(days=25))
    xml = eforms.notice_xml(notice, base_url="https://anbud.example")
    assert validate_xsd(xml, tmp_path)[2] == []
    first, second = _lots(xml)
    # EU notices carry the parent code: DFØ maps quality-nor-env-* to quality for TED.
    assert _criteria(first) == [("price", "ord-imp", "1"), ("quality", "ord-imp", "2"),
                                ("quality", "ord-imp", "3")]
    assert [c[2] for c in _criteria(second)] == ["50.00", "20.00", "30.00"]
    assert first.find("cac:ProcurementProject/cac:ProcurementAdditionalType", NS) is None


@needs_standards
def test_it_states_priced_quality_in_words_without_weights(make_notice: Any, officer: Any,
                                                           tmp_path: Path) -> None:
    notice = _publish(make_notice, officer, {0: (
        terms(justification="Fradrag for klima utgjør 30 % av forventet pris."),
        [price(None, method="priced_quality"), quality(None, nok_per_point="2000"),
         climate(None, nok_per_point="3000")])})
    xml = eforms.notice_xml(notice, base_url="https://anbud.example")
    assert validate_xsd(xml, tmp_path)[2] == []
    (lot,) = _lots(xml)
    # The justified climate weight (the rule's 30 %) as BT-541, the rest on the price, as the
    # national rule EFORMS-NOR-NATIONAL-EC-R001D and the stock BR-BT-00539-0200 need.
    assert _criteria(lot) == [("price", "per-exa", "70.00"), ("quality", None, None),
                              ("quality-nor-env-criteria", "per-exa", "30.00")]
    assert "Verdi per poeng: NOK 3000.00" in (lot.findall(f"{SUB}/cbc:Description",
                                                          NS)[2].text or "")


@needs_standards
def test_it_names_the_changed_model_in_an_eforms_change_notice(make_notice: Any, officer: Any,
                                                               tmp_path: Path) -> None:
    notice = _publish(make_notice, officer, {0: (terms(), weighted())})
    services.evaluation_model_change_publish(
        notice=notice, by=officer, reason="Kvalitet vektes høyere.",
        lots=[{"lot_number": 0, **terms(), "criteria": weighted("30", "40", "30")}])
    xml = eforms.notice_xml(notice, base_url="https://anbud.example")
    assert validate_xsd(xml, tmp_path)[2] == []
    change = etree.fromstring(xml).findtext(".//efac:Changes/efac:Change/efbc:ChangeDescription",
                                            namespaces=NS)
    assert change == "Evalueringsmodell (tildelingskriterier og krav)"
    (lot,) = _lots(xml)
    assert [c[2] for c in _criteria(lot)] == ["30.00", "40.00", "30.00"]
    first = eforms.notice_xml(notice, base_url="https://anbud.example", version=1)
    assert [c[2] for c in _criteria(_lots(first)[0])] == ["40.00", "30.00", "30.00"]


def test_it_leaves_award_terms_out_without_a_model(make_notice: Any) -> None:
    xml = eforms.notice_xml(make_notice(), base_url="https://anbud.example")
    assert etree.fromstring(xml).find(".//cac:AwardingTerms", NS) is None


@needs_standards
def test_it_exports_award_criteria_to_ocds(make_notice: Any, officer: Any,
                                           tmp_path: Path) -> None:
    ranked = [price(None, priority=1), climate(None, priority=2), quality(None, priority=3)]
    notice = _publish(make_notice, officer, {
        1: (terms(by_priority=True), ranked), 2: (terms(), weighted("50", "20", "30"))},
        lots=[{**LOTS[0], "estimated_value": "900000"}, {**LOTS[1], "estimated_value": "900000"}])
    package = ocds.release_package(notice, uri="https://anbud.example/x")
    result = validate_ocds(package, tmp_path)
    assert result["valid"], result["errors"]
    assert result["warnings"] == []
    tender = package["releases"][0]["tender"]
    assert tender["awardCriteria"] == "ratedCriteria"
    assert "LOT-0001: Pris #1" in tender["awardCriteriaDetails"]
    assert "FOA § 7-9: quality-nor-env-criteria" in tender["awardCriteriaDetails"]
    first, second = tender["lots"]
    assert first["awardCriteria"]["criteria"][1] == {
        "type": "quality", "name": "Klima og miljø",
        "description": "Utslippsfrie kjøretøy og maskiner i kontraktsperioden.",
        "numbers": [{"number": 2, "weight": "order"}]}
    assert [c["numbers"] for c in second["awardCriteria"]["criteria"]] == [
        [{"number": 50, "weight": "percentageExact"}],
        [{"number": 20, "weight": "percentageExact"}],
        [{"number": 30, "weight": "percentageExact"}]]


def test_it_maps_the_lowest_price_to_price_only(make_notice: Any, officer: Any) -> None:
    notice = _publish(make_notice, officer, {0: (
        terms(basis="lowest_price", option="quality-nor-env-spec",
              justification="Krav til utslippsfrie kjøretøy i kravspesifikasjonen."),
        [price(None)])})
    tender = ocds.release_package(notice, uri="https://anbud.example/x")["releases"][0]["tender"]
    assert tender["awardCriteria"] == "priceOnly"
    assert "quality-nor-env-spec – Krav til utslippsfrie" in tender["awardCriteriaDetails"]
