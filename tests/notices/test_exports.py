"""Open-data exports: OCDS release packages and eForms XML, validated against the official
schemas in ../shared/standards (never copied into the repository)."""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from lxml import etree

from notices import services
from notices.exports import eforms, ocds
from notices.models import Notice

STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "standards"
needs_standards = pytest.mark.skipif(
    not (STANDARDS / "tools").is_dir(),
    reason=f"reference standards not found at {STANDARDS} (checked out beside the repo)")

NS = {**eforms.NS}
LOTS = [
    {"title": "Snekkerarbeider", "description": "Snekker- og tømrerarbeider.",
     "cpv": "45420000", "estimated_value": "2500000"},
    {"title": "Malerarbeider", "description": "Maling av bygg.", "cpv": "45442100",
     "estimated_value": "1500000"},
]
EEA_LOTS = [{**lot, "title_en": f"Lot {n}"} for n, lot in enumerate(LOTS, start=1)]


def _load(name: str) -> ModuleType:
    path = STANDARDS / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"anbud_standards_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def validate_ocds(package: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    tool = _load("validate_ocds")
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    return tool.validate_file(path, STANDARDS / "ocds" / "schema", True)


def validate_xsd(xml: bytes, tmp_path: Path) -> tuple[str, str, list[str]]:
    tool = _load("validate_eforms_xsd")
    path = tmp_path / "notice.xml"
    path.write_bytes(xml)
    return tool.validate(path, STANDARDS / "eforms" / "schemas")


@cache
def mandatory_fields() -> dict[str, list[tuple[str, str]]]:
    """{subtype: [(field id, absolute XPath)]} of the always-mandatory fields."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    text = (STANDARDS / "eforms" / "MANDATORY_FIELDS_by_subtype.txt").read_text()
    for line in text.splitlines():
        header = re.match(r"## subtype (\w+):", line)
        if header:
            current = sections.setdefault(header.group(1), [])
            continue
        row = re.match(r"\s+(\S+)\s+.*?\s(/\*/\S.*)$", line)
        if current is not None and row:
            current.append((row.group(1), row.group(2).strip()))
    return sections


def missing_mandatory(xml: bytes, subtype: str) -> list[str]:
    doc = etree.fromstring(xml)
    missing = []
    for field, xpath in mandatory_fields()[subtype]:
        try:
            found = doc.xpath(xpath, namespaces=NS)
        except etree.XPathError:  # an XPath 2 expression lxml cannot evaluate
            continue
        if not found:
            missing.append(field)
    return missing


def text(xml: bytes, xpath: str) -> list[str]:
    return [str(node.text if hasattr(node, "text") else node)
            for node in etree.fromstring(xml).xpath(xpath, namespaces=NS)]


# Notices of every kind the exports handle.

@pytest.fixture
def eea_notice(make_notice: Any) -> Notice:
    """A Part III works contract notice with two lots (Bergen kommune, NOK 90 M, open,
    35 days)."""
    start = timezone.now()
    return make_notice(kind="cn", lots=EEA_LOTS, estimated_value=Decimal("90000000"),
                       contract_type="works", cpv_main="45000000",
                       submission_deadline=start + timedelta(days=35),
                       question_deadline=start + timedelta(days=25),
                       cpv_additional=["45450000"], max_lots_submitted=2)


@pytest.fixture
def national_notice(make_notice: Any) -> Notice:
    return make_notice()


@pytest.fixture
def national_with_lots(make_notice: Any) -> Notice:
    """A Part II notice whose two lots add up to the estimated value (NOK 1.8 M)."""
    return make_notice(lots=[{**LOTS[0], "estimated_value": "1000000"},
                             {**LOTS[1], "estimated_value": "800000"}])


@pytest.fixture
def pin_notice(make_notice: Any) -> Notice:
    return make_notice(kind="pin", estimated_value=Decimal("5000000"), contract_type="services",
                       planned_notice_date=timezone.localdate() + timedelta(days=60),
                       cpv_main="50700000", title_en="Planned maintenance services",
                       description_en="Maintenance of municipal buildings.")


@pytest.fixture
def national_pin(make_notice: Any) -> Notice:
    return make_notice(kind="pin", estimated_value=Decimal("1500000"), contract_type="works",
                       cpv_main="45000000")


@pytest.fixture
def changed_notice(eea_notice: Notice, officer: Any) -> Notice:
    services.notice_change_publish(
        notice=eea_notice, by=officer, reason="Fristen forlenges etter spørsmål fra markedet.",
        fields={"submission_deadline": eea_notice.submission_deadline + timedelta(days=7)})
    eea_notice.refresh_from_db()
    return eea_notice


@pytest.fixture
def cancelled_notice(national_notice: Notice, officer: Any) -> Notice:
    services.notice_cancel(notice=national_notice, by=officer,
                           reason="Behovet er falt bort.")
    national_notice.refresh_from_db()
    return national_notice


ALL_NOTICES = ["eea_notice", "national_notice", "national_with_lots", "pin_notice",
               "national_pin", "changed_notice", "cancelled_notice"]
EXPECTED_SUBTYPE = {"eea_notice": "16", "national_notice": "E3", "national_with_lots": "E3",
                    "pin_notice": "4", "national_pin": "E2", "changed_notice": "16",
                    "cancelled_notice": "E3"}


# OCDS

@needs_standards
@pytest.mark.parametrize("fixture", ALL_NOTICES)
def test_it_exports_valid_ocds(fixture: str, request: Any, tmp_path: Path) -> None:
    notice = request.getfixturevalue(fixture)
    package = ocds.release_package(notice, uri=f"https://anbud.example/api/notices/{notice.pk}/ocds")
    result = validate_ocds(package, tmp_path)
    assert result["valid"], result["errors"]
    assert result["warnings"] == []
    assert len(package["releases"]) == notice.versions.count()


def test_it_maps_a_contract_notice_with_lots_to_ocds(eea_notice: Notice) -> None:
    package = ocds.release_package(eea_notice, uri="https://anbud.example/x")
    (release,) = package["releases"]
    assert release["ocid"] == f"ocds-anbud0-{eea_notice.reference}"
    assert release["tag"] == ["tender"]
    tender = release["tender"]
    assert tender["status"] == "active"
    assert tender["procurementMethod"] == "open"
    assert tender["value"] == {"amount": 90000000, "currency": "NOK"}
    assert [lot["id"] for lot in tender["lots"]] == ["LOT-0001", "LOT-0002"]
    assert tender["lots"][0]["value"] == {"amount": 2500000, "currency": "NOK"}
    assert [item.get("relatedLot") for item in tender["items"]] == [None, "LOT-0001", "LOT-0002"]
    assert tender["items"][0]["classification"] == {"scheme": "CPV", "id": "45000000"}
    assert tender["items"][0]["additionalClassifications"] == [{"scheme": "CPV",
                                                                "id": "45450000"}]
    assert tender["items"][0]["deliveryAddresses"][0]["region"] == eea_notice.nuts
    assert tender["tenderPeriod"]["endDate"].startswith(
        timezone.localtime(eea_notice.submission_deadline).date().isoformat())
    assert "endDate" in tender["enquiryPeriod"]
    (buyer,) = release["parties"]
    assert buyer["identifier"] == {"scheme": "NO-BRC", "id": eea_notice.buyer.org_number,
                                   "legalName": "Bergen kommune"}
    assert release["buyer"]["id"] == buyer["id"] == f"NO-BRC-{eea_notice.buyer.org_number}"


def test_it_exports_one_release_per_version(changed_notice: Notice) -> None:
    package = ocds.release_package(changed_notice, uri="https://anbud.example/x")
    assert [r["tag"] for r in package["releases"]] == [["tender"], ["tenderUpdate"]]
    latest = package["releases"][-1]
    assert latest["tender"]["amendments"][0]["rationale"].startswith("Fristen forlenges")
    first_end = package["releases"][0]["tender"]["tenderPeriod"]["endDate"]
    assert latest["tender"]["tenderPeriod"]["endDate"] > first_end
    only = ocds.release_package(changed_notice, uri="https://anbud.example/x", version=1)
    assert [r["id"] for r in only["releases"]] == [f"{changed_notice.reference}-01"]


def test_it_marks_cancellation_and_pin_releases(cancelled_notice: Notice,
                                                pin_notice: Notice) -> None:
    cancelled = ocds.release_package(cancelled_notice, uri="https://anbud.example/x")
    assert cancelled["releases"][-1]["tag"] == ["tenderCancellation"]
    assert cancelled["releases"][-1]["tender"]["status"] == "cancelled"
    pin = ocds.release_package(pin_notice, uri="https://anbud.example/x")
    assert pin["releases"][0]["tag"] == ["planning"]
    assert pin["releases"][0]["tender"]["status"] == "planned"


@override_settings(OCDS_OCID_PREFIX="ocds-abc123-")
def test_it_takes_the_ocid_prefix_from_settings(national_notice: Notice) -> None:
    package = ocds.release_package(national_notice, uri="https://anbud.example/x")
    assert package["releases"][0]["ocid"] == f"ocds-abc123-{national_notice.reference}"


# eForms

@needs_standards
@pytest.mark.parametrize("fixture", ALL_NOTICES)
def test_it_exports_xsd_valid_eforms_with_mandatory_fields(fixture: str, request: Any,
                                                           tmp_path: Path) -> None:
    notice = request.getfixturevalue(fixture)
    xml = eforms.notice_xml(notice, base_url="https://anbud.example/")
    _root, info, errors = validate_xsd(xml, tmp_path)
    assert errors == []
    subtype = EXPECTED_SUBTYPE[fixture]
    assert f"subtype={subtype}" in info
    assert missing_mandatory(xml, subtype) == []


def test_it_writes_a_part_iii_contract_notice_as_subtype_16(eea_notice: Notice) -> None:
    xml = eforms.notice_xml(eea_notice, base_url="https://anbud.example/")
    assert etree.fromstring(xml).tag.endswith("}ContractNotice")
    assert text(xml, "/*/cbc:CustomizationID") == ["eforms-sdk-1.15"]
    assert text(xml, "/*/cbc:RegulatoryDomain") == ["32014L0024"]
    assert text(xml, "/*/cac:ProcurementProjectLot/cbc:ID") == ["LOT-0001", "LOT-0002"]
    assert text(xml, "/*/cac:ProcurementProjectLot/cac:ProcurementProject/"
                     "cac:MainCommodityClassification/cbc:ItemClassificationCode") == [
        "45420000", "45442100"]
    assert text(xml, "/*/cac:ProcurementProject/cac:RequestedTenderTotal/"
                     "cbc:EstimatedOverallContractAmount/@currencyID") == ["NOK"]
    (issue_date,) = text(xml, "/*/cbc:IssueDate")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}[+-]\d{2}:\d{2}", issue_date)
    (end_date,) = set(text(xml, "//cac:TenderSubmissionDeadlinePeriod/cbc:EndDate"))
    assert end_date.startswith(timezone.localtime(eea_notice.submission_deadline).date()
                               .isoformat())
    assert text(xml, "//efac:Company/cac:PartyLegalEntity/cbc:CompanyID")[0] == \
        eea_notice.buyer.org_number
    assert text(xml, "//cac:Country/cbc:IdentificationCode")[0] == "NOR"
    assert text(xml, "/*/cbc:NoticeLanguageCode") == ["ENG"]  # TED: an EU language


def test_it_writes_a_national_notice_with_the_norwegian_tailoring(national_notice: Notice
                                                                 ) -> None:
    xml = eforms.notice_xml(national_notice, base_url="https://anbud.example/")
    assert text(xml, "/*/cbc:CustomizationID") == [
        "eforms-sdk-1.15#extended#urn:fdc:anskaffelser.no:2026:eforms:national-e"]
    assert text(xml, "/*/cbc:RegulatoryDomain") == ["other"]
    assert text(xml, "//efac:NoticeSubType/cbc:SubTypeCode") == ["E3"]
    reference = "/*/cac:TenderingTerms/cac:ProcurementLegislationDocumentReference"
    assert text(xml, f"{reference}/cbc:ID[@schemeName='ELI']") == [
        "https://lovdata.no/eli/forskrift/2016/8/12/974"]
    assert text(xml, f"{reference}/cbc:DocumentDescription") == [
        "NOR — Anskaffelsesforskriften Del 1 og 2"]
    # The national rules make these mandatory in E3.
    lot = "/*/cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot']"
    assert text(xml, f"{lot}/cac:TenderingProcess/cbc:SubmissionMethodCode") == ["required"]
    assert text(xml, f"{lot}/cac:TenderingProcess/cac:ContractingSystem/"
                     "cbc:ContractingSystemTypeCode[@listName='framework-agreement']") == ["none"]
    assert text(xml, f"{lot}/cac:TenderingTerms/cac:CallForTendersDocumentReference/"
                     "cbc:DocumentType") == ["non-restricted-document"]


def test_it_gives_national_lot_values_only_when_they_add_up(national_with_lots: Notice,
                                                            make_notice: Any) -> None:
    lot_values = ("/*/cac:ProcurementProjectLot/cac:ProcurementProject/cac:RequestedTenderTotal/"
                  "cbc:EstimatedOverallContractAmount")
    xml = eforms.notice_xml(national_with_lots, base_url="https://anbud.example/")
    assert text(xml, lot_values) == ["1000000.00", "800000.00"]
    # FOA allows lots below the total; the national eForms rule wants an exact sum.
    short = make_notice(lots=[{**LOTS[0], "estimated_value": "1000000"},
                              {**LOTS[1], "estimated_value": "500000"}])
    xml = eforms.notice_xml(short, base_url="https://anbud.example/")
    assert text(xml, lot_values) == []
    assert text(xml, "/*/cac:ProcurementProject/cac:RequestedTenderTotal/"
                     "cbc:EstimatedOverallContractAmount") == ["1800000.00"]


def test_it_gives_social_services_the_part_i_legal_basis(make_notice: Any) -> None:
    notice = make_notice(contract_type="social", cpv_main="85000000")
    assert notice.regime == "part2"
    xml = eforms.notice_xml(notice, base_url="https://anbud.example/")
    assert text(xml, "//cac:ProcurementLegislationDocumentReference/cbc:DocumentDescription") == [
        "NOR — Anskaffelsesforskriften Del 1"]


def test_it_writes_a_change_notice_pointing_at_the_previous_version(changed_notice: Notice
                                                                   ) -> None:
    first = eforms.notice_xml(changed_notice, base_url="https://anbud.example/", version=1)
    change = eforms.notice_xml(changed_notice, base_url="https://anbud.example/")
    (first_id,) = text(first, "/*/cbc:ID[@schemeName='notice-id']")
    (change_id,) = text(change, "/*/cbc:ID[@schemeName='notice-id']")
    assert first_id != change_id
    assert text(change, "/*/cbc:ContractFolderID") == text(first, "/*/cbc:ContractFolderID")
    changes = "//efac:Changes"
    assert text(change, f"{changes}/efbc:ChangedNoticeIdentifier") == [f"{first_id}-01"]
    assert text(change, f"{changes}/efac:ChangeReason/cbc:ReasonCode") == ["update-add"]
    # The reason is written in Norwegian: a TED notice leaves it out (BT-762 is optional).
    assert text(change, f"{changes}/efac:ChangeReason/efbc:ReasonDescription") == []
    assert set(text(change, f"{changes}/efac:Change/efac:ChangedSection/"
                            "efbc:ChangedSectionIdentifier")) == {"LOT-0001", "LOT-0002"}
    assert text(first, changes) == []


def test_it_writes_a_cancellation_as_a_change_notice(cancelled_notice: Notice) -> None:
    xml = eforms.notice_xml(cancelled_notice, base_url="https://anbud.example/")
    assert text(xml, "//efac:Changes/efac:ChangeReason/cbc:ReasonCode") == ["cancel"]
    assert text(xml, "//efac:Changes/efac:ChangeReason/efbc:ReasonDescription") == [
        "Behovet er falt bort."]


def test_it_writes_pins_as_subtype_4_or_e2(pin_notice: Notice, national_pin: Notice) -> None:
    eea = eforms.notice_xml(pin_notice, base_url="https://anbud.example/")
    assert etree.fromstring(eea).tag.endswith("}PriorInformationNotice")
    assert text(eea, "/*/cbc:NoticeTypeCode") == ["pin-only"]
    assert text(eea, "/*/cac:ProcurementProjectLot/cbc:ID[@schemeName='Part']") == ["PAR-0000"]
    assert text(eea, "/*/cbc:PlannedDate")
    national = eforms.notice_xml(national_pin, base_url="https://anbud.example/")
    assert text(national, "//efac:NoticeSubType/cbc:SubTypeCode") == ["E2"]


# The endpoints: who may see what.

ACTORS = ["officer", "other_officer", "supplier_user", None]


def _client(request: Any, api_for: Any, actor: str | None) -> Any:
    return api_for(request.getfixturevalue(actor) if actor else None)


@pytest.mark.parametrize("endpoint", ["ocds", "eforms"])
@pytest.mark.parametrize("actor", ACTORS)
def test_it_exports_published_notices_to_everyone(endpoint: str, actor: str | None,
                                                  request: Any, api_for: Any,
                                                  national_notice: Notice) -> None:
    response = _client(request, api_for, actor).get(
        f"/api/notices/{national_notice.pk}/{endpoint}")
    assert response.status_code == 200
    if endpoint == "ocds":
        assert response["Content-Type"].startswith("application/json")
        package = response.json()
        assert package["uri"] == f"http://testserver/api/notices/{national_notice.pk}/ocds"
        assert package["releases"][0]["tender"]["id"] == national_notice.reference
    else:
        assert response["Content-Type"].startswith("application/xml")
        assert b"<cbc:SubTypeCode listName=\"notice-subtype\">E3</cbc:SubTypeCode>" in \
            response.content


@pytest.mark.parametrize("endpoint", ["ocds", "eforms"])
@pytest.mark.parametrize("actor", ["other_officer", "supplier_user", None])
def test_it_hides_drafts_from_everyone_but_the_buyer(endpoint: str, actor: str | None,
                                                     request: Any, api_for: Any,
                                                     make_notice: Any) -> None:
    draft = make_notice(publish=False)
    response = _client(request, api_for, actor).get(f"/api/notices/{draft.pk}/{endpoint}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("endpoint", ["ocds", "eforms"])
def test_it_refuses_to_export_a_draft_even_to_its_buyer(endpoint: str, api_for: Any,
                                                        officer: Any, make_notice: Any) -> None:
    draft = make_notice(publish=False)
    response = api_for(officer).get(f"/api/notices/{draft.pk}/{endpoint}",
                                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "not_exportable"
    assert "draft" in error["message"].lower()


@pytest.mark.parametrize("endpoint", ["ocds", "eforms"])
def test_it_answers_404_for_an_unknown_version(endpoint: str, api_for: Any,
                                               national_notice: Notice) -> None:
    response = api_for(None).get(f"/api/notices/{national_notice.pk}/{endpoint}?version=7")
    assert response.status_code == 404


def test_it_serves_an_older_version_as_eforms(api_for: Any, changed_notice: Notice) -> None:
    response = api_for(None).get(f"/api/notices/{changed_notice.pk}/eforms?version=1")
    assert response.status_code == 200
    assert b"efac:Changes" not in response.content


def test_it_documents_the_exports_in_the_openapi_schema(api_for: Any, db: Any) -> None:
    response = api_for(None).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    eforms_get = paths["/api/notices/{id}/eforms"]["get"]
    assert "application/xml" in eforms_get["responses"]["200"]["content"]
    assert eforms_get["responses"]["200"]["content"]["application/xml"]["schema"]["type"] == \
        "string"
    assert "application/json" in paths["/api/notices/{id}/ocds"]["get"]["responses"]["200"][
        "content"]


@needs_standards
def test_it_exports_award_notices_as_ocds_but_not_yet_as_eforms(make_notice: Any,
                                                                api_for: Any,
                                                                tmp_path: Path) -> None:
    notice = make_notice(kind="can")
    package = api_for(None).get(f"/api/notices/{notice.pk}/ocds").json()
    assert package["releases"][0]["tag"] == ["award"]
    result = validate_ocds(package, tmp_path)
    assert result["valid"], result["errors"]
    response = api_for(None).get(f"/api/notices/{notice.pk}/eforms", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/json")
    assert "award decision" in response.json()["error"]["message"]


def test_the_eforms_api_gives_the_result_notice_once_the_award_is_sent(
        make_notice: Any, officer: Any, api_for: Any) -> None:
    from tests.notices.eforms_scenarios import national_can_one_winner

    award = national_can_one_winner(make_notice, officer)
    response = api_for(None).get(f"/api/notices/{award.pk}/eforms")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    doc = etree.fromstring(response.content)
    assert text(response.content, "//efac:NoticeSubType/cbc:SubTypeCode") == ["E4"]
    assert etree.QName(doc).localname == "ContractAwardNotice"


def test_it_names_the_review_body_from_settings(eea_notice: Notice, settings: Any) -> None:
    # BT-501 is mandatory for every organisation in subtype 16; the operator configures the
    # review body's organisation number (not shipped as a default).
    settings.EFORMS_REVIEW_BODY = {"company_id": "999999999"}
    xml = eforms.notice_xml(eea_notice, base_url="https://anbud.example/")
    companies = etree.fromstring(xml).xpath("//efac:Organization/efac:Company", namespaces=NS)
    assert len(companies) == 2
    for company in companies:
        assert company.xpath("cac:PartyLegalEntity/cbc:CompanyID", namespaces=NS)
    assert text(xml, "//cac:AppealReceiverParty/cac:PartyIdentification/cbc:ID") == [
        "ORG-0002", "ORG-0002"]
