"""eForms import: every official PIN, CN and CAN example imports (marked with its source),
re-import updates, bad files are refused naming the element and the rule with nothing
written, and export after import keeps the essential fields."""

from __future__ import annotations

import os
import re
import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from lxml import etree

from accounts.models import Organization
from notices.exports import eforms
from notices.exports import eforms_validation as validation
from notices.exports.eforms_import import NS, ImportRefused, eforms_import, parse
from notices.models import Notice, NoticeKind, NoticeSource, NoticeStatus, NoticeVersion
from tests.notices.eforms_scenarios import SCENARIOS

pytestmark = pytest.mark.django_db
STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "standards"
EXAMPLE_DIRS = [STANDARDS / "eforms" / "examples", STANDARDS / "eforms-no" / "examples"]
EXAMPLES = sorted(p for d in EXAMPLE_DIRS if d.is_dir() for p in d.glob("*.xml"))
ROOT_KIND = {"PriorInformationNotice": "pin", "ContractNotice": "cn",
             "ContractAwardNotice": "can"}


def _needs_examples() -> Any:
    missing = not EXAMPLES
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"the eForms examples are required in CI ({STANDARDS})")
    return pytest.mark.skipif(missing, reason=f"eForms examples not found at {STANDARDS}")


needs_examples = _needs_examples()


def first(doc: etree._Element, xpath: str) -> str:
    found = doc.xpath(xpath, namespaces=NS)
    return (found[0].text or "").strip() if found else ""


def import_file(path: Path, **kwargs: Any) -> Any:
    return eforms_import(data=path.read_bytes(), source_name=path.name, **kwargs)


@needs_examples
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_it_imports_every_official_example(path: Path) -> None:
    base = None
    doc = etree.fromstring(path.read_bytes())
    changed = first(doc, "//efbc:ChangedNoticeIdentifier")
    if changed:  # a change notice: its notice first
        base_path = next(p for p in EXAMPLES if changed[:36] in p.read_text()
                         and p != path and "ChangedNoticeIdentifier" not in p.read_text())
        base = import_file(base_path).notice
    result = import_file(path)
    notice = result.notice
    assert notice.source == NoticeSource.EFORMS_IMPORT and notice.source_name == path.name
    root = etree.QName(doc).localname
    expected_kind = ROOT_KIND[root]
    subtype = first(doc, "//efac:NoticeSubType/cbc:SubTypeCode")
    if expected_kind == "cn" and subtype.startswith("E"):
        expected_kind = "national"
    assert notice.kind == expected_kind
    assert str(result.version.notice_uuid) == first(doc, "/*/cbc:ID")
    folder = first(doc, "/*/cbc:ContractFolderID")
    if folder:
        assert str(notice.procedure_uuid) == folder
    assert notice.status != NoticeStatus.DRAFT and notice.published_at is not None
    assert notice.title == first(doc, "/*/cac:ProcurementProject/cbc:Name")
    assert notice.cpv_main == first(doc, "/*/cac:ProcurementProject/"
                                         "cac:MainCommodityClassification/cbc:ItemClassificationCode")
    lot_count = len(doc.xpath("/*/cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot' or "
                              "cbc:ID/@schemeName='Part']", namespaces=NS))
    assert notice.lots.count() in ((lot_count,) if lot_count > 1 else (0, 1))
    if base is not None:
        assert notice.pk == base.pk and result.action == "changed"
        assert [v.kind for v in notice.versions.all()] == ["original", "change"]


@needs_examples
def test_it_imports_the_maximal_notices_with_all_their_lots() -> None:
    cn = import_file(STANDARDS / "eforms" / "examples" / "cn_24_maximal.xml").notice
    assert cn.lots.count() == 2 and cn.procedure_type == "neg-w-call"  # and a group of lots
    assert cn.request_deadline is not None and cn.candidates_min == 3
    assert (cn.max_lots_submitted, cn.max_lots_awarded) == (2, 2)
    can = import_file(STANDARDS / "eforms" / "examples" / "can_24_maximal.xml").notice
    assert can.kind == NoticeKind.AWARD and can.lots.count() == 2  # and one group of lots


@needs_examples
def test_it_updates_instead_of_duplicating_on_reimport() -> None:
    path = STANDARDS / "eforms-no" / "examples" / "VALID-national-e3-nor-env.xml"
    first_result = import_file(path)
    counts = (Notice.objects.count(), NoticeVersion.objects.count(),
              Organization.objects.count())
    again = import_file(path)
    assert again.action == "unchanged" and again.notice.pk == first_result.notice.pk
    # The same notice with a corrected title updates it in place.
    data = path.read_bytes().replace(first_result.notice.title.encode(), b"Rettet tittel", 1)
    updated = eforms_import(data=data, source_name="rettet.xml")
    assert updated.action == "updated" and updated.notice.pk == first_result.notice.pk
    assert (Notice.objects.count(), NoticeVersion.objects.count(),
            Organization.objects.count()) == counts
    updated.notice.refresh_from_db()
    assert updated.notice.title == "Rettet tittel"
    assert updated.version.snapshot["title"] == "Rettet tittel"


def _nothing_written(action: Any) -> ImportRefused:
    before = (Notice.objects.count(), Organization.objects.count(),
              NoticeVersion.objects.count())
    with pytest.raises(ImportRefused) as refused:
        action()
    assert (Notice.objects.count(), Organization.objects.count(),
            NoticeVersion.objects.count()) == before
    return refused.value


@needs_examples
def test_it_refuses_a_malformed_file_naming_the_line() -> None:
    data = (STANDARDS / "eforms" / "examples" / "cn_24_minimal.xml").read_bytes()
    refused = _nothing_written(lambda: eforms_import(data=data[: len(data) // 2],
                                                     source_name="cut.xml"))
    assert "not well-formed" in refused.message and "line" in refused.message
    refused = _nothing_written(lambda: eforms_import(data=b"<Invoice/>", source_name="x.xml"))
    assert "<Invoice>" in refused.message


@needs_examples
def test_it_refuses_a_file_breaking_a_rule_naming_the_element_and_the_rule() -> None:
    data = (STANDARDS / "eforms" / "examples" / "cn_24_minimal.xml").read_bytes()
    broken = re.sub(rb'(<cbc:ID schemeName="notice-id">)[^<]+', rb"\1not-a-uuid", data)
    refused = _nothing_written(lambda: eforms_import(data=broken, source_name="b.xml"))
    assert "BR-BT-00701-0052" in refused.message and "cbc:ID" in refused.message


@needs_examples
@pytest.mark.skipif(not validation.available(), reason="eForms Schematron not available")
def test_it_refuses_a_file_breaking_a_business_rule_of_the_schematron() -> None:
    """A services contract whose main CPV is a works code breaks BR-BT-00262-0208."""
    data = (STANDARDS / "eforms" / "examples" / "cn_24_minimal.xml").read_bytes()
    doc = etree.fromstring(data)
    code = doc.xpath("/*/cac:ProcurementProject/cac:MainCommodityClassification/"
                     "cbc:ItemClassificationCode", namespaces=NS)[0]
    nature = first(doc, "/*/cac:ProcurementProject/cbc:ProcurementTypeCode")
    code.text = "45000000" if nature == "services" else "72000000"
    refused = _nothing_written(lambda: eforms_import(data=etree.tostring(doc),
                                                     source_name="rule.xml"))
    assert re.search(r"BR-BT-00262-02\d\d fails at /ContractNotice/cac:ProcurementProject",
                     refused.message)


@needs_examples
@pytest.mark.parametrize("name", ["cn_24_maximal.xml", "cn_24_minimal.xml", "pin-only_24.xml",
                                  "VALID-national-e3-nor-env.xml",
                                  "VALID-national-e2-minimum.xml"])
def test_export_after_import_keeps_the_essential_fields(name: str) -> None:
    path = next(p for p in EXAMPLES if p.name == name)
    original = etree.fromstring(path.read_bytes())
    notice = import_file(path).notice
    exported = etree.fromstring(eforms.notice_xml(notice, base_url="https://anbud.example/"))
    for xpath in ("/*/cbc:ID", "/*/cbc:ContractFolderID", "/*/cbc:NoticeLanguageCode",
                  "//efac:NoticeSubType/cbc:SubTypeCode", "/*/cac:ProcurementProject/cbc:Name",
                  "/*/cac:ProcurementProject/cbc:ProcurementTypeCode",
                  "/*/cac:ProcurementProject/cac:MainCommodityClassification/"
                  "cbc:ItemClassificationCode", "/*/cac:TenderingProcess/cbc:ProcedureCode"):
        assert first(exported, xpath) == first(original, xpath), xpath
    lots = ("/*/cac:ProcurementProjectLot/cac:ProcurementProject/"
            "cac:MainCommodityClassification/cbc:ItemClassificationCode")
    assert [e.text for e in exported.xpath(lots, namespaces=NS)] == [
        e.text for e in original.xpath(lots, namespaces=NS)]
    deadline = ("/*/cac:ProcurementProjectLot[1]/cac:TenderingProcess/"
                "cac:TenderSubmissionDeadlinePeriod/cbc:EndDate")
    assert first(exported, deadline)[:10] == first(original, deadline)[:10]
    buyer = "//efac:Organization[1]/efac:Company/cac:PartyName/cbc:Name"
    assert first(exported, buyer) == first(original, buyer)


@pytest.mark.parametrize("scenario", ["cn_open_lots", "cn_restricted", "national_lots",
                                      "pin_eea"])
def test_import_reads_back_what_the_export_wrote(scenario: str, make_notice: Any,
                                                 officer: Any) -> None:
    notice = SCENARIOS[scenario][0](make_notice, officer)
    parsed = parse(eforms.notice_xml(notice, base_url="https://anbud.example/"))
    assert parsed.notice_uuid == str(notice.versions.get().notice_uuid)
    assert parsed.kind == notice.kind and parsed.regime == notice.regime
    fields = parsed.fields
    title = "title_en" if notice.regime == "part3" else "title"
    assert fields["title"] == getattr(notice, title)
    names = ["cpv_main", "contract_type", "nuts", "max_lots_submitted", "candidates_min",
             "planned_notice_date"]
    if notice.kind != "pin":
        names.append("duration_months")
    for name in names:
        expected = getattr(notice, name)
        assert fields[name] == expected or (name == "contract_type" and expected == "social"), \
            name
    if notice.regime == "part3":
        assert fields["title_en"] == notice.title_en
    assert [lot["title"] for lot in parsed.lots] == [getattr(lot, title)
                                                      for lot in notice.lots.all()]
    assert parsed.buyer["company_id"] == notice.buyer.org_number


def _own_notice_file(make_notice: Any, officer: Any) -> bytes:
    """An eForms file of the officer's authority that is not on the board yet."""
    notice = SCENARIOS["national_open"][0](make_notice, officer)
    xml = eforms.notice_xml(notice, base_url="https://anbud.example/")
    xml = xml.replace(str(notice.versions.get().notice_uuid).encode(), str(uuid.uuid4()).encode())
    return xml.replace(str(notice.procedure_uuid).encode(), str(uuid.uuid4()).encode())


def test_an_authority_imports_its_own_notice_on_the_upload_page(client: Any, officer: Any,
                                                               make_notice: Any) -> None:
    data = _own_notice_file(make_notice, officer)
    client.force_login(officer)
    page = client.get("/workspace/import/")
    assert page.status_code == 200 and 'type="file"' in page.content.decode()
    response = client.post("/workspace/import/",
                           {"file": SimpleUploadedFile("min.xml", data, "application/xml")})
    assert response.status_code == 302
    imported = Notice.objects.get(source=NoticeSource.EFORMS_IMPORT)
    assert response["Location"] == f"/notices/{imported.pk}/"
    assert imported.source_name == "min.xml" and imported.buyer == officer.memberships.get(
    ).organization
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Imported from an eForms notice (min.xml)" in page


@needs_examples
def test_the_upload_page_refuses_another_buyers_notice(client: Any, officer: Any) -> None:
    client.force_login(officer)
    data = (STANDARDS / "eforms-no" / "examples" / "VALID-national-e3-minimum.xml").read_bytes()
    response = client.post("/workspace/import/",
                           {"file": SimpleUploadedFile("x.xml", data, "application/xml")},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "you can import only your own notices" in response.content.decode()
    assert not Notice.objects.filter(source=NoticeSource.EFORMS_IMPORT).exists()


def test_the_upload_page_is_for_authorities(client: Any, supplier_user: Any) -> None:
    assert client.get("/workspace/import/").status_code == 302  # to sign-in
    client.force_login(supplier_user)
    assert client.get("/workspace/import/").status_code == 403


@needs_examples
def test_the_command_imports_a_directory_and_reports_refusals(tmp_path: Path) -> None:
    good = STANDARDS / "eforms" / "examples" / "cn_24_open.xml"
    change = STANDARDS / "eforms" / "examples" / "change-cn_24_open_dates.xml"
    (tmp_path / "a-change.xml").write_bytes(change.read_bytes())  # sorts first by name
    (tmp_path / "b-notice.xml").write_bytes(good.read_bytes())
    out = StringIO()
    call_command("import_eforms", str(tmp_path), stdout=out)
    notice = Notice.objects.get()
    assert notice.versions.count() == 2
    assert "2 imported, 0 refused" in out.getvalue()
    (tmp_path / "c-bad.xml").write_bytes(b"<ContractNotice>")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_eforms", str(tmp_path), stdout=StringIO(), stderr=err)
    assert "c-bad.xml: refused" in err.getvalue()
    assert Notice.objects.count() == 1 and notice.versions.count() == 2  # re-import: updates
