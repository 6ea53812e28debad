"""OCDS 1.1.5: release and record packages of every stage validate with libcoveocds (against
the schema zip in ../shared/standards) and with the validator in ../shared/standards/tools; the
releases API pages through everything; export_ocds writes bulk packages."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from notices.documents import services as documents
from notices.exports import ocds
from notices.models import Notice
from tests.notices.eforms_scenarios import SCENARIOS

pytestmark = pytest.mark.django_db
STANDARDS = Path(__file__).resolve().parents[2].parent / "shared" / "standards"
SCHEMA_ZIP = STANDARDS / "ocds" / "standard-1__1__5-schema.zip"


def _needs_standards() -> Any:
    missing = not SCHEMA_ZIP.is_file()
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"the OCDS schema is required in CI ({SCHEMA_ZIP})")
    return pytest.mark.skipif(missing, reason=f"OCDS schema not found at {SCHEMA_ZIP}")


needs_standards = _needs_standards()


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("anbud_validate_ocds",
                                                  STANDARDS / "tools" / "validate_ocds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _StandardFromZip:
    """Stands in for `requests` inside jsonref while libcoveocds validates: the OCDS schema
    URLs (https://standard.open-contracting.org/schema/1__1__5/...) are answered from the
    official schema zip, so record packages validate offline too (libcoveocds dereferences
    their versioned-release-validation-schema by URL)."""

    def get(self, uri: str, **kwargs: Any) -> Any:
        import zipfile

        name = uri.rsplit("/", 1)[-1]
        with zipfile.ZipFile(SCHEMA_ZIP) as archive:
            data = archive.read(f"standard-1__1__5/schema/{name}")

        class Answer:
            def raise_for_status(self) -> None:
                return None

            def json(self, **kw: Any) -> Any:
                return json.loads(data, **kw)

        return Answer()


def assert_valid(package: dict[str, Any], tmp_path: Path) -> None:
    """No schema errors and no additional-check warnings (libcoveocds), and valid with the
    shared validator. The extensions are fetched from GitHub: offline, libcoveocds can only
    say that fetching failed, and that is the one extension message allowed."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig()
    config.config.update(context="api", standard_zip=f"file://{SCHEMA_ZIP}")
    import jsonref
    import requests

    def offline(*args: Any, **kwargs: Any) -> Any:
        raise requests.ConnectionError("the tests run offline")

    # Deterministic and fast: no network (extension fetches fail at once, "fetching failed").
    with tempfile.TemporaryDirectory() as out, \
            mock.patch.object(jsonref, "requests", _StandardFromZip()), \
            mock.patch("requests.adapters.HTTPAdapter.send", offline):
        result = ocds_json_output(out, json_data=json.loads(json.dumps(package)),
                                  lib_cove_ocds_config=config)
    assert result["validation_errors"] == []
    assert result["additional_checks"] == {}
    assert result["additional_closed_codelist_values"] == {}
    invalid = (result.get("extensions") or {}).get("invalid_extension") or {}
    assert set(invalid.values()) <= {"fetching failed"}
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    shared = _tool().validate_file(path, STANDARDS / "ocds" / "schema", True)
    assert shared["valid"], shared["errors"]
    assert shared["warnings"] == []


@pytest.fixture
def document_storage(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}


def upload(notice: Notice, officer: Any, name: str = "konkurransegrunnlag.pdf",
           at: Any = None) -> Any:
    data = b"%PDF-1.4 anbud"
    return documents.document_upload(notice=notice, by=officer, stream=io.BytesIO(data),
                                     filename=name, size=len(data), now=at)[0]


STAGES = ["pin_eea", "pin_eea_changed", "cn_open_lots", "cn_restricted",
          "cn_changed_deadline", "cn_cancelled", "national_lots", "voluntary_part_i"]


@needs_standards
@pytest.mark.parametrize("scenario", STAGES)
def test_release_packages_of_every_stage_validate(scenario: str, make_notice: Any,
                                                  officer: Any, tmp_path: Path,
                                                  document_storage: None) -> None:
    notice = SCENARIOS[scenario][0](make_notice, officer)
    package = ocds.release_package(notice, uri="https://anbud.example/api/notices/1/ocds")
    assert_valid(package, tmp_path)
    assert len(package["releases"]) == notice.versions.count()
    assert_valid(ocds.record_package([notice], uri="https://anbud.example/r"), tmp_path)


@needs_standards
def test_an_award_notice_validates_and_says_nothing_of_bids(make_notice: Any,
                                                            tmp_path: Path) -> None:
    notice = make_notice(kind="can")
    package = ocds.release_package(notice, uri="https://anbud.example/x")
    assert package["releases"][0]["tag"] == ["award"]
    assert {"awards", "contracts", "bids"}.isdisjoint(package["releases"][0])
    assert_valid(package, tmp_path)


@needs_standards
def test_documents_carry_url_hash_and_their_own_release(make_notice: Any, officer: Any,
                                                        tmp_path: Path,
                                                        document_storage: None) -> None:
    notice = make_notice(publish=False)
    draft_doc = upload(notice, officer)
    from notices import services

    notice = services.notice_publish(notice=notice, by=officer)
    later = upload(notice, officer, "prisskjema.csv",
                   at=timezone.now() + timedelta(minutes=5))
    releases = ocds.notice_releases(notice)
    assert [r["tag"] for r in releases] == [["tender"], ["tenderUpdate"]]
    assert releases[1]["id"] == f"{notice.reference}-01-d{later.pk}"
    first_docs = releases[0]["tender"]["documents"]
    assert [d["id"] for d in first_docs] == [f"doc-{draft_doc.document_id}"]
    doc = first_docs[0]
    assert doc["url"].endswith(f"/notices/{notice.pk}/documents/{draft_doc.document_id}/v1/")
    assert draft_doc.sha256 in doc["description"] and doc["format"] == draft_doc.content_type
    assert len(releases[1]["tender"]["documents"]) == 2
    assert_valid(ocds.release_package(notice, uri="https://anbud.example/x"), tmp_path)


def test_the_default_ocid_prefix_has_the_registered_form(settings: Any) -> None:
    from django.conf import settings as django_settings

    assert ocds.OCID_PREFIX_RE.match(ocds.ocid_prefix())
    assert django_settings.OCDS_OCID_PREFIX.rstrip("-") == ocds.DEFAULT_OCID_PREFIX


def test_a_malformed_ocid_prefix_is_a_warning_of_the_system_check(settings: Any) -> None:
    from notices.exports.checks import ocid_prefix_check

    assert ocid_prefix_check() == []
    settings.OCDS_OCID_PREFIX = "ocds-anbud-"  # the old default: five letters
    [warning] = ocid_prefix_check()
    assert warning.id == "anbud.W012" and "Register" in warning.hint


@override_settings(OCDS_OCID_PREFIX="ocds-abc123")
def test_the_ocid_is_the_prefix_a_dash_and_the_reference(make_notice: Any) -> None:
    notice = make_notice()
    assert ocds.ocid(notice) == f"ocds-abc123-{notice.reference}"


@needs_standards
def test_the_releases_api_pages_through_every_release(make_notice: Any, officer: Any,
                                                      api_for: Any, tmp_path: Path) -> None:
    start = timezone.now() - timedelta(days=3)
    notices = [make_notice(title=f"Kunngjøring {n}", at=start + timedelta(hours=n))
               for n in range(4)]
    from notices import services

    services.notice_change_publish(notice=notices[0], by=officer, reason="Ny tittel.",
                                   fields={"title": "Ny tittel"})
    draft = make_notice(publish=False)
    client = api_for(None)
    url = "/api/ocds/releases?limit=2"
    seen: list[str] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        package = response.json()
        seen.extend(r["id"] for r in package["releases"])
        assert_valid(package, tmp_path)
        pages += 1
        link = response.get("Link", "")
        url = link[1:link.index(">")] if link else ""
    expected = [f"{n.reference}-01" for n in notices] + [f"{notices[0].reference}-02"]
    assert seen == expected and pages == 3
    assert not any(draft.reference in rid for rid in seen)
    since = (start + timedelta(hours=2)).isoformat()
    response = client.get("/api/ocds/releases", {"since": since})
    assert [r["id"] for r in response.json()["releases"]] == expected[2:]
    assert client.get("/api/ocds/releases", {"cursor": "nonsense"}).status_code == 400
    assert client.get("/api/ocds/releases", {"since": "yesterday"}).status_code == 400


@needs_standards
def test_the_record_api_gives_one_procedure(make_notice: Any, api_for: Any,
                                            tmp_path: Path) -> None:
    notice = make_notice()
    client = api_for(None)
    response = client.get(f"/api/ocds/records/{ocds.ocid(notice)}")
    assert response.status_code == 200
    package = response.json()
    (record,) = package["records"]
    assert record["ocid"] == ocds.ocid(notice)
    assert record["compiledRelease"]["tag"] == ["compiled"]
    assert_valid(package, tmp_path)
    draft = make_notice(publish=False)
    assert client.get(f"/api/ocds/records/{ocds.ocid(draft)}").status_code == 404
    assert client.get("/api/ocds/records/ocds-zzzzzz-ANB-1").status_code == 404


@needs_standards
def test_export_ocds_writes_bulk_packages(make_notice: Any, tmp_path: Path) -> None:
    old = timezone.now() - timedelta(days=10)
    make_notice(title="Gammel", at=old)
    for n in range(3):
        make_notice(title=f"Ny {n}")
    out = tmp_path / "out"
    since = timezone.localdate() - timedelta(days=1)
    stdout = io.StringIO()
    call_command("export_ocds", "--since", since.isoformat(), "--out", str(out),
                 "--per-file", "2", stdout=stdout)
    files = sorted(out.glob("*.json"))
    assert [f.name for f in files] == ["releases-00001.json", "releases-00002.json"]
    packages = [json.loads(f.read_text()) for f in files]
    titles = [r["tender"]["title"] for p in packages for r in p["releases"]]
    assert titles == ["Ny 0", "Ny 1", "Ny 2"]
    for package in packages:
        assert_valid(package, tmp_path)
    assert "3 releases in 2 file(s)" in stdout.getvalue()


@needs_standards
@pytest.mark.parametrize("scenario", ["can_lots", "national_can_framework"])
def test_an_award_notice_publishes_awards_contracts_and_bid_statistics(
        scenario: str, make_notice: Any, officer: Any, tmp_path: Path) -> None:
    award = SCENARIOS[scenario][0](make_notice, officer)
    contract_notice = award.award_for
    assert contract_notice is not None
    package = ocds.release_package(award, uri="https://anbud.example/x")
    assert_valid(package, tmp_path)
    (release,) = package["releases"]
    assert release["ocid"] == ocds.ocid(contract_notice)
    assert release["tag"] == ["award", "contract"]
    assert release["tender"]["id"] == contract_notice.reference
    assert release["tender"]["numberOfTenderers"] == 3
    supplier_ids = {p["id"] for p in release["parties"] if "supplier" in p["roles"]}
    for award_entry in release["awards"]:
        assert {s["id"] for s in award_entry.get("suppliers", [])} <= supplier_ids
    contracts = release["contracts"]
    assert {c["awardID"] for c in contracts} <= {a["id"] for a in release["awards"]}
    assert all(c["dateSigned"] and c["period"]["startDate"] and c["value"]["currency"] == "NOK"
               for c in contracts)
    measures = {(s["measure"], s.get("relatedLot"), s["value"])
                for s in release["bids"]["statistics"]}
    if scenario == "can_lots":
        statuses = {a["relatedLots"][0]: a["status"] for a in release["awards"]}
        assert statuses == {"LOT-0001": "active", "LOT-0002": "unsuccessful"}
        assert len(contracts) == 1
        assert ("bids", "LOT-0002", 3) in measures and ("smeBids", "LOT-0001", 2) in measures
    else:
        (framework,) = release["awards"]
        assert framework["status"] == "active" and len(framework["suppliers"]) == 2
        assert framework["value"] == {"amount": 5000000, "currency": "NOK"}
        assert len(contracts) == 2
        assert ("electronicBids", None, 3) in measures
    # The procedure's record holds the tender and the award, in one contracting process.
    record = ocds.record_package([contract_notice], uri="https://anbud.example/r")
    assert_valid(record, tmp_path)
    (entry,) = record["records"]
    assert [r["tag"] for r in entry["releases"]][-1] == ["award", "contract"]
    assert entry["compiledRelease"]["awards"] == release["awards"]
