"""Bulk open data: the daily job writes each day's notices as OCDS and eForms to storage; a
public page lists the exports, the feeds and the API with their licence."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from backend.formatting import OSLO
from notices.exports.models import ExportFormat, OpenDataExport
from notices.exports.opendata import open_data_export_due
from notices.management.commands.run_scheduler import tick

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}


def _yesterday_noon() -> datetime:
    day = timezone.localtime(timezone.now(), OSLO).date() - timedelta(days=1)
    return datetime.combine(day, time(12), tzinfo=OSLO)


def test_the_daily_job_writes_yesterdays_notices_as_ocds_and_eforms(make_notice: Any) -> None:
    at = _yesterday_noon()
    national = make_notice(title="Snekkerarbeid", at=at)
    award = make_notice(title="Tildeling", kind="can", at=at + timedelta(hours=1))
    make_notice(title="I dag", at=timezone.now())  # today: not yet
    make_notice(title="Utkast", publish=False, at=at)
    assert open_data_export_due() == 7  # the last week, once
    day = at.date()
    ocds_row = OpenDataExport.objects.get(day=day, format=ExportFormat.OCDS)
    package = json.loads(default_storage.open(ocds_row.path).read())
    assert [r["tender"]["title"] for r in package["releases"]] == ["Snekkerarbeid", "Tildeling"]
    assert ocds_row.count == 2
    with default_storage.open(ocds_row.path, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == ocds_row.sha256
    eforms_row = OpenDataExport.objects.get(day=day, format=ExportFormat.EFORMS)
    with zipfile.ZipFile(io.BytesIO(default_storage.open(eforms_row.path, "rb").read())) as z:
        # The award notice has no eForms form until the award is recorded.
        assert z.namelist() == [f"{national.reference}-v01.xml"]
        assert b"<cbc:SubTypeCode listName=\"notice-subtype\">E3<" in z.read(z.namelist()[0])
    assert award.reference not in eforms_row.path
    empty = OpenDataExport.objects.get(day=day - timedelta(days=1), format=ExportFormat.OCDS)
    assert (empty.count, empty.path) == (0, "")
    assert open_data_export_due() == 0  # idempotent


def test_the_embedded_scheduler_runs_the_daily_job(make_notice: Any) -> None:
    make_notice(at=_yesterday_noon())
    results = tick(due={"notices-open-data-daily"})
    assert results == {"notices-open-data-daily": 7}
    assert OpenDataExport.objects.filter(count__gt=0).count() == 2


def test_the_open_data_page_lists_exports_feeds_api_and_licence(client: Any,
                                                                make_notice: Any) -> None:
    notice = make_notice(at=_yesterday_noon())
    open_data_export_due()
    page = client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    day = timezone.localdate(notice.published_at).isoformat()
    assert f"/open-data/{day}/ocds/" in html and f"/open-data/{day}/eforms/" in html
    assert 'rel="license"' in html and "data.norge.no/nlod" in html
    assert "/api/ocds/releases" in html and "/feeds/notices/" in html
    download = client.get(f"/open-data/{day}/ocds/")
    assert download.status_code == 200 and download["Content-Type"] == "application/json"
    body = b"".join(download.streaming_content)
    assert download["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert client.get("/open-data/2001-01-01/ocds/").status_code == 404
    assert client.get("/open-data/not-a-day/zip/").status_code == 404


def test_the_daily_export_carries_an_award_notice_with_its_results(make_notice: Any,
                                                                  officer: Any) -> None:
    from notices.models import Notice, NoticeVersion
    from tests.notices.eforms_scenarios import national_can_one_winner

    award = national_can_one_winner(make_notice, officer)
    at = _yesterday_noon()
    NoticeVersion.objects.filter(notice=award).update(published_at=at)
    Notice.objects.filter(pk=award.pk).update(published_at=at)
    open_data_export_due()
    day = at.date()
    ocds_row = OpenDataExport.objects.get(day=day, format=ExportFormat.OCDS)
    (release,) = json.loads(default_storage.open(ocds_row.path).read())["releases"]
    assert release["tag"] == ["award", "contract"]
    assert [a["status"] for a in release["awards"]] == ["active"]
    assert len(release["contracts"]) == 1
    eforms_row = OpenDataExport.objects.get(day=day, format=ExportFormat.EFORMS)
    with zipfile.ZipFile(io.BytesIO(default_storage.open(eforms_row.path, "rb").read())) as z:
        assert z.namelist() == [f"{award.reference}-v01.xml"]
        xml = z.read(z.namelist()[0])
        assert b"<cbc:SubTypeCode listName=\"notice-subtype\">E4<" in xml
        assert b"selec-w" in xml
