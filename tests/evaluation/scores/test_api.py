"""The scoring API, end to end: prices (entered and read from the price form), blind draft
and submission, consensus, ranking with sensitivity, reopening; every answer checked against
the OpenAPI schema, and bad input answered 400 naming the field, with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from rest_framework.test import APIClient

from evaluation.models import EvaluationEvent, EvaluationStatus
from evaluation.scores.models import ConsensusScore, IndividualScore, PriceEntry
from tests.bids.test_api_schema_conformance import conforms
from tests.conftest import api_client_for
from tests.evaluation.scores.conftest import Lot
from tests.evaluation.scores.helpers import REASON

LOT = "/api/notices/{notice_id}/evaluation/lots/{lot}/"


@pytest.fixture
def openapi() -> Any:
    return schemathesis.openapi.from_dict(api_client_for(None).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json())


class Caller:
    def __init__(self, lot: Lot, openapi: Any) -> None:
        self.lot, self.openapi = lot, openapi

    def __call__(self, user: Any, method: str, tail: str, body: Any = None,
                 expected: int = 200) -> Any:
        client: APIClient = api_client_for(user)
        url = LOT.format(notice_id=self.lot.notice.pk, lot=0) + tail
        answer = getattr(client, method.lower())(url, body, format="json") if body is not None \
            else getattr(client, method.lower())(url)
        return conforms(self.openapi, method, LOT + tail, answer, expected)


def test_a_lot_goes_from_scoring_to_ranked_through_the_api(lot: Lot, openapi: Any) -> None:
    call = Caller(lot, openapi)
    officer, members = lot.officer, lot.members
    offers = [str(o.pk) for o in lot.offers]

    # Prices: one read from the bid's price form, two entered with their document.
    page = call(officer, "GET", "prices")
    assert [o["price_form"] for o in page["offers"]] == ["prices.json", None, None]
    assert [c["name"] for c in page["criteria"]] == ["Pris"]
    imported = call(members[0], "POST", "prices/import", {"submission": offers[0]},
                    expected=201)
    assert imported["recorded"][0]["amount"] == "1250000.00"
    for offer, amount in zip(offers[1:], ["1 100 000,00", 980000], strict=True):
        call(officer, "POST", "prices", {"submission": offer, "criterion": lot.price.pk,
                                         "amount": amount, "document": "prisskjema.pdf",
                                         "location": "side 2"}, expected=201)
    assert len(call(officer, "GET", "prices")["prices"]) == 3

    # Blind scoring: drafts, then submissions; the last one moves the lot to consensus.
    for m, member in enumerate(members):
        rows = [{"submission": o, "criterion": c.pk, "points": 4 + 2 * m if c == lot.quality
                 else "6,5", "reason": f"Medlem {m}: {REASON}"}
                for o in offers for c in lot.points]
        sheet = call(member, "PUT", "scores", {"scores": rows})
        assert sheet["blind"] is True and len(sheet["my_sheet"]["scores"]) == 6
        after = call(member, "POST", "scores/submit")
        assert after["my_sheet"]["submitted"] is True
    assert after["status"] == "consensus" and after["blind"] is False
    assert len(after["sheets"]) == 3
    # Quality: 4, 6 and 8 points: a spread of 4, flagged on every offer.
    consensus = call(officer, "GET", "consensus")
    assert {(d["submission"], d["criterion"], d["spread"]) for d in consensus["divergences"]} \
        == {(o, lot.quality.pk, 4.0) for o in offers}

    # Consensus, then the ranking.
    for i, offer in enumerate(offers):
        for c in lot.points:
            call(members[1], "POST", "consensus", {
                "submission": offer, "criterion": c.pk, "points": 5 + i,
                "justification": "Komiteen samlet seg om dette etter diskusjon."},
                expected=201)
    assert call(officer, "GET", "ranking")["problems"] == []
    ranking = call(officer, "POST", "ranking", expected=201)
    assert ranking["status"] == "ranked" and ranking["result"]["rows"][0]["rank"] == 1
    assert ranking["tie_break_rule"].startswith("Offers are ranked by the award basis")
    assert ranking["result"]["sensitivity"]["price_threshold"]["offer_key"]
    assert call(members[2], "GET", "ranking")["result"] == ranking["result"]
    reopened = call(officer, "POST", "ranking/reopen",
                    {"reason": "Vi må se på klimapoengene en gang til."})
    assert reopened["status"] == "consensus" and reopened["result"] is None
    # Errors have the documented body too.
    call(members[0], "POST", "scores/submit", expected=409)
    call(officer, "POST", "ranking/reopen", {"reason": "Igjen, men ikke rangert."},
         expected=409)


BAD_PRICES = [
    ({"criterion": 1, "amount": 1, "document": "tilbud.pdf"}, "submission"),
    ({"submission": "not-a-uuid", "criterion": 1, "amount": 1, "document": "x"}, "submission"),
    ({"submission": "{offer}", "criterion": "{price}", "amount": {"a": 1},
      "document": "tilbud.pdf"}, "amount"),
    ({"submission": "{offer}", "criterion": "{price}", "amount": "12 kr",
      "document": "tilbud.pdf"}, "amount"),
    ({"submission": "{offer}", "criterion": "{price}", "amount": "1000",
      "document": "mangler.pdf"}, "document"),
    ({"submission": "{offer}", "criterion": "{quality}", "amount": "1000",
      "document": "tilbud.pdf"}, "criterion"),
    ({"submission": "00000000-0000-0000-0000-000000000000", "criterion": "{price}",
      "amount": "1000", "document": "tilbud.pdf"}, "submission"),
    ({"submission": "{offer}", "criterion": 2**70, "amount": "1", "document": "x"},
     "criterion"),
]


@pytest.mark.parametrize(("body", "field"), BAD_PRICES)
def test_bad_price_input_is_a_400_naming_the_field(lot: Lot, openapi: Any, body: dict[str, Any],
                                                   field: str) -> None:
    values = {"offer": str(lot.offers[0].pk), "price": lot.price.pk, "quality": lot.quality.pk}
    filled = {k: (v.format(**values) if isinstance(v, str) and "{" in v else v)
              for k, v in body.items()}
    filled = {k: (int(v) if k == "criterion" and isinstance(v, str) and v.isdigit() else v)
              for k, v in filled.items()}
    answer = Caller(lot, openapi)(lot.officer, "POST", "prices", filled, expected=400)
    assert field in answer["error"]["fields"], answer
    assert not PriceEntry.objects.exists() and not EvaluationEvent.objects.filter(
        kind="scoring.price_recorded").exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"scores": "all of them"}, "scores"),
    ({"scores": [{"submission": "{offer}", "criterion": "{quality}", "points": 12,
                  "reason": REASON}]}, "{offer}:{quality}"),
    ({"scores": [{"submission": "{offer}", "criterion": "{quality}", "points": [1],
                  "reason": REASON}]}, "scores"),
    ({"scores": [{"submission": "{offer}", "criterion": "{price}", "points": 5,
                  "reason": REASON}]}, "{offer}:{price}"),
])
def test_bad_scores_are_a_400_naming_the_cell(lot: Lot, openapi: Any, body: dict[str, Any],
                                              field: str) -> None:
    values = {"offer": str(lot.offers[0].pk), "price": lot.price.pk, "quality": lot.quality.pk}

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
            found = value.format(**values)
            return int(found) if found.isdigit() else found
        return value

    answer = Caller(lot, openapi)(lot.members[0], "PUT", "scores", fill(body), expected=400)
    assert field.format(**values) in answer["error"]["fields"], answer
    assert not IndividualScore.objects.exists()


def test_bad_consensus_and_reopen_input_is_a_400(lot: Lot, openapi: Any) -> None:
    from tests.evaluation.scores.helpers import score_all

    score_all(lot)
    call = Caller(lot, openapi)
    answer = call(lot.officer, "POST", "consensus", {
        "submission": str(lot.offers[0].pk), "criterion": lot.quality.pk, "points": 7,
        "justification": "kort"}, expected=400)
    assert "justification" in answer["error"]["fields"]
    assert not ConsensusScore.objects.exists()
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.CONSENSUS
    answer = call(lot.officer, "POST", "ranking", expected=400)
    assert "No consensus score of" in answer["error"]["message"]
