"""The evaluation model in the officer's workspace (formsets that work without JavaScript) and
on the public notice page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from evaluation.criteria import services
from evaluation.criteria.models import AwardCriterion, LotAwardTerms, QualificationRequirement
from notices import services as notices
from tests.evaluation.criteria_helpers import requirement, terms, weighted

LOTS = [{"title": "Nord", "cpv": "45000000", "estimated_value": "900000"},
        {"title": "Sør", "cpv": "45000000", "estimated_value": "900000"}]


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _base(notice: Any) -> str:
    return f"/workspace/notices/{notice.pk}/evaluation-model/"


def _lot_post(rows: list[dict[str, str]], **head: str) -> dict[str, str]:
    data = {"criteria-TOTAL_FORMS": str(len(rows) + 1), "criteria-INITIAL_FORMS": "0",
            "basis": "best_ratio", "climate_option": "quality-nor-env-criteria", **head}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{i}-{key}"] = value
    return data


ROWS = [{"kind": "price", "name": "Pris", "method": "price_linear", "weight": "40"},
        {"kind": "quality", "name": "Kvalitet", "method": "points", "weight": "30",
         "scale": "0-10", "sub_criteria": "Plan | 60 | Fremdriftsplan\nBemanning | 40"},
        {"kind": "climate", "name": "Klima", "method": "points", "weight": "30",
         "scale": "0-10"}]


def test_it_saves_a_lot_from_the_form_skipping_empty_rows(make_notice: Any,
                                                          officer: Any) -> None:
    notice = make_notice(publish=False)
    client = _client(officer)
    assert client.get(_base(notice) + "lot/?lot=0").status_code == 200
    response = client.post(_base(notice) + "lot/?lot=0", _lot_post(ROWS))
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = list(AwardCriterion.objects.filter(notice=notice).order_by("position"))
    assert [r.name for r in rows] == ["Pris", "Kvalitet", "Klima"]
    assert rows[1].sub_criteria == [
        {"name": "Plan", "description": "Fremdriftsplan", "weight": "60.00"},
        {"name": "Bemanning", "description": "", "weight": "40.00"}]
    # The saved lot comes back in the form, sub-criteria included, and saves unchanged.
    page = client.get(_base(notice) + "lot/?lot=0").content.decode()
    assert "Plan | 60 | Fremdriftsplan" in page


def test_a_notice_without_lots_captions_its_table_without_a_lot_number(
        make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False)
    client = _client(officer)
    assert client.post(_base(notice) + "lot/?lot=0", _lot_post(ROWS)).status_code == 302
    page = client.get(_base(notice)).content.decode()
    assert '<caption class="visually-hidden">Award criteria</caption>' in page
    assert "Award criteria, lot 0" not in page


def test_it_shows_the_services_errors_next_to_the_fields(make_notice: Any,
                                                         officer: Any) -> None:
    notice = make_notice(publish=False)
    rows = [{**ROWS[0], "weight": "45"}, ROWS[1], {**ROWS[2], "method": "price_linear"}]
    response = _client(officer).post(_base(notice) + "lot/?lot=0", _lot_post(rows))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_criteria-2-method_errors"' in html
    assert "add up to 105 %" in html
    assert "There is a problem" in html
    assert not AwardCriterion.objects.filter(notice=notice).exists()


def test_it_edits_each_lot_and_removes_one(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, lots=LOTS)
    client = _client(officer)
    assert client.post(_base(notice) + "lot/?lot=2", _lot_post(ROWS)).status_code == 302
    assert list(LotAwardTerms.objects.filter(notice=notice).values_list(
        "lot_number", flat=True)) == [2]
    assert client.get(_base(notice) + "lot/?lot=7").status_code == 404
    page = client.get(_base(notice)).content.decode()
    assert "Lot 1 has no award criteria" in page  # the publish problems, listed early
    assert client.post(_base(notice) + "lot/?lot=2", {"remove": "1"}).status_code == 302
    assert not LotAwardTerms.objects.filter(notice=notice).exists()


def test_it_saves_requirements_from_the_form(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False, lots=LOTS)
    data = {"requirements-TOTAL_FORMS": "3", "requirements-INITIAL_FORMS": "0",
            "requirements-0-category": "exclusion", "requirements-0-title": "Skatteattest",
            "requirements-0-documentation": "Skatteattest ikke eldre enn 6 måneder.",
            "requirements-1-category": "technical", "requirements-1-lot_number": "2",
            "requirements-1-title": "Erfaring", "requirements-1-documentation": "Referanser."}
    response = _client(officer).post(_base(notice) + "requirements/", data)
    assert response.status_code == 302
    assert list(QualificationRequirement.objects.filter(notice=notice).values_list(
        "title", "lot_number")) == [("Skatteattest", None), ("Erfaring", 2)]
    data["requirements-1-documentation"] = ""
    response = _client(officer).post(_base(notice) + "requirements/", data)
    assert response.status_code == 400
    assert 'id="id_requirements-1-documentation_errors"' in response.content.decode()


def test_it_publishes_a_change_notice_from_the_form(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False)
    services.evaluation_model_set(notice=notice, by=officer, terms=terms(), criteria=weighted())
    notice = notices.notice_publish(notice=notice, by=officer)
    client = _client(officer)
    page = client.get(_base(notice) + "lot/?lot=0").content.decode()
    assert "Reason for the change" in page
    rows = [{**ROWS[0], "weight": "30"}, {**ROWS[1], "weight": "40"}, ROWS[2]]
    without_reason = client.post(_base(notice) + "lot/?lot=0", _lot_post(rows))
    assert without_reason.status_code == 400
    response = client.post(_base(notice) + "lot/?lot=0",
                           _lot_post(rows, reason="Kvalitet vektes høyere."))
    assert response.status_code == 302
    version = notice.versions.latest("number")
    assert (version.number, version.reason) == (2, "Kvalitet vektes høyere.")
    detail = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Evaluation model (award criteria and requirements)" in detail  # the history


def test_it_links_the_model_from_the_workspace_and_the_preview(make_notice: Any,
                                                               officer: Any) -> None:
    notice = make_notice(publish=False)
    client = _client(officer)
    for url in (f"/workspace/notices/{notice.pk}/", f"/workspace/notices/{notice.pk}/edit/"):
        assert f'href="{_base(notice)}"' in client.get(url).content.decode()


@pytest.mark.parametrize("language", ["en", "nb"])
def test_it_shows_the_model_per_lot_on_the_public_notice_page(make_notice: Any, officer: Any,
                                                              language: str) -> None:
    notice = make_notice(publish=False, lots=LOTS)
    for number in (1, 2):
        services.evaluation_model_set(
            notice=notice, by=officer, lot_number=number, terms=terms(),
            criteria=[*weighted()[:2], {**weighted()[2], "sub_criteria": [
                {"name": "Elektriske maskiner", "weight": "100"}]}],
            requirements=[requirement(), requirement(lot_number=2, title="Sertifisering",
                                                     documentation="ISO 14001-sertifikat.")])
    notice = notices.notice_publish(notice=notice, by=officer)
    with translation.override(language):
        html = Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/notices/{notice.pk}/").content.decode()
    assert html.count('class="lot-model"') == 2
    assert "Elektriske maskiner" in html and "ISO 14001-sertifikat." in html
    assert "Årsregnskap for de to siste årene" in html
    assert "quality-nor-env-criteria" in html
    if language == "nb":
        assert "Tildelingskriterier og kvalifikasjonskrav" in html
        assert "Kvalitet – klima- og miljøhensyn som tildelingskriterium" in html
    else:
        assert "Award criteria and qualification requirements" in html
        assert "Best price-quality ratio" in html
        assert "Price, linear" in html


def test_it_shows_the_model_in_the_preview_of_a_draft(make_notice: Any, officer: Any) -> None:
    notice = make_notice(publish=False)
    services.evaluation_model_set(notice=notice, by=officer, terms=terms(), criteria=weighted())
    html = _client(officer).get(f"/workspace/notices/{notice.pk}/").content.decode()
    assert "Klima og miljø" in html and "Ready to publish" in html


@pytest.mark.parametrize("actor", ["other_officer", "supplier_user"])
def test_it_keeps_the_workspace_pages_to_the_buyers_editors(make_notice: Any, request: Any,
                                                            actor: str) -> None:
    notice = make_notice()
    client = _client(request.getfixturevalue(actor))
    for tail in ("", "lot/?lot=0", "requirements/"):
        assert client.get(_base(notice) + tail).status_code == 403
    draft = make_notice(publish=False)
    assert client.get(_base(draft)).status_code == 404
