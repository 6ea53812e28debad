"""The criteria library's API: public reads, suggestions, copying, own templates."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Role
from evaluation.library.models import CriterionTemplate, SustainabilityClause
from tests.conftest import api_client_for, make_user

OWN = {"area": "hotel", "use": "contract", "ambition": "advanced", "cpv_prefixes": ["551"],
       "title_nb": "Egen hotellregel", "title_en": "Own hotel rule",
       "text_nb": "Sykkelparkering.", "text_en": "Bicycle parking.", "source": "Bergen"}


def test_it_lists_the_library_to_anyone(db: Any) -> None:
    response = api_client_for(None).get("/api/criteria-library/templates?area=ict")
    assert response.status_code == 200
    assert {row["key"] for row in response.json()} == {"ict-tco-certified", "ict-take-back",
                                                        "ict-lifetime"}
    fit = api_client_for(None).get("/api/criteria-library/templates?cpv=34110000").json()
    assert "transport-zero-emission-cars" in {row["key"] for row in fit}
    one = api_client_for(None).get("/api/criteria-library/templates/ict-take-back")
    assert one.json()["version"] == 1 and one.json()["use"] == "contract"
    assert api_client_for(None).get(
        "/api/criteria-library/templates/nope").status_code == 404


def test_it_suggests_and_applies_for_the_buyer(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, cpv_main="55110000")
    api = api_client_for(officer)
    found = api.get(f"/api/notices/{notice.pk}/criteria-library/suggestions").json()
    assert found[0]["template"]["area"] == "hotel"
    response = api.post(f"/api/notices/{notice.pk}/criteria-library/apply",
                        {"key": "hotel-certified", "lot_number": 0}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["template_version"] == 1
    bad = api.post(f"/api/notices/{notice.pk}/criteria-library/apply",
                   {"key": "hotel-certified", "lot_number": "x"}, format="json")
    assert bad.status_code == 400 and "lot_number" in bad.json()["error"]["fields"]


@pytest.mark.parametrize(("actor", "status"), [
    ("other_officer", 404), ("member", 403), ("supplier", 404), ("anon", 401)])
def test_it_refuses_others_to_apply(make_notice: Any, authority: Any, other_officer: Any,
                                    supplier_user: Any, actor: str, status: int) -> None:
    notice = make_notice(publish=False)
    users = {"other_officer": other_officer, "supplier": supplier_user,
             "member": make_user("m@bergen.example", authority, Role.COMMITTEE_MEMBER),
             "anon": None}
    response = api_client_for(users[actor]).post(
        f"/api/notices/{notice.pk}/criteria-library/apply",
        {"key": "hotel-certified"}, format="json")
    assert response.status_code == status
    assert not SustainabilityClause.objects.exists()


def test_it_applies_to_a_published_notice_by_a_change_notice(make_notice: Any,
                                                               officer: Any) -> None:
    notice = make_notice(cpv_main="55110000")
    url = f"/api/notices/{notice.pk}/criteria-library/apply"
    api = api_client_for(officer)
    missing = api.post(url, {"key": "hotel-certified"}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    response = api.post(url, {"key": "hotel-certified", "reason": "Miljøkrav til hotellet."},
                        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["notice_version"] == 2
    notice.refresh_from_db()
    snapshot = notice.versions.get(number=2).snapshot
    assert snapshot["sustainability_clauses"][0]["template_key"] == "hotel-certified"
    assert notice.versions.get(number=1).snapshot.get("sustainability_clauses") == []


def test_it_creates_and_versions_own_templates(officer: Any, authority: Any,
                                               other_officer: Any, supplier_user: Any) -> None:
    api = api_client_for(officer)
    created = api.post("/api/criteria-library/templates",
                       {**OWN, "organization": authority.pk}, format="json")
    assert created.status_code == 201, created.content
    key = created.json()["key"]
    assert api_client_for(None).get(f"/api/criteria-library/templates/{key}"
                                    ).status_code == 404
    assert api_client_for(other_officer).post(
        "/api/criteria-library/templates", {**OWN, "organization": authority.pk},
        format="json").status_code == 404
    member = make_user("m@bergen.example", authority, Role.COMMITTEE_MEMBER)
    assert api_client_for(member).post(
        "/api/criteria-library/templates", {**OWN, "organization": authority.pk},
        format="json").status_code == 403
    assert api_client_for(None).post("/api/criteria-library/templates", OWN,
                                     format="json").status_code == 401
    v2 = api.post(f"/api/criteria-library/templates/{key}", {"text_en": "Racks."},
                  format="json")
    assert v2.status_code == 201 and v2.json()["version"] == 2
    assert api_client_for(other_officer).post(
        f"/api/criteria-library/templates/{key}", {}, format="json").status_code == 404
    assert api_client_for(officer).post(
        "/api/criteria-library/templates/ict-take-back", {},
        format="json").status_code == 403
    assert CriterionTemplate.objects.filter(key=key).count() == 2


@pytest.mark.parametrize(("query", "field"), [
    ("ambition=%29%C3%95%00", "ambition"), ("use=reference", "use"), ("area=space", "area"),
    ("cpv=%C3%9F", "cpv"), ("cpv=123456789", "cpv")])
def test_an_unknown_filter_is_a_400_naming_it(client: Any, query: str, field: str) -> None:
    response = client.get(f"/api/criteria-library/templates?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
