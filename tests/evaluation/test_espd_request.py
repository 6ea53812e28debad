"""The ESPD request of a notice: made from its exclusion grounds and selection criteria, valid
against the official UBL 2.3 schema, public for published notices and linked from the notice
page; and the criterion catalogue the notice form offers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from lxml import etree

from accounts.models import User
from evaluation.criteria.models import QualificationRequirement
from evaluation.espd import catalogue, request, schema
from evaluation.espd.catalogue import NS, espd_catalogue
from notices.models import Notice
from tests.evaluation.espd_support import (
    add_requirements,
    espd_standards,  # noqa: F401
    notice_with_requirements,
    xsd_problems,
)

pytestmark = pytest.mark.django_db


def criteria_of(root: etree._Element) -> dict[str, etree._Element]:
    return {c.findtext("cbc:CriterionTypeCode", namespaces=NS): c
            for c in root.findall("cac:TenderingCriterion", NS)}


def test_it_makes_a_request_valid_against_the_xsd_with_every_kind_and_lots(
        make_notice: Callable[..., Notice], espd_standards: Path) -> None:  # noqa: F811
    notice = notice_with_requirements(make_notice)
    xml = request.request_xml(notice)
    assert xsd_problems(xml, "request") == []
    root = etree.fromstring(xml)
    assert root.findtext("cbc:ContractFolderID", namespaces=NS) == notice.reference
    assert [lot.findtext("cbc:ID", namespaces=NS)
            for lot in root.findall("cac:ProcurementProjectLot", NS)] == ["LOT-0001", "LOT-0002"]
    found = criteria_of(root)
    assert list(found) == ["crime-org", "tax-pay", "trade-regist", "gen-year-to",
                           "work-perform", "qu-certif-indep"]
    # The buyer's own wording travels with the criterion, after the official description.
    descriptions = [d.text for d in found["tax-pay"].findall("cbc:Description", NS)]
    assert len(descriptions) == 2 and "Skatteattest" in descriptions[1]
    # Selection criteria name their lots; exclusion grounds apply to the whole procedure.
    lots = {code: [r.findtext("cbc:ID", namespaces=NS)
                   for r in c.findall("cac:ProcurementProjectLotReference", NS)]
            for code, c in found.items()}
    assert lots["gen-year-to"] == ["LOT-0001"]
    assert lots["qu-certif-indep"] == ["LOT-0002"]
    assert lots["work-perform"] == ["LOT-0001", "LOT-0002"]
    assert lots["crime-org"] == []
    # The taxonomy's sample values are gone; the buyer's text is the expected description.
    text = etree.tostring(found["qu-certif-indep"], encoding="unicode")
    assert "ISO 9001 eller tilsvarende" in text
    assert "[Requirement text]" not in etree.tostring(root, encoding="unicode")
    assert found["gen-year-to"].find(".//cbc:MinimumAmount", NS) is None


def test_it_leaves_out_a_requirement_without_an_espd_criterion_and_says_so(
        make_notice: Callable[..., Notice]) -> None:
    notice = notice_with_requirements(make_notice)
    assert [r.title for r in request.unmapped_requirements(notice)] == ["HMS-egenerklæring"]
    assert "HMS" not in request.request_xml(notice).decode()


def test_it_makes_one_criterion_of_requirements_that_name_the_same_one(
        make_notice: Callable[..., Notice], espd_standards: Path) -> None:  # noqa: F811
    notice = make_notice()
    for position, title in enumerate(["Referanse A", "Referanse B"], start=1):
        QualificationRequirement.objects.create(notice=notice, position=position,
                                                category="technical",
                                                espd_code="service-perform", title=title)
    root = request.request_document(notice)
    assert xsd_problems(root, "request") == []
    [criterion] = root.findall("cac:TenderingCriterion", NS)
    assert "Referanse A\nReferanse B" in criterion.findall("cbc:Description", NS)[1].text
    assert [r.findtext("cbc:ID", namespaces=NS)
            for r in criterion.findall("cac:ProcurementProjectLotReference", NS)] == ["LOT-0000"]


def test_it_makes_a_valid_request_from_the_built_in_list_without_the_taxonomy(
        make_notice: Callable[..., Notice], espd_standards: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(catalogue, "taxonomy_path", lambda: tmp_path / "absent.xml")
    notice = notice_with_requirements(make_notice)
    root = request.request_document(notice)
    assert xsd_problems(root, "request") == []
    found = criteria_of(root)
    assert len(found) == 6
    questions = [p.findtext("cbc:Description", namespaces=NS)
                 for p in found["crime-org"].iter(f"{{{catalogue.CAC}}}TenderingCriterionProperty")]
    assert questions[0] == "Your answer"


def test_it_generates_without_the_standards_and_skips_only_the_schema(
        make_notice: Callable[..., Notice], settings: Any, tmp_path: Path) -> None:
    settings.ESPD_STANDARDS_DIR = tmp_path / "no-standards"
    notice = notice_with_requirements(make_notice)
    root = request.request_document(notice)
    assert len(root.findall("cac:TenderingCriterion", NS)) == 6
    assert schema.schema_problems(root, "request") is None  # skipped, not passed


def test_it_serves_the_request_to_anyone_for_a_published_notice(
        make_notice: Callable[..., Notice], api_for: Callable[[User | None], Any],
        officer: User, espd_standards: Path) -> None:  # noqa: F811
    notice = notice_with_requirements(make_notice)
    response = api_for(None).get(f"/api/notices/{notice.pk}/espd-request")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "espd-request-" in response["Content-Disposition"]
    assert xsd_problems(response.content, "request") == []
    draft = make_notice(publish=False)
    add_requirements(draft)
    assert api_for(None).get(f"/api/notices/{draft.pk}/espd-request").status_code == 404
    assert api_for(officer).get(f"/api/notices/{draft.pk}/espd-request").status_code == 200
    missing = api_for(None).get("/api/notices/999999/espd-request")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_it_links_the_request_from_the_public_notice_page(
        make_notice: Callable[..., Notice]) -> None:
    notice = notice_with_requirements(make_notice)
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/notices/{notice.pk}/")
    assert page.status_code == 200
    assert f"/api/notices/{notice.pk}/espd-request" in page.content.decode()
    bare = make_notice()
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/notices/{bare.pk}/")
    assert "espd-request" not in page.content.decode()


def test_it_offers_the_catalogue_of_exclusion_grounds_and_selection_criteria() -> None:
    items = espd_catalogue()
    codes = [code for code, _category, _label in items]
    assert len(codes) == len(set(codes)) == 55
    categories = {code: category for code, category, _label in items}
    assert categories["crime-org"] == "exclusion" and categories["trade-regist"] == "suitability"
    assert categories["gen-year-to"] == "economic" and categories["work-perform"] == "technical"
    assert all(isinstance(c, str) and type(c) is str for _code, c, _l in items)
    assert dict((c, label) for c, _cat, label in items)["tax-pay"] == "Payment of taxes"
    with translation.override("nb"):
        labels = {code: label for code, _category, label in espd_catalogue()}
    assert labels["tax-pay"] == "Betaling av skatter og avgifter"
    assert catalogue.criterion_for("B61BBEB7-690E-4A40-BC68-D6D4ECFAA3D4").code == "tax-pay"
    assert catalogue.criterion_for("no-such-code") is None
