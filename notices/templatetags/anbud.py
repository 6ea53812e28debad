"""Presentation helpers for the web pages: Oslo time, money, sizes, accessible fields."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField, CheckboxInput
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from backend.formatting import format_number, format_oslo, format_size
from backend.links import absolute_url
from notices import fields as notice_fields
from notices.rules.checks import nok as _nok
from notices.templatetags.following_tags import oslo_time

register = template.Library()


@register.filter
def oslo(value: datetime | None) -> str:
    """12. desember 2026 kl. 12:00 (norsk tid) / 12 December 2026 at 12:00 (Norwegian time)."""
    return format_oslo(value or None, "datetime")


# 01.12.2026 12:00 (also in following_tags, for the pages that load only those).
register.filter("oslo_time", oslo_time)


@register.filter
def oslo_date(value: datetime | date | None) -> str:
    """12. desember 2026 / 12 December 2026: a moment's Oslo day, or a calendar day as it is."""
    return format_oslo(value or None, "date")


@register.filter
def oslo_seconds(value: datetime | str | None) -> str:
    """01.12.2026 12:00:00 in Oslo time: the opening protocol, where the second matters.
    Also for signed timestamps written as UTC text (tree heads)."""
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
    """26,0 MiB in bokmål, 26.0 MiB in English."""
    return format_size(None if size is None or size == "" else int(size))


@register.filter
def number(value: int | float | Decimal | None) -> str:
    """1 300 000 in bokmål, 1,300,000 in English."""
    return "" if value is None or value == "" else format_number(value)


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


@register.simple_tag
def cpv_text(code: str) -> str:
    """A CPV code's label in the page's language ("Snekkerarbeid" / "Carpentry work"); with
    only the divisions loaded, "part of: <division label>"."""
    from notices.codelists.services import cpv_describe

    found = cpv_describe(code, get_language() or "nb")
    if found.broader:
        return _("part of %(code)s: %(label)s") % {"code": found.broader, "label": found.label}
    return found.label


@register.simple_tag
def nuts_text(code: str) -> str:
    """A NUTS region's name; for a broader match, "in <region>"."""
    from notices.codelists.services import nuts_describe

    found = nuts_describe(code)
    if found.broader:
        return _("in %(label)s") % {"label": found.label}
    return found.label
