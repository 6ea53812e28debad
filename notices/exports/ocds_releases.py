"""All OCDS releases of the board, in date order, read in pages (keyset pagination) or as a
stream (bulk exports): the API `GET /api/ocds/releases?since=`, `manage.py export_ocds` and the
daily open-data job share this.

A release is either a published notice version or a tender-document version published after
the notice (notices/exports/ocds.py). The order is (date, kind, id), kind 0 for versions and
1 for documents; a cursor is that triple, so a page never repeats or skips a release even
when new ones arrive while a consumer is reading.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from backend.errors import ApplicationError
from notices.exports import ocds
from notices.models import DocumentVersion, Notice, NoticeStatus, NoticeVersion

VERSION, DOCUMENT = 0, 1


@dataclass(frozen=True, order=True)
class Position:
    """Where a release stands in the feed."""

    date: datetime
    kind: int
    pk: int

    def cursor(self) -> str:
        raw = f"{self.date.isoformat()}|{self.kind}|{self.pk}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, cursor: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            date_text, kind, pk = raw.split("|")
            date = parse_datetime(date_text)
            if date is None or int(kind) not in (VERSION, DOCUMENT):
                raise ValueError(cursor)
            return cls(date, int(kind), int(pk))
        except (ValueError, UnicodeDecodeError):
            raise ApplicationError(_("The cursor is not one this API gave out; start again "
                                     "without it."), fields={"cursor": [_("Invalid.")]}
                                   ) from None


def public_notices() -> QuerySet[Notice]:
    """Published notices with what their releases need, in one query per relation."""
    return (Notice.objects.exclude(status=NoticeStatus.DRAFT).select_related("buyer")
            .prefetch_related(Prefetch("versions", queryset=NoticeVersion.objects.order_by(
                "number")), "documents__versions"))


def _after(position: Position | None, kind: int, date_field: str) -> Q:
    if position is None:
        return Q()
    same_date = Q(**{date_field: position.date})
    if kind > position.kind:
        later = same_date
    elif kind == position.kind:
        later = same_date & Q(pk__gt=position.pk)
    else:
        later = Q(pk__in=[])
    return Q(**{f"{date_field}__gt": position.date}) | later


def _version_rows(since: datetime | None, after: Position | None,
                  until: datetime | None = None) -> QuerySet[NoticeVersion]:
    rows = NoticeVersion.objects.exclude(notice__status=NoticeStatus.DRAFT)
    if since is not None:
        rows = rows.filter(published_at__gte=since)
    if until is not None:
        rows = rows.filter(published_at__lt=until)
    return rows.filter(_after(after, VERSION, "published_at")).order_by("published_at", "pk")


def _document_rows(since: datetime | None, after: Position | None,
                   until: datetime | None = None) -> QuerySet[DocumentVersion]:
    rows = DocumentVersion.objects.exclude(document__notice__status=NoticeStatus.DRAFT).filter(
        uploaded_at__gt=F("document__notice__published_at"))
    if since is not None:
        rows = rows.filter(uploaded_at__gte=since)
    if until is not None:
        rows = rows.filter(uploaded_at__lt=until)
    return rows.filter(_after(after, DOCUMENT, "uploaded_at")).order_by("uploaded_at", "pk")


def _positions(since: datetime | None, after: Position | None, limit: int,
               until: datetime | None = None) -> list[tuple[Position, int]]:
    """The next `limit` (position, notice id) pairs."""
    versions = [(Position(at, VERSION, pk), notice_id) for pk, at, notice_id in
                _version_rows(since, after, until).values_list("pk", "published_at",
                                                               "notice_id")[:limit]]
    documents = [(Position(at, DOCUMENT, pk), notice_id) for pk, at, notice_id in
                 _document_rows(since, after, until).values_list(
                     "pk", "uploaded_at", "document__notice_id")[:limit]]
    return sorted(versions + documents)[:limit]


def _releases_for(positions: list[tuple[Position, int]]) -> list[dict[str, Any]]:
    """The releases at these positions, built from their notices (fetched in bulk)."""
    notices = {n.pk: n for n in public_notices().filter(
        pk__in={notice_id for _p, notice_id in positions})}
    built: dict[int, dict[str, dict[str, Any]]] = {}
    out = []
    for position, notice_id in positions:
        if notice_id not in built:
            built[notice_id] = {r["id"]: r for r in ocds.notice_releases(notices[notice_id])}
        notice = notices[notice_id]
        releases = built[notice_id]
        if position.kind == VERSION:
            number = next(v.number for v in notice.versions.all() if v.pk == position.pk)
            key = f"{notice.reference}-{number:02d}"
            out.append(releases[key])
        else:
            suffix = f"-d{position.pk}"
            out.append(next(r for rid, r in releases.items() if rid.endswith(suffix)))
    return out


@dataclass
class Page:
    releases: list[dict[str, Any]]
    next_cursor: str | None


def releases_page(*, since: datetime | None, cursor: str | None, limit: int) -> Page:
    after = Position.parse(cursor) if cursor else None
    positions = _positions(since, after, limit + 1)
    more = len(positions) > limit
    positions = positions[:limit]
    releases = _releases_for(positions)
    return Page(releases, positions[-1][0].cursor() if more and positions else None)


def iter_releases(*, since: datetime | None = None, until: datetime | None = None,
                  batch: int = 500) -> Iterator[dict[str, Any]]:
    """Every release from `since` (up to `until`), in order, `batch` at a time: memory stays
    flat however many there are."""
    after: Position | None = None
    while True:
        positions = _positions(since, after, batch, until)
        if not positions:
            return
        yield from _releases_for(positions)
        after = positions[-1][0]


def write_release_package(out: IO[str], releases: Iterator[dict[str, Any]], *, uri: str,
                          published: datetime) -> int:
    """Stream a release package to `out`, one release at a time; returns how many."""
    metadata = ocds.package_metadata(uri=uri, published=published)
    head = json.dumps(metadata, ensure_ascii=False)[:-1]
    out.write(head + ', "releases": [')
    count = 0
    for release in releases:
        out.write(("," if count else "") + "\n" + json.dumps(release, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count
