"""The ESPD response: built from a supplier's answers (XSD-valid), a response made elsewhere
checked and read (the official example), malformed ones refused naming the element and the
line, and nothing stored on the way: the response is sealed into the bid."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from lxml import etree

from accounts.models import User
from evaluation.espd import response as espd_response
from evaluation.espd.catalogue import NS
from notices.models import Notice
from tests.evaluation.espd_support import (
    EXAMPLE_REQUEST,
    EXAMPLE_RESPONSE,
    espd_standards,  # noqa: F401
    notice_with_requirements,
    xsd_problems,
)

pytestmark = pytest.mark.django_db

ANSWERS = {
    "C1_EG_crime-org/QG1/QSG1/QSG1/Q1": False,
    "C1_EG_crime-org/QG2/Q1": True,
    "C1_EG_crime-org/QG2/QSG1/Q1": {"url": "https://www.politiet.no/attest/123",
                                    "reference": "Politiattest 2026-123", "issuer": "Politiet"},
    "C29_SC_gen-year-to/RG1/RSG1/QSG1/Q1": True,
    "C29_SC_gen-year-to/RG1/RSG1/QSG2/Q2": {"amount": "7 500 000", "currency": "NOK"},
    "C29_SC_gen-year-to/RG1/RSG1/QSG2/Q1": {"start": "2025-01-01", "end": "2025-12-31"},
}


def build(client: Any, notice: Notice, body: dict[str, Any]) -> Any:
    return client.post(f"/api/notices/{notice.pk}/espd-response/build", body, format="json")


def check(client: Any, notice: Notice, data: bytes, content_type: str = "application/xml"
          ) -> Any:
    return client.post(f"/api/notices/{notice.pk}/espd-response/check", data=data,
                       content_type=content_type)


@pytest.fixture
def notice(make_notice: Callable[..., Notice]) -> Notice:
    return notice_with_requirements(make_notice)


def test_it_builds_a_response_from_answers_valid_against_the_xsd(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any],
        espd_standards: Path) -> None:  # noqa: F811
    answered = build(api_for(supplier_user), notice, {
        "criteria": {"crime-org": False, "tax-pay": False},
        "answers": ANSWERS, "economic_operator": {"sme": True}, "lots": [1]})
    assert answered.status_code == 200, answered.content
    assert answered["Content-Type"].startswith("application/xml")
    assert 'filename="espd-response.xml"' in answered["Content-Disposition"]
    assert xsd_problems(answered.content, "response") == []
    root = etree.fromstring(answered.content)
    assert root.findtext("cbc:ContractFolderID", namespaces=NS) == notice.reference
    assert root.findtext("cac:EconomicOperatorParty/cac:Party/cac:PartyName/cbc:Name",
                         namespaces=NS) == "Fjordbygg AS"
    assert [lot.findtext("cbc:ID", namespaces=NS)
            for lot in root.findall("cac:ProcurementProjectLot", NS)] == ["LOT-0001"]
    # Read back: each requirement with its answers, in the requirements' order.
    result = espd_response.check_response(notice, answered.content)
    by_code = {a.criterion_code: a for a in result.answers}
    assert by_code["crime-org"].main_answer is False
    first = by_code["crime-org"].values[0]
    assert (first.question, first.value) == ("Your answer", "No")
    assert by_code["crime-org"].evidence[0].reference == "Politiattest 2026-123"
    assert by_code["crime-org"].evidence[0].issuer == "Politiet"
    turnover = {v.data_type: v.value for v in by_code["gen-year-to"].values}
    assert turnover["AMOUNT"] == "7500000 NOK"
    assert turnover["PERIOD"] == "2025-01-01 – 2025-12-31"
    assert by_code["trade-regist"].problems == ("The supplier gave no answer to this "
                                                "criterion.",)
    assert result.warnings == []


def test_it_refuses_answers_it_cannot_use_naming_each_field(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any],
        espd_standards: Path) -> None:  # noqa: F811
    answered = build(api_for(supplier_user), notice, {
        "criteria": {"no-such-criterion": True},
        "answers": {"nope/Q1": True, "C1_EG_crime-org/QG1/Q1": "kanskje",
                    "C1_EG_crime-org/QG1/QSG1/Q1": "31.12.2025",
                    "C29_SC_gen-year-to/RG1/RSG1/QSG2/Q2": {"amount": "mye"}},
        "lots": [7]})
    assert answered.status_code == 400
    fields = answered.json()["error"]["fields"]
    assert set(fields) == {"criteria.no-such-criterion", "answers.nope/Q1",
                           "answers.C1_EG_crime-org/QG1/Q1",
                           "answers.C1_EG_crime-org/QG1/QSG1/Q1",
                           "answers.C29_SC_gen-year-to/RG1/RSG1/QSG2/Q2", "lots"}
    assert fields["answers.C1_EG_crime-org/QG1/QSG1/Q1"] == ["Give a date as YYYY-MM-DD."]


def test_it_builds_only_for_suppliers(notice: Notice, officer: User, other_officer: User,
                                      api_for: Callable[..., Any]) -> None:
    assert build(api_for(None), notice, {}).status_code == 401
    for user in (officer, other_officer):
        refused = build(api_for(user), notice, {"criteria": {"crime-org": False}})
        assert refused.status_code == 403
        assert "supplier" in refused.json()["error"]["message"]


def test_it_reads_the_official_example_response_uploaded_from_elsewhere(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any],
        espd_standards: Path) -> None:  # noqa: F811
    checked = check(api_for(supplier_user), notice, EXAMPLE_RESPONSE.read_bytes())
    assert checked.status_code == 200, checked.content
    body = checked.json()
    assert body["valid"] is True and body["schema_checked"] is True
    assert body["contract_folder_id"] == "PP.20170419.1024-9"
    assert any("PP.20170419.1024-9" in w for w in body["warnings"])  # not this notice's
    answers = {a["requirement"]["title"]: a for a in body["answers"]}
    crime = answers["Ikke dømt for deltakelse i en kriminell organisasjon"]
    assert crime["criterion_code"] == "crime-org" and crime["main_answer"] is True
    assert crime["values"][0] == {"question": "Your answer",
                                  "property_id": "C1_EG_crime-org/QG1/Q1",
                                  "data_type": "INDICATOR", "value": "Yes", "raw": "true"}
    assert any("exclusion ground may apply" in p for p in crime["problems"])
    assert crime["evidence"][0]["reference"] == "SAT-11121233"
    turnover = answers["Omsetning"]
    assert {"question": "Amount", "value": "1000000000 EUR"}.items() <= {
        k: v for k, v in next(v for v in turnover["values"] if v["data_type"] == "AMOUNT")
        .items()}.items()
    assert answers["HMS-egenerklæring"]["problems"][0].startswith("This requirement names no")


def _example_without(tag: str) -> bytes:
    root = etree.fromstring(EXAMPLE_RESPONSE.read_bytes())
    for found in root.findall(tag, NS):
        root.remove(found)
    return etree.tostring(root)


@pytest.mark.parametrize(("data", "needle"), [
    (b"%PDF-1.4 not xml at all", "not well-formed XML (line 1"),
    (b"<?xml version='1.0'?>\n<QualificationApplicationResponse>\n<unclosed>\n"
     b"</QualificationApplicationResponse>", "(line 4: Opening and ending tag mismatch: unclosed"),
    (b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>",
     "the root element is Invoice"),
    (b"", "empty"),
])
def test_it_refuses_a_file_that_is_not_an_espd_response(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any], data: bytes,
        needle: str) -> None:
    refused = check(api_for(supplier_user), notice, data)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "espd_invalid"
    assert needle in error["message"]
    assert error["fields"]["file"]


def test_it_refuses_the_request_sent_in_place_of_the_response(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any],
        espd_standards: Path) -> None:  # noqa: F811
    refused = check(api_for(supplier_user), notice, EXAMPLE_REQUEST.read_bytes())
    assert refused.status_code == 400
    assert "QualificationApplicationRequest" in refused.json()["error"]["message"]


def test_it_refuses_a_response_without_a_mandatory_element_naming_it(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any],
        espd_standards: Path) -> None:  # noqa: F811
    refused = check(api_for(supplier_user), notice,
                    _example_without("cac:EconomicOperatorParty"))
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == (
        "The mandatory element cac:EconomicOperatorParty is missing from "
        "QualificationApplicationResponse.")


def test_it_refuses_a_schema_violation_naming_the_element_and_the_line(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any],
        espd_standards: Path) -> None:  # noqa: F811
    root = etree.fromstring(EXAMPLE_RESPONSE.read_bytes())
    first = root.find("cac:TenderingCriterionResponse", NS)
    assert first is not None
    etree.SubElement(first, f"{{{espd_response.CBC}}}Colour").text = "blue"
    data = etree.tostring(root, pretty_print=True)
    line = data.decode().splitlines().index(
        next(x for x in data.decode().splitlines() if "Colour" in x)) + 1
    refused = check(api_for(supplier_user), notice, data)
    assert refused.status_code == 400
    message = refused.json()["error"]["message"]
    assert f"Line {line}: Element 'cbc:Colour': This element is not expected." in message


def test_it_refuses_a_response_missing_a_criterion_of_the_request(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any],
        espd_standards: Path) -> None:  # noqa: F811
    root = etree.fromstring(EXAMPLE_RESPONSE.read_bytes())
    for criterion in root.findall("cac:TenderingCriterion", NS):
        if criterion.findtext("cbc:CriterionTypeCode", namespaces=NS) == "tax-pay":
            root.remove(criterion)
    refused = check(api_for(supplier_user), notice, etree.tostring(root))
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "espd_criteria_missing"
    assert "Payment of taxes" in refused.json()["error"]["message"]


def test_it_checks_the_structure_without_the_schema_files(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any], settings: Any,
        tmp_path: Path) -> None:
    client = api_for(supplier_user)
    built = build(client, notice, {"criteria": {"crime-org": False}})
    assert built.status_code == 200
    settings.ESPD_STANDARDS_DIR = tmp_path / "nothing-here"
    checked = check(client, notice, built.content)
    assert checked.status_code == 200
    assert checked.json()["schema_checked"] is False
    assert any("not against the XSD" in w for w in checked.json()["warnings"])
    root = etree.fromstring(built.content)
    root.remove(root.find("cac:ContractingParty", NS))
    refused = check(client, notice, etree.tostring(root))
    assert refused.status_code == 400
    assert "cac:ContractingParty is missing" in refused.json()["error"]["message"]


def test_it_refuses_a_multipart_upload_without_spooling_it(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any]) -> None:
    refused = api_for(supplier_user).post(
        f"/api/notices/{notice.pk}/espd-response/check",
        {"file": copy.copy(b"<x/>")}, format="multipart")
    assert refused.status_code == 400
    assert "application/xml" in refused.json()["error"]["message"]


def test_it_stores_nothing_when_building_or_checking(
        notice: Notice, supplier_user: User, api_for: Callable[..., Any],
        settings: Any, tmp_path: Path,
        espd_standards: Path) -> None:  # noqa: F811
    def counts() -> dict[str, int]:
        return {m._meta.label: m.objects.count() for m in apps.get_models()
                if not m._meta.label.startswith(("sessions.", "accounts.ApiToken", "knox."))}

    client = api_for(supplier_user)
    before = counts()
    built = build(client, notice, {"criteria": {"crime-org": False}, "answers": ANSWERS})
    assert built.status_code == 200
    assert check(client, notice, built.content).status_code == 200
    assert counts() == before
    data_dir = Path(settings.DATA_DIR)
    assert not any(b"Politiattest" in p.read_bytes() for p in data_dir.rglob("*")
                   if p.is_file() and p.stat().st_size < 5_000_000
                   and "sqlite" not in p.name)
