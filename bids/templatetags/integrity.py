"""`{% sri "bids/bid.js" %}` and `{% etb1_import_map %}`: Subresource Integrity for scripts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from bids import integrity

register = template.Library()


@register.simple_tag
def sri(path: str) -> str:
    """The integrity value (sha384-…) of a static file, hashed from the release's copy."""
    return integrity.sri(path)


@register.simple_tag(takes_context=True)
def etb1_import_map(context: dict[str, Any]) -> SafeString:
    """The import map that pins every ETB-1 module by hash. Must precede any module script.

    An import map is an inline script, so it carries the response's CSP nonce.
    """
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", "") if request is not None else ""
    return format_html('<script type="importmap" nonce="{}">{}</script>', nonce,
                       mark_safe(integrity.import_map_json()))  # noqa: S308 (JSON, "</" escaped)
