# ruff: noqa: F811  (the fixtures are imported from test_opening)
"""The opening through the API and the web pages: who sees what, downloads logged, the PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from bids.models import BidEvent
from bids.opening import services as opening
from bids.opening.models import OpeningSession, OpeningStatus
from tests.bids.test_opening import (  # noqa: F401 (fixtures)
    MARKER,
    Tender,
    browser_shares,
    opened,
    pass_deadline,
    plain_shares,
    send,
    setup_tender,
    submit,
    tender,
)
from tests.conftest import page_as


def web(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_it_runs_the_opening_through_the_api(
        tender: Tender, api_for: Callable[[User | None], APIClient],
        django_capture_on_commit_callbacks: Any) -> None:
    officer = api_for(tender.officer)
    started = officer.post(f"/api/notices/{tender.notice.pk}/opening")
    assert started.status_code == 201, started.content
    session_id = started.json()["session"]
    assert officer.post(f"/api/notices/{tender.notice.pk}/opening").status_code == 409
    session = OpeningSession.objects.get(pk=session_id)
    for member in tender.members[:2]:
        client = api_for(member)
        mine = client.get(f"/api/openings/{session_id}/my-shares")
        assert mine.status_code == 200
        assert len(mine.json()["shares"]) == 2 and mine.json()["keys"][0]["wrapped"]
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post(f"/api/openings/{session_id}/shares",
                               {"shares": browser_shares(session, tender, member)},
                               format="json")
        assert sent.status_code == 200, sent.content
    status = officer.get(f"/api/openings/{session_id}/").json()
    assert status["status"] == OpeningStatus.OPENED
    assert status["bids_done"] == status["bids_total"] == 2
    assert status["log_check"]["ok"]
    sub = tender.bids[0]
    url = f"/api/openings/{session_id}/bids/{sub.pk}/files/0"
    refused = api_for(tender.members[2]).get(url)  # impartiality first (FOA § 7-5)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "impartiality_not_declared"
    declared = api_for(tender.members[2]).post(
        f"/api/notices/{tender.notice.pk}/evaluation/declaration", {"has_conflict": False},
        format="json")
    assert declared.status_code == 201, declared.content
    got = api_for(tender.members[2]).get(url)
    assert got.status_code == 200 and MARKER in b"".join(got.streaming_content)
    assert BidEvent.objects.filter(kind="opened.read", by=tender.members[2]).count() == 1


def test_the_api_refuses_outsiders_and_bad_shares(
        tender: Tender, api_for: Callable[[User | None], APIClient], supplier_user: User,
        other_officer: User) -> None:
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    base = f"/api/openings/{session.pk}/"
    for outsider in (supplier_user, other_officer):
        assert api_for(outsider).get(base).status_code == 404
        assert api_for(outsider).get(base + "my-shares").status_code == 404
    assert api_for(None).get(base).status_code in (401, 403)
    member = api_for(tender.members[0])
    assert member.post(base + "shares", {"shares": []}, format="json").status_code == 400
    bad = member.post(base + "shares", {"shares": [{"key_id": "member-01",
                                                    "submission": str(tender.bids[0].pk),
                                                    "resealed": "00" * 114}]}, format="json")
    assert bad.status_code == 400 and "session" in bad.json()["error"]["message"]
    both = member.post(base + "shares", {"shares": [{"key_id": "member-01", "share": "00",
                                                     "resealed": "00"}]}, format="json")
    assert both.status_code == 400
    assert member.post(base + "resume").status_code == 409
    assert not session.shares.exists()


def test_the_opening_page_for_each_actor(
        tender: Tender, opened: OpeningSession, supplier_user: User,
        other_officer: User) -> None:
    url = f"/bids/notices/{tender.notice.pk}/opening/"
    page = web(tender.officer).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Fjordbygg AS" in html and "tilbud.txt" in html and "protocol.pdf" in html
    member_page = web(tender.members[2]).get(url).content.decode()
    assert "tilbud.txt" in member_page
    assert web(supplier_user).get(url).status_code == 404
    assert web(other_officer).get(url).status_code == 404
    assert web(None).get(url).status_code == 302  # to sign in


def test_the_protocol_pages(tender: Tender, opened: OpeningSession) -> None:
    base = f"/bids/notices/{tender.notice.pk}/opening/"
    html = web(tender.members[0]).get(base + "protocol/").content.decode()
    for sub in tender.bids:
        assert sub.root in html
    assert opened.tree_head.root in html and "Check passed" in html
    pdf = web(tender.officer).get(base + "protocol.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_web_downloads_are_logged_and_guarded(
        tender: Tender, opened: OpeningSession, supplier_user: User) -> None:
    sub = tender.bids[1]
    base = f"/bids/notices/{tender.notice.pk}/opening/bids/{sub.pk}/"
    response = web(tender.officer).get(base + "files/0/")
    assert response.status_code == 200
    assert MARKER in b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("attachment")
    tar = web(tender.officer).get(base + "bid.tar")
    assert tar.status_code == 200
    assert web(supplier_user).get(base + "files/0/").status_code == 404
    assert web(tender.officer).get(base + "files/9/").status_code == 404
    reads = BidEvent.objects.filter(kind="opened.read", submission=sub)
    assert [e.data["file"] for e in reads] == ["offer.txt", "(tar)"]


def test_the_member_page_sends_nothing_before_a_session(tender: Tender) -> None:
    page = web(tender.members[0]).get(f"/bids/notices/{tender.notice.pk}/opening/")
    assert page.status_code == 200
    assert b"member-form" not in page.content


@pytest.mark.parametrize("path", ["committee/", "bid/"])
def test_other_bid_pages_render(tender: Tender, supplier_user: User, path: str) -> None:
    user = tender.officer if path == "committee/" else supplier_user
    response = web(user).get(f"/bids/notices/{tender.notice.pk}/{path}")
    assert response.status_code == 200


def test_the_bid_page_says_once_that_the_deadline_has_passed(tender: Tender,
                                                            supplier_user: User) -> None:
    """After the deadline (the fixture's) one message, and no countdown for the page's script
    to fill with the same words."""
    after = web(supplier_user).get(f"/bids/notices/{tender.notice.pk}/bid/").content.decode()
    assert 'id="countdown"' not in after
    assert after.count('role="alert">The deadline has passed; bids can no longer be '
                       'submitted.</p>') == 1


def test_the_receipt_page(tender: Tender, supplier_user: User,
                          other_supplier_user: User) -> None:
    sub = tender.bids[0]
    url = f"/bids/notices/{tender.notice.pk}/bid/{sub.pk}/receipt/"
    html = web(supplier_user).get(url).content.decode()
    assert sub.root in html and sub.receipt.signature in html
    assert web(other_supplier_user).get(url).status_code == 404
    assert web(tender.officer).get(url).status_code == 404
    assert plain_shares  # imported helpers stay used


def test_the_committee_page_names_the_members(
        make_notice: Callable[..., Any], officer: User, authority: Any,
        supplier_user: User) -> None:
    from accounts.models import Role
    from tests.conftest import make_user

    notice = make_notice(publish=False)
    people = [make_user(f"c{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
              for i in range(3)]
    url = f"/bids/notices/{notice.pk}/committee/"
    response = web(officer).post(url, {"action": "configure", "k": "2",
                                       "members": [str(p.pk) for p in people]})
    assert response.status_code == 302
    assert notice.committee.members.count() == 3 and notice.committee.k == 2
    page = web(people[0]).get(url).content.decode()
    assert "Enrol your key" in page
    assert web(people[0]).post(url, {"action": "configure", "k": "3"}).status_code == 403
    assert web(supplier_user).get(url).status_code == 404


def test_the_enrolment_page_stores_only_the_wrapped_key(
        make_notice: Callable[..., Any], officer: User, authority: Any) -> None:
    import json

    from accounts.models import Role
    from bids import committee as committee_services
    from tests.bids.test_opening import PASSPHRASE, member_key
    from tests.conftest import make_user

    notice = make_notice(publish=False)
    people = [make_user(f"e{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
              for i in range(2)]
    committee = committee_services.committee_configure(notice=notice, by=officer,
                                                       members=people, k=2).committee
    seat = committee.members.get(user=people[0])
    url = f"/bids/notices/{notice.pk}/committee/{seat.pk}/key/"
    assert web(people[1]).get(url).status_code == 404
    assert web(people[0]).get(url).status_code == 200
    _key, wrapped = member_key(1)
    bad = web(people[0]).post(url, json.dumps({**wrapped, "passphrase": PASSPHRASE}),
                              content_type="application/json")
    assert bad.status_code == 400
    good = web(people[0]).post(url, json.dumps(wrapped), content_type="application/json")
    assert good.status_code == 200 and good.json()["key_id"] == wrapped["key_id"]
    seat.refresh_from_db()
    assert seat.has_key and seat.wrapped_key == wrapped


def test_a_supplier_withdraws_from_the_bid_page(
        make_notice: Callable[..., Any], officer: User, authority: Any, supplier: Any,
        supplier_user: User, other_supplier_user: User) -> None:
    from bids.models import SubmissionStatus
    from tests.bids.test_opening import setup_tender, submit

    t = setup_tender(make_notice, officer, authority)
    sub = submit(t, supplier, supplier_user, {"a.txt": b"tilbud"})
    page = web(supplier_user).get(f"/bids/notices/{t.notice.pk}/bid/").content.decode()
    assert "Withdraw this bid" in page and "countdown" in page
    url = f"/bids/notices/{t.notice.pk}/bid/{sub.pk}/withdraw/"
    assert web(other_supplier_user).post(url).status_code == 404
    assert web(supplier_user).post(url).status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.WITHDRAWN



@pytest.mark.parametrize(("language", "received"), [
    ("en", "(Norwegian time)"), ("nb", "(norsk tid)")])
def test_the_receipt_page_shows_the_time_to_the_second(
        tender: Tender, supplier_user: User, language: str, received: str) -> None:
    """The receipt's time reads like every other time: to the second, no microseconds."""
    from backend.formatting import format_oslo

    sub = tender.bids[0]
    html = page_as(supplier_user, f"/bids/notices/{tender.notice.pk}/bid/{sub.pk}/receipt/",
                   language)
    shown = format_oslo(sub.received_at, "seconds")
    assert f">{shown}</time> {received}" in html
    assert format_oslo(sub.received_at, "precise") not in html


@pytest.mark.parametrize(("language", "one", "two"), [
    ("en", "1 chunk)", "2 chunks)"), ("nb", "1 del)", "2 deler)")])
def test_the_receipt_page_counts_chunks_in_the_singular_and_the_plural(
        tender: Tender, supplier_user: User, language: str, one: str, two: str) -> None:
    sub = tender.bids[0]
    url = f"/bids/notices/{tender.notice.pk}/bid/{sub.pk}/receipt/"
    assert sub.receipt.receipt["chunks"] == 1
    assert one in page_as(supplier_user, url, language)
    sub.receipt.receipt["chunks"] = 2  # only the page's wording is checked here
    sub.receipt.save()
    assert two in page_as(supplier_user, url, language)


@pytest.mark.parametrize(("language", "shares"), [("en", "2 shares, from"),
                                                  ("nb", "2 nøkkelandeler, fra")])
def test_the_protocol_counts_shares_in_the_plural(
        tender: Tender, opened: OpeningSession, language: str, shares: str) -> None:
    url = f"/bids/notices/{tender.notice.pk}/opening/protocol/"
    assert page_as(tender.members[0], url, language).count(shares) == 2


@pytest.mark.parametrize(("language", "share"), [("en", "1 share, from"),
                                                 ("nb", "1 nøkkelandel, fra")])
def test_the_protocol_counts_one_share_in_the_singular(
        make_notice: Callable[..., Any], officer: User, authority: Any, supplier: Any,
        supplier_user: User, django_capture_on_commit_callbacks: Any, language: str,
        share: str) -> None:
    one = setup_tender(make_notice, officer, authority)
    submit(one, supplier, supplier_user, {"tilbud.txt": b"Pris: 1 NOK " + MARKER})
    pass_deadline(one)
    session = opening.opening_start(notice=one.notice, by=officer)
    send(session, one, one.members[0], django_capture_on_commit_callbacks)
    send(session, one, one.members[1], django_capture_on_commit_callbacks)
    html = page_as(one.members[0], f"/bids/notices/{one.notice.pk}/opening/protocol/", language)
    assert html.count(share) == 2 and "1 shares" not in html and "1 nøkkelandeler" not in html


@pytest.mark.parametrize(("key", "language", "one", "two"), [
    ("sent", "en", "Your share is sent.", "Your 2 shares are sent."),
    ("sent", "nb", "Nøkkelandelen din er sendt.", "De 2 nøkkelandelene dine er sendt."),
    ("sending", "en", "Sending your share to the opening session",
     "Sending 2 shares to the opening session"),
    ("sending", "nb", "Sender nøkkelandelen din til åpningsøkten",
     "Sender 2 nøkkelandeler til")])
def test_the_member_is_told_of_their_shares_in_the_singular_or_the_plural(
        key: str, language: str, one: str, two: str) -> None:
    """The opening page's script picks the form by the number of shares (t() in common.js)."""
    from django.utils import translation

    from bids.views_i18n import opening_messages

    with translation.override(language):
        forms = opening_messages()[key]
    assert isinstance(forms, dict)
    assert forms["one"].startswith(one)
    assert forms["other"].replace("%(n)s", "2").startswith(two)
