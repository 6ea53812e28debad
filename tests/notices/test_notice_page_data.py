"""Pages that explain themselves: CPV and NUTS codes with their labels in the page's language,
links to a notice's OCDS and eForms data, and Atom feeds a visitor can find on the search page
(autodiscovery, and a feed link for the current search)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from tests.notices.test_codelists import load, needs_files

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def page(path: str, language: str) -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_notice_page_names_its_codes_in_the_pages_language(make_notice: Any) -> None:
    """With only the built-in lists (CPV divisions, Norway's regions): a narrower code is
    described by its division."""
    notice = make_notice(cpv_main="45000000", nuts="NO0A2", cpv_additional=["45420000"],
                         lots=[{"title": "Snekker", "cpv": "45000000",
                                "estimated_value": Decimal(500_000)}])
    english = page(f"/notices/{notice.pk}/", "en")
    assert re.search(r'<span translate="no">45000000</span> <span class="code-label">'
                     r'Construction work</span>', english)
    assert "part of 45000000: Construction work" in english  # 45420000, by its division
    assert '<span translate="no">NO0A2</span> <span class="code-label">Vestland</span>' in english
    norwegian = page(f"/notices/{notice.pk}/", "nb")
    assert "Construction work" not in norwegian
    assert re.search(r'<span translate="no">45000000</span> <span class="code-label">'
                     r'Bygge- og anleggsvirksomhet', norwegian)
    assert "del av 45000000: Bygge- og anleggsvirksomhet" in norwegian


@needs_files
def test_the_notice_page_names_each_code_from_the_loaded_lists(make_notice: Any) -> None:
    load()
    notice = make_notice(cpv_main="45420000", nuts="NO0A2",
                         lots=[{"title": "Snekker", "cpv": "45421000",
                                "estimated_value": Decimal(500_000)}])
    english = page(f"/notices/{notice.pk}/", "en")
    assert "Joinery and carpentry installation work" in english and "Joinery work" in english
    norwegian = page(f"/notices/{notice.pk}/", "nb")
    assert "Snekkermonteringsarbeid" in norwegian and "Snekkerarbeid" in norwegian
    assert "Joinery" not in norwegian


def test_the_notice_page_links_to_its_open_data(make_notice: Any) -> None:
    notice = make_notice()
    html = page(f"/notices/{notice.pk}/", "en")
    for path, kind in ((f"/api/notices/{notice.pk}/ocds", "application/json"),
                       (f"/api/notices/{notice.pk}/eforms", "application/xml"),
                       ("/feeds/cpv/45/", "application/atom+xml")):
        assert f'href="{path}" type="{kind}"' in html
        assert Client().get(path).status_code == 200
    draft = make_notice(publish=False)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(draft.created_by)
    assert "OCDS release package" not in client.get(
        f"/workspace/notices/{draft.pk}/").content.decode()


def test_the_search_page_offers_the_feed_of_the_current_search(make_notice: Any) -> None:
    wanted = make_notice(title="Vedlikehold av skolebygg", cpv_main="45000000")
    other = make_notice(title="Renhold av rådhuset", cpv_main="90911200")
    plain = page("/", "en")
    assert '<link rel="alternate" type="application/atom+xml"' in plain
    assert 'href="/feeds/notices/"' in plain and "Atom feed of all notices" in plain
    html = page("/?cpv=45000000&sort=deadline&page=1", "en")
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" '
                       r'href="([^"]+)"', html)
    assert ("Anbud: notices for your search", "/feeds/notices/?cpv=45000000") in links
    assert 'id="search-feed">Atom feed of this search' in html
    feed = Client(HTTP_ACCEPT_LANGUAGE="en").get("/feeds/notices/?cpv=45000000")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)  # noqa: S314 (our own feed)
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == [f"{wanted.reference} {wanted.title}"]
    assert root.findtext(f"{ATOM}title") == "Anbud: notices for your search"
    everything = ElementTree.fromstring(  # noqa: S314 (our own feed)
        Client().get("/feeds/notices/").content)
    assert {e.findtext(f"{ATOM}title") for e in everything.iter(f"{ATOM}entry")} == {
        f"{wanted.reference} {wanted.title}", f"{other.reference} {other.title}"}
