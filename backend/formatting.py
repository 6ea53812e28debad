"""Norwegian time (Europe/Oslo), formatted one way per use, for templates and Python alike.

Deadlines are legal times in Norway: every page, e-mail, message and export shows them in Oslo
time whatever the server's or the browser's zone, and across daylight-saving changes. The
template filters in notices/templatetags/ delegate here, so a page and an e-mail say the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

OSLO = ZoneInfo("Europe/Oslo")

Style = Literal[
    "datetime",     # 12. desember 2026 kl. 12:00 (norsk tid) / 12 December 2026 at 12:00 (...)
    "date",         # 12. desember 2026 / 12 December 2026
    "short",        # 12.12.2026 12:00 (e-mails, feeds, messages)
    "seconds",      # 12.12.2026 12:00:00 (opening protocol: the second matters)
    "locale",       # Django's DATETIME_FORMAT for the active language
    "input",        # 2026-12-12T12:00, the value of a datetime-local input
    "iso",          # 2026-12-12T12:00:00+01:00 (OCDS, API)
    "iso_utc",      # 2026-12-12T11:00:00+00:00 (<time datetime>, snapshots)
    "eforms_date",  # 2026-12-12+01:00 (eForms xsd:date with offset)
    "eforms_time",  # 12:00:00+01:00 (eForms xsd:time with offset)
    "deadline",     # 12:00:00 on 12.12.2026 (Oslo time), the bids API's plain English
]


def to_oslo(value: datetime) -> datetime:
    """The same instant on the Oslo clock (a naive value is taken to be in Oslo already)."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=OSLO)
    return value.astimezone(OSLO)


def _long_date(local: datetime) -> str:
    if (get_language() or "nb").startswith("nb"):
        return date_format(local, "j. F Y")
    return date_format(local, "j F Y")


def _offset(local: datetime) -> str:
    text = local.strftime("%z")  # +0100
    return f"{text[:3]}:{text[3:]}" if text not in ("", "+0000") else "Z"


def format_oslo(value: datetime | None, style: Style = "datetime", *, empty: str = "—") -> str:
    """`value` in Oslo time in the given style; `empty` when there is no value."""
    if value is None:
        return empty
    if style == "iso_utc":
        return value.astimezone(UTC).isoformat()
    local = to_oslo(value)
    if style == "datetime":
        return _("%(date)s at %(time)s (Norwegian time)") % {
            "date": _long_date(local), "time": local.strftime("%H:%M")}
    if style == "date":
        return _long_date(local)
    if style == "short":
        return local.strftime("%d.%m.%Y %H:%M")
    if style == "seconds":
        return local.strftime("%d.%m.%Y %H:%M:%S")
    if style == "locale":
        return date_format(local, "DATETIME_FORMAT")
    if style == "input":
        return local.strftime("%Y-%m-%dT%H:%M")
    if style == "iso":
        return local.isoformat(timespec="seconds")
    if style == "eforms_date":
        return local.strftime("%Y-%m-%d") + _offset(local)
    if style == "eforms_time":
        return local.strftime("%H:%M:%S") + _offset(local)
    if style == "deadline":
        return f"{local:%H:%M:%S} on {local:%d.%m.%Y} (Oslo time)"
    raise ValueError(f"unknown style {style!r}")
