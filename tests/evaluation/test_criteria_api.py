"""The evaluation model through the API: read by anyone who may see the notice, set whole on
a draft by the buyer's editors, changed on a published notice only by a change notice with a
reason, and simulated by the buyer's people."""

from __future__ import annotations

from typing import Any

import pytest

from evaluation.criteria import services
from evaluation.criteria.models import AwardCriterion
from evaluation.criteria.selectors import frozen_model_of
from notices import services as notices
from tests.evaluation.criteria_helpers import lot_body, requirement, terms, weighted


def _url(notice: Any, tail: str = "") -> str:
    return f"/api/notices/{notice.pk}/evaluation-model{tail}"


@pytest.fixture
def draft(make_notice: Any) -> Any:
    return make_notice(publish=False)


@pytest.fixture
def published(make_notice: Any, officer: Any) -> Any:
    notice = make_notice(publish=False)
    services.evaluation_model_set(notice=notice, by=officer, terms=terms(), criteria=weighted(),
                                  requirements=[requirement()])
    return notices.notice_publish(notice=notice, by=officer)


def test_it_sets_the_whole_model_of_a_draft_and_reads_it_back(draft: Any, officer: Any,
                                                              api_for: Any) -> None:
    client = api_for(officer)
    response = client.put(_url(draft), {"lots": [lot_body()], "requirements": [requirement()]},
                          format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["frozen"] is False and body["version"] is None
    (lot,) = body["lots"]
    assert (lot["lot_number"], lot["basis"], lot["by_priority"]) == (0, "best_ratio", False)
    assert [(c["position"], c["kind"], c["weight"], c["priority"]) for c in lot["criteria"]] == [
        (1, "price", "40.00", None), (2, "quality", "30.00", None),
        (3, "climate", "30.00", None)]
    assert body["requirements"][0]["lot_number"] is None
    # What GET returns can be PUT back unchanged.
    again = client.put(_url(draft), {"lots": body["lots"],
                                     "requirements": body["requirements"]}, format="json")
    assert again.status_code == 200
    assert again.json()["sha256"] == body["sha256"] == client.get(_url(draft)).json()["sha256"]


def test_it_names_the_field_at_fault_and_writes_nothing(draft: Any, officer: Any,
                                                        api_for: Any) -> None:
    response = api_for(officer).put(_url(draft), {"lots": [lot_body(
        criteria=weighted("40", "30", "29.99"))], "requirements": []}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "lots[0].criteria" in error["fields"]
    assert "add up to 99.99 %" in error["message"]
    assert not AwardCriterion.objects.filter(notice=draft).exists()


@pytest.mark.parametrize("body", [[], "x", {"lots": "x"}, {"lots": [None]},
                                  {"lots": [{"lot_number": "x"}]},
                                  {"lots": [{"lot_number": 0, "criteria": [{"weight": True}]}]},
                                  {"lots": [lot_body()], "requirements": {"a": 1}},
                                  {"lots": [lot_body(criteria=[{"kind": {},
                                                                "priority": 10**40}])]}])
def test_it_answers_400_to_any_malformed_body(draft: Any, officer: Any, api_for: Any,
                                             body: Any) -> None:
    response = api_for(officer).put(_url(draft), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]


def test_it_refuses_put_on_a_published_notice(published: Any, officer: Any,
                                              api_for: Any) -> None:
    response = api_for(officer).put(_url(published), {"lots": [lot_body()]}, format="json")
    assert response.status_code == 409
    assert "change notice" in response.json()["error"]["message"]


def test_it_changes_a_published_model_by_a_change_notice(published: Any, officer: Any,
                                                         api_for: Any) -> None:
    client = api_for(officer)
    response = client.post(_url(published, "/changes"), {
        "reason": "Kvalitet vektes høyere.",
        "lots": [lot_body(criteria=weighted("30", "40", "30"))]}, format="json")
    assert response.status_code == 201, response.content
    version = response.json()
    assert version["number"] == 2 and version["reason"] == "Kvalitet vektes høyere."
    assert [c["field"] for c in version["diff"]] == ["evaluation_model"]
    body = client.get(_url(published)).json()
    assert body["frozen"] is True and body["version"] == 2
    frozen = frozen_model_of(published)
    assert frozen is not None and body["sha256"] == frozen.sha256
    missing_reason = client.post(_url(published, "/changes"), {"lots": [lot_body()]},
                                 format="json")
    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.json()["error"]["fields"]


def test_it_shows_a_published_model_to_everyone_and_a_draft_to_its_buyer_only(
        published: Any, draft: Any, api_for: Any, officer: Any, other_officer: Any,
        supplier_user: Any) -> None:
    for user in (None, supplier_user, other_officer, officer):
        response = api_for(user).get(_url(published))
        assert response.status_code == 200
        assert response.json()["lots"][0]["criteria"][2]["name"] == "Klima og miljø"
    for user, status in ((None, 404), (supplier_user, 404), (other_officer, 404),
                         (officer, 200)):
        assert api_for(user).get(_url(draft)).status_code == status


@pytest.mark.parametrize(("actor", "status"), [(None, 401), ("supplier_user", 403),
                                               ("other_officer", 403)])
def test_it_lets_only_the_buyers_editors_write(published: Any, request: Any, api_for: Any,
                                               actor: str | None, status: int) -> None:
    user = request.getfixturevalue(actor) if actor else None
    client = api_for(user)
    assert client.put(_url(published), {"lots": []}, format="json").status_code == status
    assert client.post(_url(published, "/changes"), {"reason": "x", "lots": []},
                       format="json").status_code == status


def test_it_documents_the_endpoints_in_the_openapi_schema(api_for: Any, db: Any) -> None:
    schema = api_for(None).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    model = paths["/api/notices/{id}/evaluation-model"]
    assert set(model) >= {"get", "put"}
    assert {"200", "400", "403", "409"} <= set(model["put"]["responses"])
    assert "post" in paths["/api/notices/{id}/evaluation-model/changes"]
    assert "post" in paths["/api/notices/{id}/evaluation-model/simulate"]
    criterion = schema["components"]["schemas"]["Criterion"]["properties"]
    assert "add up to exactly 100" in criterion["weight"]["description"]
