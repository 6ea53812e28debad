"""The award pages and API: who may see and do what (every actor), the officer's journey
through the web (draft, errors next to the field, preview, send, withdraw, draft anew), the
same through the API, and the bidder's letter page with its PDF."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from accounts.models import Organization, OrganizationKind, Role, User
from evaluation.award import services
from evaluation.award.models import AwardDecision, AwardLetter
from evaluation.models import ImpartialityDeclaration
from tests.conftest import make_org, make_user
from tests.evaluation.award.conftest import Lot

ACTORS = ["owner", "other_officer", "member", "uncleared", "bidder", "other_supplier",
          "staff", "anon"]


@dataclass
class World:
    lot: Lot
    users: dict[str, User | None]
    decision: AwardDecision
    letter: AwardLetter        # the bidder's (suppliers[0])
    other_letter: AwardLetter  # the letter of suppliers[1]


@pytest.fixture
def world(ranked: Lot, other_authority: Organization) -> World:
    decision = services.award_draft(evaluation=ranked.evaluation, by=ranked.officer)
    sent = services.award_send(decision=decision, by=ranked.officer)
    # The third member's declaration is taken away: a committee member not cleared.
    ImpartialityDeclaration.objects.filter(notice=ranked.notice,
                                           user=ranked.members[2]).delete()
    stranger = make_org(OrganizationKind.SUPPLIER, "Tindetak AS")
    users: dict[str, User | None] = {
        "owner": ranked.officer,
        "other_officer": make_user("officer@vegvesen.example", other_authority,
                                   Role.PROCUREMENT_OFFICER),
        "member": ranked.members[0],
        "uncleared": ranked.members[2],
        "bidder": ranked.suppliers[0],
        "other_supplier": make_user("ola@tindetak.example", stranger, Role.SUPPLIER_ADMIN),
        "staff": User.objects.create_user(email="ops@anbud.example", password="x" * 16,
                                          is_staff=True),
        "anon": None,
    }
    return World(lot=ranked, users=users, decision=sent,
                 letter=AwardLetter.objects.get(decision=sent, submission=ranked.offers[0]),
                 other_letter=AwardLetter.objects.get(decision=sent,
                                                      submission=ranked.offers[1]))


def client_for(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def lot_url(world: World, tail: str = "") -> str:
    return f"/evaluation/notices/{world.lot.notice.pk}/lots/0/award/{tail}"


def api_url(world: World, tail: str = "") -> str:
    return f"/api/notices/{world.lot.notice.pk}/evaluation/lots/0/award{tail}"


LOGIN = "login"
PAGE = dict(zip(ACTORS, [200, 404, 200, 403, 404, 404, 404, LOGIN], strict=True))
DECIDE = dict(zip(ACTORS, [409, 404, 403, 403, 404, 404, 404, LOGIN], strict=True))
LETTER = dict(zip(ACTORS, [200, 404, 200, 404, 200, 404, 404, LOGIN], strict=True))
OTHER_LETTER = dict(zip(ACTORS, [200, 404, 200, 404, 404, 404, 404, LOGIN], strict=True))


def check(response: Any, want: Any, where: str) -> None:
    if want == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], where
    elif want == 401:
        assert response.status_code == 401, where
    else:
        assert response.status_code == want, f"{where}: {response.status_code}"


@pytest.mark.parametrize("actor", ACTORS)
def test_every_actor_on_every_page(world: World, actor: str) -> None:
    client = client_for(world.users[actor])
    check(client.get(lot_url(world)), PAGE[actor], f"page as {actor}")
    check(client.post(lot_url(world, "draft/")), DECIDE[actor], f"draft as {actor}")
    # A sent decision: no draft to change or send (409) for the officer.
    check(client.post(lot_url(world, "update/"), {"outcome": "winner"}),
          DECIDE[actor], f"update as {actor}")
    check(client.post(lot_url(world, "send/"), {"confirm": "yes"}), DECIDE[actor],
          f"send as {actor}")
    # Withdraw with a reason too short: 400 for the officer, nothing changes.
    withdraw = {**DECIDE, "owner": 400}
    check(client.post(lot_url(world, "withdraw/"), {"reason": "kort"}), withdraw[actor],
          f"withdraw as {actor}")
    world.decision.refresh_from_db()
    assert world.decision.status == "sent"
    for letter, expected in ((world.letter, LETTER), (world.other_letter, OTHER_LETTER)):
        check(client.get(f"/evaluation/award-letters/{letter.pk}/"), expected[actor],
              f"letter {letter.pk} as {actor}")
        check(client.get(f"/evaluation/award-letters/{letter.pk}/pdf/"), expected[actor],
              f"letter PDF {letter.pk} as {actor}")


def _api(want: Any) -> Any:
    return 401 if want == LOGIN else want


@pytest.mark.parametrize("actor", ACTORS)
def test_every_actor_on_every_endpoint(world: World, actor: str) -> None:
    client = client_for(world.users[actor])
    check(client.get(api_url(world)), _api(PAGE[actor]), f"GET award as {actor}")
    check(client.get(api_url(world, "/letters")), _api(PAGE[actor]), f"letters as {actor}")
    check(client.post(api_url(world)), _api(DECIDE[actor]), f"POST award as {actor}")
    check(client.put(api_url(world, "/draft"), {"outcome": "winner"},
                     content_type="application/json"),
          _api(DECIDE[actor]), f"PUT draft as {actor}")
    check(client.post(api_url(world, "/send")), _api(DECIDE[actor]), f"send as {actor}")
    check(client.post(api_url(world, "/withdraw"), {"reason": "kort"},
                      content_type="application/json"),
          _api({**DECIDE, "owner": 400}[actor]), f"withdraw as {actor}")
    for letter, expected in ((world.letter, LETTER), (world.other_letter, OTHER_LETTER)):
        check(client.get(f"/api/award-letters/{letter.pk}"), _api(expected[actor]),
              f"API letter as {actor}")
        check(client.get(f"/api/award-letters/{letter.pk}/pdf"), _api(expected[actor]),
              f"API letter PDF as {actor}")
    mine = client.get("/api/award-letters")
    if actor == "anon":
        assert mine.status_code == 401
    else:
        assert mine.status_code == 200
        ids = [x["id"] for x in mine.json()]
        assert ids == ([world.letter.pk] if actor == "bidder" else [])


def test_the_bidder_reads_the_letter_and_its_pdf(world: World) -> None:
    client = client_for(world.users["bidder"])
    page = client.get(f"/evaluation/award-letters/{world.letter.pk}/").content.decode()
    assert world.letter.subject in page and "Download as PDF" in page
    pdf = client.get(f"/evaluation/award-letters/{world.letter.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == world.letter.pdf_sha256
    body = client.get(f"/api/award-letters/{world.letter.pk}").json()
    assert body["pdf_sha256"] == world.letter.pdf_sha256 and body["text"] == world.letter.text
    api_pdf = client.get(body["pdf"])
    assert hashlib.sha256(api_pdf.content).hexdigest() == world.letter.pdf_sha256


def test_the_inbox_link_leads_to_the_letter(world: World) -> None:
    from notices.following.models import InboxMessage

    message = InboxMessage.objects.get(user=world.users["bidder"], kind="award")
    assert message.path == f"/evaluation/award-letters/{world.letter.pk}/"
    assert f"/evaluation/award-letters/{world.letter.pk}/" in message.body


# --- the officer's journey through the web ---------------------------------------------------


def test_the_officer_drafts_previews_sends_and_withdraws(ranked: Lot) -> None:
    client = client_for(ranked.officer)
    base = f"/evaluation/notices/{ranked.notice.pk}/lots/0/"
    ranking = client.get(base + "ranking/").content.decode()
    assert f'href="{base}award/"' in ranking
    page = client.get(base + "award/").content.decode()
    assert "Propose the award from the ranking" in page
    assert client.post(base + "award/draft/").status_code == 302
    page = client.get(base + "award/").content.decode()
    assert "Preview of the letter" in page and "Award decision:" in page
    assert "Fjordbygg AS" in page
    # The winner is dearer than the cheapest: clearing the justification is refused at send.
    decision = AwardDecision.objects.get()
    form = {"outcome": "winner", "winners": [str(ranked.offers[0].pk)],
            "letter_text": decision.letter_text, "price_justification": "",
            "standstill_exception": "", "standstill_justification": "", "no_award_reason": ""}
    assert client.post(base + "award/update/", form).status_code == 302
    page = client.get(base + "award/").content.decode()
    assert 'id="send-problems"' in page and "justify the higher price" in page
    # A bad input: shown next to the field, status 400.
    bad = client.post(base + "award/update/", {**form, "outcome": "framework"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'id="id_winners_errors"' in text and "at least two of them" in text
    form["price_justification"] = "Bedre kvalitet veier opp for den høyere prisen."
    assert client.post(base + "award/update/", form).status_code == 302
    page = client.get(base + "award/").content.decode()
    assert 'id="send-confirmation"' in page and "All 3 bidders of this lot" in page
    assert "standstill period ends and the contract may be signed from" in page
    # Without the confirmation: 400, nothing sent.
    assert client.post(base + "award/send/").status_code == 400
    assert not AwardLetter.objects.exists()
    assert client.post(base + "award/send/", {"confirm": "yes"}).status_code == 302
    page = client.get(base + "award/").content.decode()
    assert 'id="standstill-end"' in page and "(Norwegian time)" in page
    assert page.count("/evaluation/award-letters/") == 3
    assert client.post(base + "award/withdraw/", {
        "reason": "Feil i prisen; en ny beslutning sendes."}).status_code == 302
    page = client.get(base + "award/").content.decode()
    assert "Draft a new decision" in page and "Earlier decisions" in page
    assert client.post(base + "award/draft/").status_code == 302
    assert AwardDecision.objects.count() == 2


def test_the_page_in_bokmal(ranked: Lot) -> None:
    services.award_draft(evaluation=ranked.evaluation, by=ranked.officer)
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    client.force_login(ranked.officer)
    page = client.get(f"/evaluation/notices/{ranked.notice.pk}/lots/0/award/").content.decode()
    assert "Forhåndsvisning av brevet" in page and "Tildelingsbeslutning" in page


# --- the API journey ---------------------------------------------------------------------------


def test_the_api_journey(ranked: Lot) -> None:
    client = client_for(ranked.officer)
    url = f"/api/notices/{ranked.notice.pk}/evaluation/lots/0/award"
    created = client.post(url)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["winners"][0]["rank"] == 1
    bad = client.put(url + "/draft", {"outcome": "lottery"}, content_type="application/json")
    assert bad.status_code == 400 and "outcome" in bad.json()["error"]["fields"]
    bad = client.put(url + "/draft", {"outcome": "winner", "winners": ["nope"]},
                     content_type="application/json")
    assert bad.status_code == 400 and "winners" in bad.json()["error"]["fields"]
    changed = client.put(url + "/draft", {
        "outcome": "framework", "winners": [str(o.pk) for o in ranked.offers[:2]],
        "letter_text": body["letter_text"], "price_justification": ""},
        content_type="application/json")
    assert changed.status_code == 200 and len(changed.json()["winners"]) == 2
    refused = client.post(url + "/send")
    assert refused.status_code == 400
    assert "price_justification" in refused.json()["error"]["fields"]
    client.put(url + "/draft", {
        "outcome": "framework", "winners": [str(o.pk) for o in ranked.offers[:2]],
        "letter_text": body["letter_text"],
        "price_justification": "Kvaliteten veier opp for prisforskjellen."},
        content_type="application/json")
    sent = client.post(url + "/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    assert sent.json()["standstill_days"] == 10 and sent.json()["standstill_end"]
    lot = client.get(url).json()
    assert lot["live"]["id"] == sent.json()["id"] and lot["ranked"] is True
    assert len(client.get(url + "/letters").json()) == 3
    assert client.post(url).status_code == 409  # a live decision exists
    withdrawn = client.post(url + "/withdraw", {"reason": "Feil i poengberegningen."},
                            content_type="application/json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert len(client.get(url + "/letters").json()) == 6
    assert client.post(url).status_code == 201
    assert len(client.get(url).json()["decisions"]) == 2
