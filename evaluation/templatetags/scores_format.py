"""Numbers on the evaluation pages: NOK with øre where there are any, points with two
decimals, in the notation of the page's language (1 250 000,50 in bokmål)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

register = template.Library()


def _local(text: str) -> str:
    if (get_language() or "").startswith("nb"):
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


@register.filter
def kroner(value: Decimal | float | int | None) -> str:
    """NOK 1,250,000 or NOK 1,250,000.50 (English); NOK 1 250 000,50 (bokmål)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"NOK {_local(text)}"


@register.filter
def points(value: Decimal | float | int | None) -> str:
    """7.50 / 7,50; an em dash when empty."""
    if value is None or value == "":
        return "—"
    return _local(f"{float(value):.2f}")


@register.filter
def signed(value: float | int | None) -> str:
    """+10 / −10 (weight moves)."""
    if value is None:
        return ""
    number = float(value)
    text = f"{abs(number):g}"
    return f"+{text}" if number > 0 else f"\u2212{text}"


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return _local(f"{float(value):.1f}") + "\u00a0%"
