from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.orgnumber import normalize_org_number, org_number_check_digit


@pytest.mark.parametrize("number", ["974760673", "983887457", "971524960", "921 605 900"])
def test_it_accepts_real_organisation_numbers(number):
    assert normalize_org_number(number) == number.replace(" ", "")


def test_it_accepts_the_vat_form():
    assert normalize_org_number("NO 974 760 673 MVA") == "974760673"


def test_it_computes_the_mod11_check_digit():
    # Brønnøysundregistrene: 97476067 -> weights 3,2,7,6,5,4,3,2 -> check digit 3.
    assert org_number_check_digit("97476067") == 3
    assert org_number_check_digit("97152496") == 0  # remainder 0 gives 0


def test_it_rejects_a_wrong_check_digit_with_a_clear_message():
    with pytest.raises(ValidationError) as info:
        normalize_org_number("974760674")
    assert "check digit" in info.value.messages[0]
    assert info.value.code == "org_number_checksum"


@pytest.mark.parametrize("number", ["97476067", "9747606731", "97476067x", ""])
def test_it_rejects_a_number_that_is_not_nine_digits(number):
    with pytest.raises(ValidationError) as info:
        normalize_org_number(number)
    assert "9 digits" in info.value.messages[0]


def test_it_rejects_numbers_whose_check_digit_cannot_exist():
    # Remainder 1 means no valid check digit; such numbers are never issued.
    base = next(f"{n}" for n in range(80000000, 80001000) if org_number_check_digit(str(n)) is None)
    for last in "0123456789":
        with pytest.raises(ValidationError):
            normalize_org_number(base + last)


def test_it_rejects_numbers_not_starting_with_8_or_9():
    with pytest.raises(ValidationError):
        normalize_org_number("123456785")
