"""Atom feeds: all notices, per CPV division, per saved search behind its token."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from notices.following.saved_searches import saved_search_create

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    return [(e.find(f"{ATOM}title").text, e.find(f"{ATOM}link").get("href"))
            for e in root.findall(f"{ATOM}entry")]


@pytest.fixture
def notices(make_notice, now):
    return {
        "works": make_notice(title="Rehabilitering av Åsane skole", cpv_main="45210000",
                             at=now - timedelta(hours=3)),
        "it": make_notice(title="Drift av IT-systemer", cpv_main="72000000",
                          at=now - timedelta(hours=2)),
        "cleaning": make_notice(title="Vask av kontorlokaler", cpv_main="90910000",
                                at=now - timedelta(hours=1)),
        "draft": make_notice(title="Utkast om tømrerarbeid", cpv_main="45000000", publish=False),
    }


def test_the_public_feed_lists_published_notices_newest_first(client, notices):
    titles = [title for title, _link in entries(client, "/feeds/notices/")]
    assert titles == [f"{n.reference} {n.title}" for n in
                      (notices["cleaning"], notices["it"], notices["works"])]


def test_entries_link_to_the_notice_page(client, notices):
    links = [link for _title, link in entries(client, "/feeds/notices/")]
    assert links[0].endswith(f"/notices/{notices['cleaning'].pk}/")


def test_a_cpv_division_feed_has_only_that_division(client, notices):
    titles = [title for title, _link in entries(client, "/feeds/cpv/45/")]
    assert titles == [f"{notices['works'].reference} {notices['works'].title}"]
    assert entries(client, "/feeds/cpv/03/") == []


@pytest.mark.parametrize("division", ["4", "450", "ab"])
def test_a_bad_cpv_division_is_not_found(client, division):
    assert client.get(f"/feeds/cpv/{division}/").status_code == 404


def test_a_saved_search_feed_has_the_matching_notices(client, notices, supplier_user, now):
    saved = saved_search_create(user=supplier_user, name="Renhold",
                                params={"cpv": "90000000"}, now=now)
    titles = [title for title, _link in entries(client, f"/feeds/saved/{saved.feed_token}/")]
    assert titles == [f"{notices['cleaning'].reference} {notices['cleaning'].title}"]


def test_a_wrong_feed_token_is_not_found(client, supplier_user, now):
    saved = saved_search_create(user=supplier_user, name="Alt", params={}, now=now)
    assert client.get(f"/feeds/saved/{saved.feed_token}x/").status_code == 404
    assert client.get("/feeds/saved/guess/").status_code == 404


def test_a_deactivated_users_feed_is_gone(client, supplier_user, now):
    saved = saved_search_create(user=supplier_user, name="Alt", params={}, now=now)
    supplier_user.is_active = False
    supplier_user.save()
    assert client.get(f"/feeds/saved/{saved.feed_token}/").status_code == 404
