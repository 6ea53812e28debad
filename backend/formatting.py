"""Times, numbers and sizes for people, one way per use, for templates and Python alike.

Deadlines are legal times in Norway: every page, e-mail, message and export shows them in Oslo
time whatever the server's or the browser's zone, and across daylight-saving changes. Numbers
and sizes follow the active language ("26,0 MiB" and "1 300 000" in bokmål, "26.0 MiB" and
"1,300,000" in English). The template filters in notices/templatetags/ delegate here, so a page,
a PDF and an e-mail say the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
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
    "precise",      # 12.12.2026 12:00:00.123456 (the receipt's own time)
    "locale",       # Django's DATETIME_FORMAT for the active language
    "input",        # 2026-12-12T12:00, the value of a datetime-local input
    "iso",          # 2026-12-12T12:00:00+01:00 (OCDS, API)
    "iso_utc",      # 2026-12-12T11:00:00+00:00 (<time datetime>, snapshots)
    "eforms_date",  # 2026-12-12+01:00 (eForms xsd:date with offset)
    "eforms_time",  # 12:00:00+01:00 (eForms xsd:time with offset)
    "deadline",     # 12:00:00 on 12.12.2026 (Oslo time) / kl. 12:00:00 den 12.12.2026 (norsk tid)
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


def parse_moment(value: datetime | str | None) -> datetime | None:
    """A datetime, or one written as ISO 8601 / RFC 3339 text (signed tree heads, receipts);
    None for nothing or for text that is not a time."""
    if value is None or isinstance(value, datetime):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_oslo(value: datetime | date | str | None, style: Style = "datetime", *,
                empty: str = "—") -> str:
    """`value` in Oslo time in the given style; `empty` when there is no value.

    `value` may be text in ISO 8601 (a signed timestamp, always UTC): it is shown in Oslo time
    like any other moment. A `date` (a DateField) is a calendar day, not midnight UTC: it is
    shown as that day (`format_day`).
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_day(value, style, empty=empty)
    value = parse_moment(value)
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
    if style == "precise":
        return local.strftime("%d.%m.%Y %H:%M:%S.%f")
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
        return _("%(time)s on %(date)s (Oslo time)") % {"time": f"{local:%H:%M:%S}",
                                                         "date": f"{local:%d.%m.%Y}"}
    raise ValueError(f"unknown style {style!r}")


def format_day(value: date | None, style: Style = "date", *, empty: str = "—") -> str:
    """A calendar day (a due date, a deadline day: a DateField) as `format_oslo` shows it. The
    day is an Oslo day, so it is taken at noon in Oslo and stays that day in every style."""
    if value is None:
        return empty
    return format_oslo(datetime.combine(value, time(12), tzinfo=OSLO), style, empty=empty)


def _is_norwegian() -> bool:
    return (get_language() or "nb").startswith(("nb", "no", "nn"))


def format_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """A number as the active language writes it: 1 300 000,5 in bokmål (no-break spaces
    between thousands), 1,300,000.5 in English."""
    text = f"{value:,.{decimals}f}"
    if _is_norwegian():
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


SIZE_UNITS = (("TiB", 1 << 40, 2), ("GiB", 1 << 30, 2), ("MiB", 1 << 20, 1), ("KiB", 1 << 10, 0))


def format_size(size: int | None, *, empty: str = "") -> str:
    """Bytes in binary units with the active language's decimal mark: 26,0 MiB / 26.0 MiB.

    The same rules as formatBytes() in bids/static/bids/common.js, so a page and its script
    agree.
    """
    if size is None:
        return empty
    for unit, factor, decimals in SIZE_UNITS:
        if size >= factor:
            return f"{format_number(size / factor, decimals)}\u00a0{unit}"
    return f"{format_number(size)}\u00a0B"
