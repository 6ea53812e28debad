"""The simulator on the draft: hypothetical offers scored and ranked under the model by the
engine, through the web and the API, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from evaluation.criteria import services
from tests.evaluation.criteria_helpers import climate, price, quality, terms, weighted

OFFERS = [{"name": "Fjordbygg", "values": {"1": 1_000_000, "2": 8, "3": 6}},
          {"name": "Nordlys", "values": {"1": 1_200_000, "2": 9, "3": 9}}]


@pytest.fixture
def draft(make_notice: Any, officer: Any) -> Any:
    notice = make_notice(publish=False)
    services.evaluation_model_set(notice=notice, by=officer, terms=terms(), criteria=weighted())
    return notice


def _simulate(client: Any, notice: Any, offers: Any, lot: int = 0) -> Any:
    return client.post(f"/api/notices/{notice.pk}/evaluation-model/simulate",
                       {"lot_number": lot, "offers": offers}, format="json")


def test_it_scores_and_ranks_hypothetical_offers(draft: Any, officer: Any,
                                                 api_for: Any) -> None:
    response = _simulate(api_for(officer), draft, OFFERS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mode"] == "weighted"
    first, second = body["rows"]
    # Price linear: 10 - 10 × (P - Pmin) / Pmin; totals weigh 40/30/30.
    assert (first["name"], first["rank"]) == ("Nordlys", 1)
    assert first["scores"] == {"1": pytest.approx(8.0), "2": pytest.approx(9.0),
                               "3": pytest.approx(9.0)}
    assert first["total"] == pytest.approx(8.6)
    assert (second["name"], second["total"]) == ("Fjordbygg", pytest.approx(8.2))
    assert body["tie_break_rule"]


def test_it_ranks_by_evaluated_price_under_priced_quality(make_notice: Any, officer: Any,
                                                          api_for: Any) -> None:
    notice = make_notice(publish=False)
    services.evaluation_model_set(
        notice=notice, by=officer, terms=terms(justification="30 % av forventet pris."),
        criteria=[price(None, method="priced_quality"), quality(None, nok_per_point="10000"),
                  climate(None, nok_per_point="20000")])
    response = _simulate(api_for(officer), notice, OFFERS)
    rows = response.json()["rows"]
    # A: 1 000 000 - 8 × 10 000 - 6 × 20 000 = 800 000; B: 1 200 000 - 90 000 - 180 000.
    assert [(r["name"], r["evaluated_price"]) for r in rows] == [
        ("Fjordbygg", pytest.approx(800_000)), ("Nordlys", pytest.approx(930_000))]


@pytest.mark.parametrize(("offers", "field"), [
    ([], "offers"),
    ([{"name": "A", "values": {"1": 0, "2": 5, "3": 5}}], "offers"),
    ([{"name": "A", "values": {"1": 100, "2": 11, "3": 5}}], "offers"),
    ([{"name": "A", "values": {"1": 100, "2": 5}}], "offers"),
    ([{"name": "A", "values": {"9": 100}}], "offers[0].values"),
    ([{"name": "A", "values": {"1": "abc", "2": 5, "3": 5}}], "offers[0].values.1"),
    ([{"name": "A"}], "offers[0]"),
])
def test_it_explains_offers_it_cannot_score(draft: Any, officer: Any, api_for: Any,
                                            offers: Any, field: str) -> None:
    response = _simulate(api_for(officer), draft, offers)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]


def test_it_says_when_the_lot_has_no_criteria(make_notice: Any, officer: Any,
                                              api_for: Any) -> None:
    response = _simulate(api_for(officer), make_notice(publish=False), OFFERS)
    assert response.status_code == 404


def test_it_simulates_for_the_buyers_people_only(draft: Any, api_for: Any,
                                                 other_officer: Any, supplier_user: Any,
                                                 make_notice: Any, officer: Any) -> None:
    assert _simulate(api_for(None), draft, OFFERS).status_code == 401
    for user in (other_officer, supplier_user):
        assert _simulate(api_for(user), draft, OFFERS).status_code == 404  # a draft: unseen
    notice = make_notice(publish=False)
    services.evaluation_model_set(notice=notice, by=officer, terms=terms(),
                                  criteria=weighted())
    from notices import services as notices

    published = notices.notice_publish(notice=notice, by=officer)
    assert _simulate(api_for(supplier_user), published, OFFERS).status_code == 403
    assert _simulate(api_for(officer), published, OFFERS).status_code == 200


def test_it_simulates_in_the_web_page_without_javascript(draft: Any, officer: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    url = f"/workspace/notices/{draft.pk}/evaluation-model/simulate/?lot=0"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="offers-0-c1"' in page.content.decode()
    response = client.post(url, {
        "offers-TOTAL_FORMS": "3", "offers-INITIAL_FORMS": "0",
        "offers-0-name": "Fjordbygg", "offers-0-c1": "1 000 000", "offers-0-c2": "8",
        "offers-0-c3": "6",
        "offers-1-name": "Nordlys", "offers-1-c1": "1200000", "offers-1-c2": "9",
        "offers-1-c3": "9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Nordlys</th>") < html.index("Fjordbygg</th>", html.index("Ranking"))
    assert "8.60" in html and "8.20" in html
    bad = client.post(url, {"offers-TOTAL_FORMS": "1", "offers-INITIAL_FORMS": "0",
                            "offers-0-name": "A", "offers-0-c1": "1000", "offers-0-c2": "12",
                            "offers-0-c3": "1"})
    assert bad.status_code == 400
    assert "cannot be scored" in bad.content.decode()
