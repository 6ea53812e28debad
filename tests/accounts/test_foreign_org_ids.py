"""Foreign organisation ids: one canonical form, and the check digit where one is published."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Organization
from accounts.orgnumber import canonical_id, normalize_national_id, normalize_org_number

PASSWORD = "correct horse battery staple"


def _signup(n: int, **overrides: str) -> dict[str, str]:
    body = {"name": f"Bolag {n} AB", "country": "SE", "org_number": "",
            "national_id": "556677-8899", "full_name": f"Person {n}",
            "email": f"p{n}@bolag.example", "password": PASSWORD}
    body.update(overrides)
    return body


@pytest.mark.parametrize(("country", "typed", "stored"), [
    ("SE", "556677-8899", "5566778899"),
    ("SE", "556703 7485", "5567037485"),
    ("SE", "16556012-5790", "5560125790"),        # 12-digit form with century prefix
    ("SE", "SE556036079301", "5560360793"),      # VAT form
    ("DK", "24256790", "24256790"),               # Novo Nordisk A/S
    ("DK", "DK 24 25 67 90", "24256790"),
    ("FI", "0112038-9", "01120389"),              # Nokia Oyj
    ("FI", "112038-9", "01120389"),               # old form without the leading zero
    ("FI", "FI01120389", "01120389"),
    ("DE", "HRB 12345", "HRB12345"),              # no published check digit: format only
])
def test_it_accepts_real_ids_in_the_forms_people_type(country, typed, stored):
    assert normalize_national_id(country, typed) == stored


@pytest.mark.parametrize(("country", "typed"), [
    ("SE", "556677-8898"),    # Luhn fails
    ("SE", "55667788"),       # too short
    ("DK", "24256791"),       # weighted sum not divisible by 11
    ("DK", "2425679"),
    ("FI", "0112038-8"),      # wrong check digit
    ("FI", "0112038-X"),
])
def test_it_refuses_a_wrong_check_digit_or_length(country, typed):
    with pytest.raises(ValidationError) as info:
        normalize_national_id(country, typed)
    assert info.value.code == "national_id_checksum"
    assert typed in info.value.messages[0]


def test_it_folds_look_alikes_to_one_form():
    plain = canonical_id("556677-8899")
    assert canonical_id("５５６６７７－８８９９") == plain              # full-width digits and dash
    assert canonical_id("556677\u200b-8899\u200d") == plain           # zero-width space/joiner
    assert canonical_id("\ufeff556677\u2011 8899\u00a0") == plain     # BOM, non-breaking hyphen
    assert canonical_id("hrb 12345") == canonical_id("HRB-12345") == "HRB12345"
    assert canonical_id("straße") == canonical_id("STRASSE")


def test_it_folds_full_width_digits_in_norwegian_numbers_too():
    assert normalize_org_number("９７４ ７６０ ６７３") == "974760673"
    assert normalize_org_number("974\u200b760673") == "974760673"
    with pytest.raises(ValidationError):
        normalize_org_number("97476067٣")   # an Arabic-Indic digit is no ASCII digit


@pytest.mark.parametrize(("country", "first", "again"), [
    ("SE", "556677-8899", "５５６６７７－８８９９"),
    ("SE", "556677-8899", "556677\u200b8899"),
    ("DK", "24256790", "DK-24 25 67 90"),
    ("DE", "HRB 12345", "hrb\u200b12345"),
])
def test_it_refuses_a_second_registration_under_a_look_alike_id(db, api_for, country, first,
                                                                 again):
    client = api_for(None)
    response = client.post("/api/suppliers/", _signup(1, country=country, national_id=first),
                           format="json")
    assert response.status_code == 201, response.content
    response = client.post("/api/suppliers/", _signup(2, country=country, national_id=again),
                           format="json")
    assert response.status_code == 400
    assert "national_id" in response.json()["error"]["fields"]
    assert Organization.objects.filter(country=country).count() == 1


def test_it_names_the_field_for_a_wrong_check_digit_and_stores_nothing(db, api_for):
    response = api_for(None).post("/api/suppliers/",
                                  _signup(1, country="DK", national_id="24256791"), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["national_id"]
    assert "check digit" in error["message"]
    assert not Organization.objects.exists()


def test_it_shows_on_the_web_form_the_check_digit_error_next_to_the_field(db, client):
    response = client.post("/accounts/signup/", _signup(1, country="FI",
                                                        national_id="0112038-8"))
    assert response.status_code == 200
    assert "national_id" in response.context["form"].errors
    assert not Organization.objects.exists()
