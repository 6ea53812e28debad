"""The scoring pages in the browser's shoes (Django's test client): forms, errors next to the
cells, nothing half-written, and the pages in bokmål."""

from __future__ import annotations

from typing import Any

from django.test import Client

from accounts.models import User
from evaluation.models import EvaluationStatus
from evaluation.scores.models import ConsensusScore, PriceEntry, ScoreSheet
from tests.evaluation.scores.conftest import Lot
from tests.evaluation.scores.helpers import REASON, prices, score_all


def client_for(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def url(lot: Lot, page: str) -> str:
    return f"/evaluation/notices/{lot.notice.pk}/lots/0/{page}/"


def sheet_form(lot: Lot, points: Any = "6", reason: str = REASON) -> dict[str, str]:
    data = {}
    for offer in lot.offers:
        for c in lot.points:
            data[f"points-{offer.pk}-{c.pk}"] = str(points)
            data[f"reason-{offer.pk}-{c.pk}"] = reason
    return data


def test_a_member_saves_a_draft_then_submits_on_the_scores_page(lot: Lot) -> None:
    client = client_for(lot.members[0])
    page = client.get(url(lot, "scores")).content.decode()
    assert "Blind scoring" in page and 'id="sheet-form"' in page
    assert f'for="s-0-0-points">Points for {lot.offers[0].supplier.name} on' in page
    data = sheet_form(lot)
    data[f"reason-{lot.offers[1].pk}-{lot.climate.pk}"] = "Kort."
    response = client.post(url(lot, "scores"), {**data, "action": "save"})
    assert response.status_code == 302
    response = client.post(url(lot, "scores"), {**data, "action": "submit"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your scores are not complete" in page and 'aria-invalid="true"' in page
    assert "Kort." in page  # what was typed stays in the form
    assert ScoreSheet.objects.get(member=lot.members[0]).submitted_at is None
    response = client.post(url(lot, "scores"), {**sheet_form(lot), "action": "submit"})
    assert response.status_code == 302
    page = client.get(url(lot, "scores")).content.decode()
    assert "Your scores are locked" in page and 'id="sheet-form"' not in page


def test_bad_points_on_the_page_save_nothing(lot: Lot) -> None:
    client = client_for(lot.members[0])
    response = client.post(url(lot, "scores"), {**sheet_form(lot, points="12"),
                                                "action": "save"})
    assert response.status_code == 400
    assert "A number from 0 to 10." in response.content.decode()
    assert not ScoreSheet.objects.filter(scores__isnull=False).exists()


def test_prices_are_entered_and_read_on_the_prices_page(lot: Lot) -> None:
    client = client_for(lot.officer)
    page = client.get(url(lot, "prices")).content.decode()
    assert "Read prices.json from Fjordbygg AS" in page
    assert client.post(url(lot, "prices") + "import/",
                       {"submission": str(lot.offers[0].pk)}).status_code == 302
    response = client.post(url(lot, "prices"), {
        "submission": str(lot.offers[1].pk), "criterion": str(lot.price.pk),
        "amount": "tusen", "document": "tilbud.pdf"})
    assert response.status_code == 400
    assert "not a number of kroner" in response.content.decode()
    response = client.post(url(lot, "prices"), {
        "submission": str(lot.offers[1].pk), "criterion": str(lot.price.pk),
        "amount": "1 100 000,50", "document": "prisskjema.pdf", "location": "side 2"})
    assert response.status_code == 302
    page = client.get(url(lot, "prices")).content.decode()
    assert "NOK 1,250,000" in page and "NOK 1,100,000.50" in page
    assert PriceEntry.objects.count() == 2


def test_consensus_and_ranking_on_the_pages(lot: Lot) -> None:
    prices(lot, ["1000000", "1100000", "900000"])
    score_all(lot, {0: {(0, 0): 2}, 1: {(0, 0): 9}})
    client = client_for(lot.members[1])
    page = client.get(url(lot, "consensus")).content.decode()
    assert "Divergence: 7.00 points" in page and "1 divergence of 3 points" in page
    assert page.count("<details>") == 3 * 3 * 2  # every reason, every member
    bad = client.post(url(lot, "consensus"), {"submission": str(lot.offers[0].pk),
                                              "criterion": str(lot.quality.pk),
                                              "points": "7", "justification": "Kort"})
    assert bad.status_code == 400 and "at least 20 characters" in bad.content.decode()
    for offer in lot.offers:
        for c in lot.points:
            response = client.post(url(lot, "consensus"), {
                "submission": str(offer.pk), "criterion": str(c.pk), "points": "6",
                "justification": "Enighet etter gjennomgang i komiteen."})
            assert response.status_code == 302
    assert ConsensusScore.objects.count() == 6
    assert 'id="to-ranking"' in client.get(url(lot, "consensus")).content.decode()
    assert client.post(url(lot, "ranking")).status_code == 302
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.RANKED
    page = client.get(url(lot, "ranking")).content.decode()
    assert 'id="ranking-table"' in page and 'id="sensitivity"' in page
    short = client.post(url(lot, "ranking") + "reopen/", {"reason": "Nei."})
    assert short.status_code == 302
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.RANKED
    client.post(url(lot, "ranking") + "reopen/",
                {"reason": "Ny opplysning om referansene må vurderes."})
    lot.evaluation.refresh_from_db()
    assert lot.evaluation.status == EvaluationStatus.CONSENSUS


def test_the_pages_speak_bokmal(lot: Lot) -> None:
    client = client_for(lot.members[0], "nb")
    page = client.get(url(lot, "scores")).content.decode()
    assert "Blind poenggivning" in page and "Lagre utkast" in page
    assert "Send inn poengene mine (låser dem)" in page
    score_all(lot)
    prices(lot, ["1000000", "1100000", "900000"])
    page = client.get(url(lot, "consensus")).content.decode()
    assert "Konsensus" in page and "Begrunnelse" in page
    page = client.get(url(lot, "ranking")).content.decode()
    assert "Før rangeringen kan beregnes" in page
    assert "Tilbudene rangeres etter tildelingsgrunnlaget" in page
