"""Every notice the services can publish exports eForms that passes the SDK 1.15.1 XSD and
Schematron business rules, except the documented Norwegian-tailoring rules on national notices.

The Schematron is compiled once per test session (per eForms phase) and cached on disk
(settings.EFORMS_SCHEMATRON_CACHE), so each notice costs well under a second.
"""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

import pytest
from lxml import etree

from notices.exports import eforms
from notices.exports import eforms_validation as validation
from notices.models import Notice
from tests.notices.eforms_scenarios import SCENARIOS

NS = eforms.NS
UUID4 = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$")


def _needs_sdk() -> Any:
    missing = not validation.available()
    if missing and os.environ.get("CI") == "true":
        pytest.fail("the eForms SDK (../shared/standards/eforms) and saxonche are required in CI")
    return pytest.mark.skipif(missing, reason="eForms SDK beside the checkout or saxonche "
                                              "missing (../shared/standards/eforms)")


needs_sdk = _needs_sdk()


def text(xml: bytes, xpath: str) -> list[str]:
    return [str(node.text if hasattr(node, "text") else node)
            for node in etree.fromstring(xml).xpath(xpath, namespaces=NS)]


def export(notice: Notice, version: int | None = None) -> bytes:
    return eforms.notice_xml(notice, base_url="https://anbud.example/", version=version)


@needs_sdk
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_it_exports_eforms_that_pass_the_business_rules(scenario: str, make_notice: Any,
                                                        officer: Any) -> None:
    build, subtype = SCENARIOS[scenario]
    notice = build(make_notice, officer)
    for version in notice.versions.all():
        xml = export(notice, version.number)
        doc = etree.fromstring(xml)
        assert validation.subtype_of(doc) == subtype
        assert validation.xsd_errors(doc) == []
        failures = validation.business_rule_failures(xml)
        assert failures == [], f"v{version.number}: " + "; ".join(map(str, failures))


@needs_sdk
def test_it_excuses_only_the_documented_tailoring_rules_on_national_notices(
        make_notice: Any) -> None:
    xml = export(make_notice())
    raw = {f.rule for f in validation.business_rule_failures(xml, national_exceptions=False)}
    assert raw  # the stock rules do fail on NOR and the national CustomizationID ...
    assert raw <= set(validation.NATIONAL_TAILORING_RULES)  # ... and nothing else does
    assert validation.business_rule_failures(xml) == []


@needs_sdk
def test_it_counts_a_broken_export_as_a_failure(make_notice: Any, officer: Any) -> None:
    """The check can fail: a notice identifier that is not UUID v4 breaks BR-BT-00701-0052."""
    xml = export(SCENARIOS["cn_open"][0](make_notice, officer))
    broken = re.sub(rb'(<cbc:ID schemeName="notice-id">)[^<]+', rb"\1not-a-uuid", xml)
    assert "BR-BT-00701-0052" in {f.rule for f in validation.business_rule_failures(broken)}


def test_it_draws_uuid4_identifiers_once_and_keeps_them(make_notice: Any, officer: Any) -> None:
    notice = SCENARIOS["cn_changed_deadline"][0](make_notice, officer)
    first, second = notice.versions.order_by("number")
    assert UUID4.match(str(notice.procedure_uuid))
    assert UUID4.match(str(first.notice_uuid)) and UUID4.match(str(second.notice_uuid))
    assert first.notice_uuid != second.notice_uuid
    for _ in range(2):  # exporting again gives the same identifiers
        xml_first, xml_second = export(notice, 1), export(notice, 2)
        assert text(xml_first, "/*/cbc:ID") == [str(first.notice_uuid)]
        assert text(xml_second, "/*/cbc:ID") == [str(second.notice_uuid)]
        assert text(xml_first, "/*/cbc:ContractFolderID") == [str(notice.procedure_uuid)]
        assert text(xml_second, "/*/cbc:ContractFolderID") == [str(notice.procedure_uuid)]
    assert text(xml_second, "//efbc:ChangedNoticeIdentifier") == [f"{first.notice_uuid}-01"]
    assert uuid.UUID(str(first.notice_uuid)).version == 4


def test_it_writes_ted_notices_in_english(make_notice: Any, officer: Any) -> None:
    notice = SCENARIOS["cn_open_lots"][0](make_notice, officer)
    xml = export(notice)
    assert text(xml, "/*/cbc:NoticeLanguageCode") == ["ENG"]
    assert text(xml, "/*/cac:ProcurementProject/cbc:Name") == ["Cleaning of schools"]
    assert text(xml, "/*/cac:ProcurementProjectLot/cac:ProcurementProject/cbc:Name") == [
        "Cleaning of schools, north", "Cleaning of schools, south"]
    assert set(text(xml, "//@languageID")) == {"ENG"}
    national = export(make_notice())
    assert text(national, "/*/cbc:NoticeLanguageCode") == ["NOR"]


def test_it_writes_the_contract_terms_of_a_contract_notice(make_notice: Any,
                                                           officer: Any) -> None:
    xml = export(SCENARIOS["cn_open_lots"][0](make_notice, officer))
    lots = "/*/cac:ProcurementProjectLot"
    assert text(xml, f"{lots}/cac:ProcurementProject/cac:PlannedPeriod/cbc:DurationMeasure") == [
        "24", "36"]  # the notice's duration, and the second lot's own
    assert text(xml, f"{lots}/cac:TenderingTerms/cac:TenderValidityPeriod/cbc:DurationMeasure"
                ) == ["90", "90"]
    assert text(xml, "/*/cac:TenderingTerms/cac:LotDistribution/"
                     "cbc:MaximumLotsSubmittedNumeric") == ["2"]
    assert text(xml, "/*/cac:TenderingTerms/cac:LotDistribution/"
                     "cbc:MaximumLotsAwardedNumeric") == ["1"]
    company = "//efac:Organization[1]/efac:Company"
    assert text(xml, f"{company}/cac:Contact/cbc:Telephone") == ["+47 22 00 00 00"]
    assert text(xml, f"{company}/cac:PostalAddress/cbc:PostalZone") == ["0150"]
    review = "//efac:Organization[2]/efac:Company"
    assert text(xml, f"{review}/cac:PartyLegalEntity/cbc:CompanyID") == ["926723863"]
    assert text(xml, f"{review}/cac:PostalAddress/cbc:CountrySubentityCode") == ["NO084"]


def test_it_gives_two_stage_procedures_the_request_deadline(make_notice: Any,
                                                            officer: Any) -> None:
    notice = SCENARIOS["cn_restricted"][0](make_notice, officer)
    xml = export(notice)
    process = "/*/cac:ProcurementProjectLot/cac:TenderingProcess"
    assert text(xml, f"{process}/cac:TenderSubmissionDeadlinePeriod") == []
    assert len(text(xml, f"{process}/cac:ParticipationRequestReceptionPeriod/cbc:EndDate")) == 1
    assert text(xml, f"{process}/cac:EconomicOperatorShortList/cbc:MinimumQuantity") == ["5"]
    assert text(xml, "//cac:TenderValidityPeriod") == []


def test_it_gives_a_pin_no_procedure_identifier(make_notice: Any, officer: Any) -> None:
    xml = export(SCENARIOS["pin_eea"][0](make_notice, officer))
    assert text(xml, "/*/cbc:ContractFolderID") == []
    assert text(xml, "/*/cbc:ID") != []


def test_it_names_the_changed_section_of_every_change(make_notice: Any, officer: Any) -> None:
    xml = export(SCENARIOS["cn_changed_description"][0](make_notice, officer))
    for change in etree.fromstring(xml).xpath("//efac:Change", namespaces=NS):
        assert change.xpath("efac:ChangedSection/efbc:ChangedSectionIdentifier/text()",
                            namespaces=NS) == ["PROCEDURE"]
    xml = export(SCENARIOS["cn_changed_deadline"][0](make_notice, officer))
    assert text(xml, "//efac:Change/efac:ChangedSection/efbc:ChangedSectionIdentifier") == [
        "LOT-0001", "LOT-0002"]
    assert text(xml, "//efac:Change/efbc:ChangeDescription") == ["Deadline for tenders"]


@needs_sdk
def test_the_shared_schematron_runner_agrees(make_notice: Any, officer: Any,
                                            tmp_path: Any) -> None:
    """../shared/standards/tools/validate_eforms_schematron.py (sharing the compiled cache)
    finds the same failed rules as the engine the tests and the import use."""
    import importlib.util
    from pathlib import Path

    from django.conf import settings

    sdk = validation.sdk_dir()
    assert sdk is not None
    spec = importlib.util.spec_from_file_location(
        "anbud_validate_eforms_schematron",
        sdk.parent / "tools" / "validate_eforms_schematron.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    runner = tool.SchematronRunner(sdk / "schematrons" / "static" / "complete-validation.sch",
                                   Path(settings.EFORMS_SCHEMATRON_CACHE))
    for scenario in ("cn_open_lots", "national_open", "can_one_winner",
                     "national_can_one_winner"):
        notice = SCENARIOS[scenario][0](make_notice, officer)
        xml = export(notice)
        path = tmp_path / f"{scenario}.xml"
        path.write_bytes(xml)
        subtype = SCENARIOS[scenario][1]
        report = etree.fromstring(runner.validate(path, f"eforms-{subtype}").encode())
        theirs = {a.get("id") for a in report.findall(f"{{{tool.SVRL_NS}}}failed-assert")
                  if (a.get("role") or "ERROR").upper() in ("ERROR", "FATAL")}
        ours = {f.rule for f in validation.business_rule_failures(xml, national_exceptions=False)}
        assert theirs == ours
        assert theirs <= set(validation.NATIONAL_TAILORING_RULES)


# --- Award notices (29 / E4) and the national climate rule ---------------------------------

def _national_rule(rule_id: str) -> str:
    """The XPath test of one of DFØ's national rules (eforms-no/fields/national-e.yaml)."""
    sdk = validation.sdk_dir()
    assert sdk is not None
    text_ = (sdk.parent / "eforms-no" / "fields" / "national-e.yaml").read_text(encoding="utf-8")
    match = re.search(rf"- id: {re.escape(rule_id)}\n\s+test: (.+)\n", text_)
    assert match is not None
    return match.group(1)


def _national_rule_holds(xml: bytes, rule_id: str, context: str) -> list[bool]:
    """The rule evaluated (XSLT 2 with Saxon: the rules use current()) on every `context`
    node of the notice."""
    from xml.sax.saxutils import quoteattr

    from saxonche import PySaxonProcessor

    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
    stylesheet = (
        f'<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
        f'{namespaces}><xsl:output method="text"/><xsl:template match="/">'
        f'<xsl:for-each select={quoteattr(context)}><xsl:value-of select='
        f'{quoteattr("if (" + _national_rule(rule_id) + ") then 1 else 0")}/>'
        f'</xsl:for-each></xsl:template></xsl:stylesheet>')
    with PySaxonProcessor(license=False) as processor:
        executable = processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_text=stylesheet)
        node = processor.parse_xml(xml_text=xml.decode("utf-8"))
        out = executable.transform_to_string(xdm_node=node) or ""
    return [flag == "1" for flag in out.strip()]


@needs_sdk
@pytest.mark.parametrize("criteria", ["weighted", "priced_quality"])
def test_national_award_criteria_meet_the_climate_rule(criteria: str, make_notice: Any,
                                                       officer: Any) -> None:
    """EFORMS-NOR-NATIONAL-EC-R001D: climate weighs at least 30 %, or ranks among the first
    three, or the specification / an exemption is stated with its justification. A priced
    quality model states no weights: it passes through the declared option."""
    from evaluation.criteria import services as criteria_services
    from notices import services as notice_services
    from tests.evaluation.criteria_helpers import climate, price, quality, terms, weighted

    notice = make_notice(publish=False)
    if criteria == "weighted":
        model = weighted()
        lot_terms = terms()
    else:
        model = [price(None, method="priced_quality"), quality(None, nok_per_point="2000"),
                 climate(None, nok_per_point="3000")]
        lot_terms = terms(justification="Fradrag for klima utgjør 30 % av forventet pris.")
    criteria_services.evaluation_model_set(notice=notice, by=officer, terms=lot_terms,
                                           criteria=model)
    notice = notice_services.notice_publish(notice=notice, by=officer)
    xml = export(notice)
    held = _national_rule_holds(
        xml, "EFORMS-NOR-NATIONAL-EC-R001D",
        "//cac:SubordinateAwardingCriterion/cbc:AwardingCriterionTypeCode")
    assert held and all(held), held
    assert validation.business_rule_failures(xml) == []


def test_a_result_notice_carries_the_results_of_its_contract_notice(make_notice: Any,
                                                                    officer: Any) -> None:
    from tests.notices.eforms_scenarios import can_lots, national_can_framework

    award = can_lots(make_notice, officer)
    cn = award.award_for
    assert cn is not None
    xml = export(award)
    result = "//efac:NoticeResult"
    assert text(xml, "/*/cbc:ContractFolderID") == [str(cn.procedure_uuid)]
    assert text(xml, "/*/cac:TenderingProcess/cac:NoticeDocumentReference/cbc:ID") == [
        f"{cn.versions.get().notice_uuid}-01"]
    assert text(xml, f"{result}/efac:LotResult/cbc:TenderResultCode") == ["selec-w", "clos-nw"]
    assert text(xml, f"{result}/efac:LotResult/efac:DecisionReason/efbc:DecisionReasonCode"
                ) == ["all-rej"]
    assert text(xml, f"{result}/efac:LotResult[1]/efac:ReceivedSubmissionsStatistics"
                     "[efbc:StatisticsCode='t-sme']/efbc:StatisticsNumeric") == ["2"]
    assert text(xml, f"{result}/cbc:TotalAmount") == ["2300000.00"]
    assert text(xml, f"{result}/efac:LotTender/cac:LegalMonetaryTotal/cbc:PayableAmount") == [
        "2300000.00"]
    assert len(text(xml, f"{result}/efac:SettledContract/cbc:IssueDate")) == 1
    assert text(xml, f"{result}/efac:SettledContract/efac:LotTender/cbc:ID") == ["TEN-0001"]
    assert text(xml, "//efac:Organization/efac:Company/efbc:CompanySizeCode") == ["large"]
    assert text(xml, "/*/cac:ProcurementProjectLot/cbc:ID") == ["LOT-0001", "LOT-0002"]

    national = export(national_can_framework(make_notice, officer))
    assert text(national, "//efac:NoticeSubType/cbc:SubTypeCode") == ["E4"]
    assert text(national, f"{result}/efbc:OverallMaximumFrameworkContractsAmount") == [
        "5000000.00"]
    assert text(national, f"{result}/cbc:TotalAmount") == []
    assert text(national, f"{result}/efac:SettledContract/efbc:ContractFrameworkIndicator") == [
        "false", "false"]
    assert text(national, "/*/cac:ProcurementProjectLot/cac:TenderingProcess/"
                          "cac:ContractingSystem/cbc:ContractingSystemTypeCode") == ["fa-wo-rc"]


def test_an_award_notice_before_the_decision_is_refused_and_says_nothing_of_bids(
        make_notice: Any, officer: Any) -> None:
    from notices.exports import NotExportable, ocds
    from tests.notices.award_fixtures import add_bids, publish_award_notice

    contract_notice = make_notice()
    add_bids(contract_notice)
    award = publish_award_notice(make_notice, contract_notice, officer)
    with pytest.raises(NotExportable):
        export(award)
    # OCDS says nothing of the bids either until a decision is sent.
    (release,) = ocds.notice_releases(award)
    assert {"awards", "contracts", "bids"}.isdisjoint(release)
    assert "numberOfTenderers" not in release["tender"]
    with pytest.raises(NotExportable):
        export(make_notice(kind="can"))  # no contract notice


def test_publishing_a_ted_result_notice_needs_the_winners_size(make_notice: Any,
                                                               officer: Any) -> None:
    from decimal import Decimal

    from accounts.models import Organization
    from backend.errors import ApplicationError
    from tests.notices.award_fixtures import Win, add_bids, decide, publish_award_notice
    from tests.notices.eforms_scenarios import cn_open

    contract_notice = cn_open(make_notice, officer)
    bids = add_bids(contract_notice)
    Organization.objects.filter(pk=bids[0].supplier_id).update(company_size="")
    decide(contract_notice, officer, wins=[Win(bids[0], Decimal("4000000"))])
    with pytest.raises(ApplicationError) as refused:
        publish_award_notice(make_notice, contract_notice, officer)
    assert "BT-165" in str(refused.value.messages) and "Fjordbygg AS" in str(
        refused.value.messages)
