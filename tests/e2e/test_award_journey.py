"""The award decision in real Chromium, at phone width: the officer proposes the award from
the ranking, reads the preview, sends it to every bidder; the bidder reads the letter from
the inbox link. Every page passes axe (no serious or critical violation) and has no
horizontal scrolling at 375 px. Screenshots: tests/e2e/screenshots/award_*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from evaluation.award.models import AwardDecision, AwardLetter
from tests.e2e import chromium
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import fits, needs_chromium, new_page
from tests.evaluation.award.conftest import Lot, make_lot, rank  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, needs_chromium]


def phone(browser: Any, base: str, user: Any, locale: str = "en-GB") -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale=locale, viewport={"width": 375, "height": 800})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": base}])
    context.set_default_timeout(120_000)
    context.errors = []
    return context



@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_officer_sends_and_the_bidder_reads(
        live_server: Any, browser: Any, make_lot: Callable[..., Lot]) -> None:  # noqa: F811
    lot = rank(make_lot())
    base = live_server.url
    officer = phone(browser, base, lot.officer)
    page = new_page(officer)
    page.goto(f"{base}/evaluation/notices/{lot.notice.pk}/lots/0/ranking/")
    page.click("#award-link")
    page.click("#draft-button")
    page.wait_for_selector("#letter-preview")
    assert "Fjordbygg AS" in page.inner_text("#letter-preview")
    chromium.shot(page, "award_draft")
    assert_no_serious_violations(page, where="award draft")
    fits(page)
    page.check("#send-confirm")
    page.click("#send-button")
    page.wait_for_selector("#standstill-end")
    assert "(Norwegian time)" in page.inner_text("#standstill-end")
    chromium.shot(page, "award_sent")
    assert_no_serious_violations(page, where="award sent")
    fits(page)
    assert officer.errors == []
    decision = AwardDecision.objects.get()
    assert decision.status == "sent" and AwardLetter.objects.count() == 3

    bidder = phone(browser, base, lot.suppliers[1], locale="nb-NO")
    page = new_page(bidder)
    page.goto(f"{base}/inbox/")
    letter = AwardLetter.objects.get(submission=lot.offers[1])
    page.goto(f"{base}/evaluation/award-letters/{letter.pk}/")
    assert "Tildelingsbeslutning" in page.inner_text("h1")
    assert "Karensperiode" in page.inner_text("#letter")
    chromium.shot(page, "award_letter")
    assert_no_serious_violations(page, where="award letter")
    fits(page)
    assert bidder.errors == []
