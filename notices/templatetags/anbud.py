"""Presentation helpers for the web pages: Oslo time, money, sizes, accessible fields."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField, CheckboxInput
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from backend.formatting import format_oslo
from backend.links import absolute_url
from notices import fields as notice_fields
from notices.rules.checks import nok as _nok

register = template.Library()


@register.filter
def oslo(value: datetime | None) -> str:
    """12. desember 2026 kl. 12:00 (norsk tid) / 12 December 2026 at 12:00 (Norwegian time)."""
    return format_oslo(value or None, "datetime")


@register.filter
def oslo_date(value: datetime | None) -> str:
    return format_oslo(value or None, "date")


@register.filter
def oslo_seconds(value: datetime | None) -> str:
    """01.12.2026 12:00:00 in Oslo time: the opening protocol, where the second matters."""
    return format_oslo(value or None, "seconds")


@register.filter
def absolute(path: str) -> str:
    """A path as an absolute link on the configured site, for e-mails: {{ path|absolute }}."""
    return absolute_url(str(path))


@register.filter
def iso(value: datetime | None) -> str:
    """Machine-readable time for <time datetime="...">."""
    return format_oslo(value or None, "iso_utc", empty="")


@register.filter
def time_left(deadline: datetime | None) -> str:
    if not deadline:
        return ""
    seconds = (deadline - timezone.now()).total_seconds()
    if seconds <= 0:
        return _("The deadline has passed.")
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days >= 1:
        return ngettext("%(days)d day and %(hours)d hours left",
                        "%(days)d days and %(hours)d hours left", days) % {
            "days": days, "hours": hours}
    if hours >= 1:
        return ngettext("%(hours)d hour and %(minutes)d minutes left",
                        "%(hours)d hours and %(minutes)d minutes left", hours) % {
            "hours": hours, "minutes": minutes}
    return ngettext("%(minutes)d minute left", "%(minutes)d minutes left",
                    max(minutes, 1)) % {"minutes": max(minutes, 1)}


@register.filter
def nok(value: Decimal | int | None) -> str:
    return "—" if value is None else _nok(value)


@register.filter
def filesize(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
            if (get_language() or "nb").startswith("nb"):
                text = text.replace(".", ",")
            return text
        value /= 1024
    return f"{size} B"


@register.filter
def field_label(name: str) -> str:
    return str(notice_fields.FIELD_LABELS.get(name, name))


@register.simple_tag
def display_value(field: str, value: Any) -> str:
    return notice_fields.display_value(field, value)


@register.filter
def widget_a11y(field: BoundField) -> SafeString:
    """The input with aria-describedby pointing at its help text and error list."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_errors")
    attrs: dict[str, str | bool] = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, CheckboxInput)


@register.simple_tag
def hash_block(sha256: str) -> SafeString:
    return format_html('<code class="hash" translate="no">{}</code>', sha256)
