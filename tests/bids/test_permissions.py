"""Who sees what of a bid, before and after the deadline.

Actors: the owner supplier, another supplier, the authority's procurement officer, a
committee member, platform staff (admin and API) and anonymous."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from tests.bids.conftest import Tender, base, set_deadline, submit
from tests.conftest import api_client_for


@pytest.fixture
def staff(db: Any) -> User:
    return User.objects.create_superuser(email="ops@anbud.example", password="x" * 12)


@pytest.fixture
def bid(tender: Tender, supplier_user: User) -> dict[str, Any]:
    started, response = submit(api_client_for(supplier_user), tender.notice, b"offer")
    assert response.status_code == 201
    return started


def own_urls(tender: Tender, sid: str) -> list[str]:
    prefix = f"{base(tender.notice)}{sid}/"
    return [prefix, f"{prefix}parts", f"{prefix}receipt", f"{prefix}receipt.html",
            f"{prefix}inclusion-proof"]


def admin_shows(user: User, sid: str) -> bool:
    client = Client()
    client.force_login(user)
    pages = [client.get("/admin/bids/submission/"), client.get("/admin/bids/receipt/"),
             client.get("/admin/bids/bidevent/")]
    assert all(p.status_code == 200 for p in pages)
    shown = [sid in pages[0].content.decode(), sid in pages[1].content.decode(),
             "submission.sealed" in pages[2].content.decode()]
    assert len(set(shown)) == 1, shown
    return shown[0]


@pytest.mark.parametrize("after_deadline", [False, True])
def test_only_the_owner_sees_its_bid_and_the_authority_only_after_the_deadline(
        tender: Tender, bid: dict[str, Any], supplier_user: User, other_supplier_user: User,
        officer: User, staff: User, after_deadline: bool) -> None:
    sid = bid["id"]
    member = tender.members[0].user
    if after_deadline:
        set_deadline(tender.notice, timedelta(seconds=-1))

    owner = api_client_for(supplier_user)
    for url in own_urls(tender, sid):
        assert owner.get(url).status_code == 200, url
    assert [s["id"] for s in owner.get(base(tender.notice)).json()["results"]] == [sid]

    other = api_client_for(other_supplier_user)
    for url in own_urls(tender, sid):
        assert other.get(url).status_code == 404, url
    assert other.get(base(tender.notice)).json()["results"] == []
    assert other.post(f"{base(tender.notice)}{sid}/withdraw").status_code == 404

    for user in (officer, member):
        client = api_client_for(user)
        for url in own_urls(tender, sid):
            assert client.get(url).status_code == 404, url
        listing = client.get(base(tender.notice))
        if after_deadline:
            assert listing.status_code == 200
            assert [s["id"] for s in listing.json()["results"]] == [sid]
        else:
            assert listing.status_code == 403
            assert "sealed until the deadline" in listing.json()["error"]["message"]
            assert "1" not in listing.json()["error"]["message"]  # not even the count

    staff_api = api_client_for(staff)
    assert staff_api.get(base(tender.notice)).status_code == 403
    for url in own_urls(tender, sid):
        assert staff_api.get(url).status_code == 404
    assert admin_shows(staff, sid) is after_deadline

    anonymous = api_client_for(None)
    assert anonymous.get(base(tender.notice)).status_code in (401, 403)
    for url in own_urls(tender, sid):
        assert anonymous.get(url).status_code in (401, 403, 404), url
    assert anonymous.post(base(tender.notice), {}, format="json").status_code in (401, 403)


def test_nobody_but_the_owner_can_act_on_the_bid(tender: Tender, bid: dict[str, Any],
                                                 other_supplier_user: User, officer: User,
                                                 supplier_user: User) -> None:
    sid = bid["id"]
    for user in (other_supplier_user, officer, tender.members[0].user):
        client = api_client_for(user)
        assert client.post(f"{base(tender.notice)}{sid}/withdraw").status_code == 404
        assert client.put(f"{base(tender.notice)}{sid}/parts/0", data=b"x",
                          content_type="application/octet-stream",
                          HTTP_X_CONTENT_SHA256="0" * 64).status_code == 404
    assert api_client_for(officer).post(base(tender.notice), {}, format="json"
                                        ).status_code == 403


def test_the_public_log_endpoints_need_no_account(tender: Tender, bid: dict[str, Any]) -> None:
    anonymous = api_client_for(None)
    assert anonymous.get("/api/keys/").status_code == 200
    sth = anonymous.get("/api/log/sth")
    assert sth.status_code == 200 and sth.json()["tree_head"]["size"] >= 2
    assert anonymous.get("/api/log/consistency?first=1&second=2").status_code == 200
    assert anonymous.get("/api/log/consistency?first=2&second=1").status_code == 400
