"""CPV and NUTS code lists: loading from the official files, type-ahead, validation."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from backend.errors import ApplicationError
from notices.codelists.services import cpv_exists, cpv_lookup, nuts_exists
from notices.fields import clean_cpv, clean_nuts
from notices.models import CpvCode, NutsCode

pytestmark = pytest.mark.django_db

CODELISTS = Path(__file__).resolve().parents[3] / "shared" / "standards" / "codelists"
CPV_FILE = CODELISTS / "cpv_2008.csv"
NUTS_FILE = CODELISTS / "nuts_2024_lvl3.csv"
needs_files = pytest.mark.skipif(not CPV_FILE.exists(), reason="reference code lists absent")


def load() -> str:
    out = StringIO()
    call_command("load_codelists", cpv=str(CPV_FILE), nuts=str(NUTS_FILE), stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db) -> None:
    load()


@needs_files
def test_it_loads_the_full_lists_with_the_tree_and_twice_changes_nothing():
    first = load()
    assert "CPV: 9454 codes" in first and "9454 added" in first
    assert CpvCode.objects.count() == 9454
    assert CpvCode.objects.filter(level=1).count() == 45
    code = CpvCode.objects.get(pk="45233141")
    assert code.check_digit == "9"
    chain = []
    while code is not None:
        chain.append(code.code)
        code = code.parent
    assert chain == ["45233141", "45233140", "45233100", "45233000", "45230000", "45200000",
                     "45000000"]
    assert CpvCode.objects.get(pk="90620000").label_nb == "Snørydding og brøyting"
    assert NutsCode.objects.get(pk="NO083").label == "Østfold"
    assert NutsCode.objects.get(pk="NO083").parent_id == "NO08"
    assert NutsCode.objects.filter(pk__startswith="NO", level=3).count() == 18

    before = {c.code: (c.label_en, c.label_nb, c.parent_id) for c in CpvCode.objects.all()}
    second = load()
    assert "0 added, 0 updated, 9454 unchanged" in second
    assert "0 added, 0 updated" in second.split("NUTS:")[1]
    assert {c.code: (c.label_en, c.label_nb, c.parent_id) for c in CpvCode.objects.all()} == before


@needs_files
def test_a_changed_label_is_updated(tmp_path):
    load()
    text = CPV_FILE.read_text(encoding="utf-8").replace(
        "Snørydding og brøyting", "Snørydding (ny tekst)")
    changed = tmp_path / "cpv.csv"
    changed.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_codelists", cpv=str(changed), only="cpv", stdout=out)
    assert "0 added, 1 updated" in out.getvalue()
    assert CpvCode.objects.get(pk="90620000").label_nb == "Snørydding (ny tekst)"
    assert cpv_lookup("ny tekst")[0].code == "90620000"


def test_a_wrong_file_is_refused_with_a_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a CPV list"):
        call_command("load_codelists", cpv=str(bad), only="cpv")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_codelists", nuts=str(tmp_path / "missing.csv"), only="nuts")
    assert CpvCode.objects.count() == 0


# --- type-ahead ---------------------------------------------------------------------------

@needs_files
@pytest.mark.parametrize("q, expected", [
    ("snørydding", "90620000"),          # Norwegian label
    ("SNØRYDDING", "90620000"),          # case-insensitive with ø, on every database
    ("snow-clearing", "90620000"),       # English label
    ("906200", "90620000"),              # code prefix
    ("90620000-9", "90620000"),          # with the check digit
])
def test_cpv_type_ahead_in_both_languages(loaded, api_for, q, expected):
    response = api_for(None).get("/api/codes/cpv/", {"q": q})
    assert response.status_code == 200
    results = response.json()
    assert results[0]["code"] == expected
    assert set(results[0]) == {"code", "check_digit", "level", "parent", "label_en", "label_nb"}


@needs_files
def test_type_ahead_returns_at_most_20_broad_codes_first(loaded, api_for):
    results = api_for(None).get("/api/codes/cpv/", {"q": "45"}).json()
    assert len(results) == 20
    assert results[0]["code"] == "45000000"
    assert all(r["code"].startswith("45") for r in results)
    assert len(api_for(None).get("/api/codes/cpv/", {"q": "45", "limit": 5}).json()) == 5
    assert api_for(None).get("/api/codes/cpv/", {"q": ""}).json() == []


@needs_files
def test_nuts_type_ahead(loaded, api_for):
    client = api_for(None)
    assert client.get("/api/codes/nuts/", {"q": "ØSTFOLD"}).json()[0]["code"] == "NO083"
    assert [r["code"] for r in client.get("/api/codes/nuts/", {"q": "NO08"}).json()] == [
        "NO08", "NO081", "NO083", "NO084", "NO085"]
    assert client.get("/api/codes/nuts/", {"q": "no081"}).json()[0]["label"] == "Oslo"


def test_bad_type_ahead_parameters_get_a_400(api_for):
    response = api_for(None).get("/api/codes/cpv/", {"limit": "500"})
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["fields"]


def test_the_built_in_divisions_serve_before_any_list_is_loaded(api_for):
    assert CpvCode.objects.count() == 0
    results = api_for(None).get("/api/codes/cpv/", {"q": "bygge"}).json()
    assert [r["code"] for r in results] == ["45000000"]
    assert api_for(None).get("/api/codes/cpv/", {"q": "construction work"}).json()[0][
        "code"] == "45000000"
    assert [e.code for e in cpv_lookup("0", 100)] == ["03000000", "09000000"]
    assert api_for(None).get("/api/codes/nuts/", {"q": "vestland"}).json()[0]["code"] == "NO0A2"


# --- validation ---------------------------------------------------------------------------

def test_validation_with_the_built_in_set():
    assert clean_cpv("45233141") == "45233141"    # division 45 exists
    with pytest.raises(ApplicationError, match="not in the CPV 2008 list"):
        clean_cpv("01000000")                      # there is no division 01
    assert clean_nuts("no0a2") == "NO0A2"
    with pytest.raises(ApplicationError, match="not in the NUTS 2024 list"):
        clean_nuts("NO999")
    assert nuts_exists("SE110")                    # other countries: by form until loaded


@needs_files
def test_validation_with_the_loaded_lists(loaded):
    assert cpv_exists("45233141")
    with pytest.raises(ApplicationError, match="not in the CPV 2008 list") as error:
        clean_cpv("45999999", "cpv_additional")
    assert error.value.fields == {"cpv_additional": ["Unknown CPV code."]}
    assert clean_nuts("SE110") == "SE110"
    assert clean_nuts("NO08") == "NO08"
    with pytest.raises(ApplicationError):
        clean_nuts("SE999")


@needs_files
def test_the_api_refuses_an_unknown_code_with_a_clear_message(loaded, api_for, officer):
    response = api_for(officer).post("/api/notices/", {
        "kind": "national", "title": "Brøyting", "contract_type": "services",
        "cpv_main": "45999999", "nuts": "NO081"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "45999999" in error["message"] and "cpv_main" in error["fields"]


def test_the_lookup_is_documented_in_openapi(api_for):
    schema = api_for(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/codes/cpv/", "/api/codes/nuts/"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"q", "limit"} <= names
    search = {p["name"] for p in schema["paths"]["/api/notices/"]["get"]["parameters"]}
    assert {"q", "phase", "sort", "cpv", "nuts", "page", "page_size"} <= search
