"""Open-data exports of published notices: OCDS release packages and eForms XML.

Pure functions from a Notice (and its frozen NoticeVersion snapshots) to a dict or bytes; no
request handling. Every export is built from the published snapshots, so a download shows what
the public saw in each version, never an unpublished draft.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from backend.errors import Conflict, NotFound
from notices.models import Notice, NoticeStatus, NoticeVersion


class NotExportable(Conflict):
    default_code = "not_exportable"


def published_versions(notice: Notice) -> list[NoticeVersion]:
    """The notice's published versions, oldest first; refuses drafts with a clear message."""
    if notice.status == NoticeStatus.DRAFT:
        raise NotExportable(_("This notice is a draft. Only published notices have an official "
                              "version to export; publish it first."))
    versions = list(notice.versions.order_by("number"))
    if not versions:
        raise NotExportable(_("This notice has no published version to export."))
    return versions


def pick_version(versions: list[NoticeVersion], number: int | None) -> NoticeVersion:
    if number is None:
        return versions[-1]
    for version in versions:
        if version.number == number:
            return version
    raise NotFound(_("This notice has no version %(n)s.") % {"n": number})


def lot_id(number: int) -> str:
    return f"LOT-{number:04d}"


def parse_moment(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return parse_datetime(str(value))


def money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))
