from __future__ import annotations

import datetime

import pytest

from evaluation.ethics.models import RiskCategory
from evaluation.ethics.selectors import category_for_codes, current_terms

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 6)


def test_the_longest_matching_prefix_decides_the_category() -> None:
    # 18424300 (disposable gloves) starts with textiles' "18" and medical's "18424".
    category = category_for_codes(["18424300"], on=DAY)
    assert category is not None and category.code == "medical"
    category = category_for_codes(["45000000", "18100000"], on=DAY)
    assert category is not None and category.code == "textiles"


def test_a_code_outside_the_list_is_not_high_risk() -> None:
    assert category_for_codes(["45000000", "72000000"], on=DAY) is None
    assert category_for_codes([], on=DAY) is None


def test_categories_are_dated_rows() -> None:
    RiskCategory.objects.filter(code="food").update(valid_to=datetime.date(2026, 6, 30))
    assert category_for_codes(["15000000"], on=DAY) is None
    category = category_for_codes(["15000000"], on=datetime.date(2026, 6, 1))
    assert category is not None and category.code == "food"
    assert category_for_codes(["15000000"], on=datetime.date(2025, 12, 31)) is None


def test_the_current_terms_are_the_newest_edition_in_force() -> None:
    terms = current_terms(on=DAY)
    assert terms is not None and terms.version == 1 and terms.self_report_months == 3
    assert current_terms(on=datetime.date(2025, 1, 1)) is None
