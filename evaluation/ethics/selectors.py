"""Which high-risk category a notice falls in, and which terms are offered: one rule, here."""

from __future__ import annotations

import datetime

from django.db.models import Q

from evaluation.ethics.models import EthicalTerms, RiskCategory
from notices.models import Notice


def categories_in_force(on: datetime.date) -> list[RiskCategory]:
    return list(RiskCategory.objects.filter(valid_from__lte=on)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)))


def category_for_codes(codes: list[str], *, on: datetime.date) -> RiskCategory | None:
    """The category whose CPV prefix matches one of `codes` most specifically (the longest
    prefix wins; ties go to the code order), or None when no code is high-risk."""
    best: tuple[int, str, RiskCategory] | None = None
    for category in categories_in_force(on):
        for prefix in category.cpv_prefixes:
            if any(code.startswith(prefix) for code in codes if code):
                candidate = (-len(prefix), category.code, category)
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
    return best[2] if best else None


def notice_codes(notice: Notice) -> list[str]:
    """The notice's main and additional CPV codes and its lots' codes."""
    codes = [notice.cpv_main, *(notice.cpv_additional or [])]
    codes += list(notice.lots.values_list("cpv", flat=True))
    return [c for c in codes if c]


def category_of(notice: Notice, *, on: datetime.date) -> RiskCategory | None:
    return category_for_codes(notice_codes(notice), on=on)


def current_terms(*, on: datetime.date) -> EthicalTerms | None:
    """The newest active edition in force on `on`."""
    return (EthicalTerms.objects.filter(active=True, valid_from__lte=on)
            .order_by("-valid_from", "-version").first())
