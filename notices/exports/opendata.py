"""Bulk open data: each day's notices as one OCDS release package and one ZIP of eForms XML,
written to storage (local files or S3) by a daily job, listed on /open-data/.

A day is a calendar day in Oslo time. Its OCDS file holds every release dated that day (notice
versions and tender-document versions); its eForms file the eForms XML of every notice version
published that day that has an eForms form (award and VEAT notices wait for the award).
Files are written to a temporary file first and streamed, so memory stays flat.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backend.formatting import OSLO
from backend.links import absolute_url
from notices.exports import NotExportable, eforms
from notices.exports.models import ExportFormat, OpenDataExport
from notices.exports.ocds_releases import iter_releases, write_release_package
from notices.models import NoticeStatus, NoticeVersion

# How far back the job fills in days it missed (a server that was down for a while).
CATCH_UP_DAYS = 7


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=OSLO)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=OSLO)


def _store(local: Path, name: str) -> tuple[str, int, str]:
    digest = hashlib.sha256()
    with local.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    prefix = getattr(settings, "OPEN_DATA_EXPORT_PREFIX", "open-data")
    path = f"{prefix}/{name}"
    if default_storage.exists(path):
        default_storage.delete(path)
    with local.open("rb") as handle:
        stored = default_storage.save(path, File(handle, name=name))
    return stored, local.stat().st_size, digest.hexdigest()


def _write_ocds(day: date, workdir: Path) -> tuple[Path | None, int]:
    start, end = day_bounds(day)
    local = workdir / f"anbud-ocds-{day.isoformat()}.json"
    uri = absolute_url(reverse("opendata:open-data-file", kwargs={
        "day": day.isoformat(), "format": ExportFormat.OCDS}))
    with local.open("w", encoding="utf-8") as out:
        count = write_release_package(out, iter_releases(since=start, until=end), uri=uri,
                                      published=end - timedelta(seconds=1))
    return (local if count else None), count


def _write_eforms(day: date, workdir: Path) -> tuple[Path | None, int]:
    start, end = day_bounds(day)
    versions = (NoticeVersion.objects.exclude(notice__status=NoticeStatus.DRAFT)
                .filter(published_at__gte=start, published_at__lt=end)
                .select_related("notice", "notice__buyer").order_by("published_at", "pk"))
    local = workdir / f"anbud-eforms-{day.isoformat()}.zip"
    count = 0
    base = absolute_url("/")
    with zipfile.ZipFile(local, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in versions.iterator(chunk_size=200):
            try:
                xml = eforms.notice_xml(version.notice, base_url=base, version=version.number)
            except NotExportable:
                continue
            archive.writestr(f"{version.notice.reference}-v{version.number:02d}.xml", xml)
            count += 1
    return (local if count else None), count


@transaction.atomic
def open_data_export_day(*, day: date, now: datetime | None = None) -> list[OpenDataExport]:
    """Write (or rewrite) the exports of one day; returns their rows."""
    now = now or timezone.now()
    rows = []
    with tempfile.TemporaryDirectory(prefix="anbud-open-data-") as tmp:
        workdir = Path(tmp)
        for export_format, writer in ((ExportFormat.OCDS, _write_ocds),
                                      (ExportFormat.EFORMS, _write_eforms)):
            local, count = writer(day, workdir)
            path, size, digest = "", 0, ""
            if local is not None:
                path, size, digest = _store(local, f"{day:%Y/%m}/{local.name}")
            row, _created = OpenDataExport.objects.update_or_create(
                day=day, format=export_format,
                defaults={"path": path, "size": size, "sha256": digest, "count": count,
                          "created_at": now})
            rows.append(row)
    return rows


def open_data_export_due(*, now: datetime | None = None) -> int:
    """The daily job: export each finished day of the last week that has no export yet.
    Idempotent; returns how many days it wrote."""
    now = now or timezone.now()
    today = timezone.localtime(now, OSLO).date()
    done = set(OpenDataExport.objects.filter(
        day__gte=today - timedelta(days=CATCH_UP_DAYS)).values_list("day", "format"))
    written = 0
    for back in range(CATCH_UP_DAYS, 0, -1):
        day = today - timedelta(days=back)
        if {(day, ExportFormat.OCDS), (day, ExportFormat.EFORMS)} <= done:
            continue
        open_data_export_day(day=day, now=now)
        written += 1
    return written
