"""The demo a newcomer can bid on, in real Chromium: what `make run` loads and prints is
enough to submit a sealed bid and open it.

1. `load_demo` runs (as `make run` does). A supplier signs in with the printed demo login,
   finds the practice tender on the notice board, seals and submits a bid, and finds the
   receipt in the inbox (the link leads to the receipt page).
2. The practice tender's deadline passes (moved to the database's "now"; no sleeping). The
   officer finds "Start the opening" under My tasks and starts it.
3. A committee member, in bokmål, follows My tasks to the opening; a mistyped passphrase gets a
   message in bokmål; the printed passphrase unlocks the key. A second member does the same in
   English and the bids open. The page's scripts write sizes as the page's language does
   ("26,0 MiB" in bokmål).
Screenshots: tests/e2e/screenshots/demo_*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from bids.opening.models import OpeningSession, OpeningStatus
from bids.submission import tenders_close_due
from notices.demo import DEMO_PASSWORD, demo_passphrase, load_demo
from notices.following.models import InboxKind, InboxMessage
from tests.bids.test_opening import Tender, pass_deadline
from tests.e2e import chromium
from tests.e2e.chromium import browser_context, needs_chromium, new_page

pytestmark = [pytest.mark.e2e, needs_chromium]


def shot(page: Any, name: str) -> None:
    chromium.shot(page, f"demo_{name}")




@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_newcomer_bids_on_the_demo_and_the_committee_opens_it(
        live_server: Any, browser: Any, tmp_path: Path, settings: Any) -> None:
    base = live_server.url
    settings.ANBUD_SITE_URL = base  # links in the inbox and e-mails lead to this server
    demo = load_demo()
    practice = demo.practice

    # 1. The supplier signs in with the printed login and bids on the practice tender.
    supplier = browser_context(browser, base, locale="en-GB")
    page = new_page(supplier)
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill("post@fjordbygg.demo")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name=practice.title).first.click()
    page.wait_for_url(f"**/notices/{practice.pk}/")
    shot(page, "1_practice_notice")
    page.get_by_role("link", name="Submit a bid").click()
    offer = tmp_path / "tilbud.pdf"
    offer.write_bytes(b"%PDF-1.4 Tilbud fra Fjordbygg AS: 1 450 000 kroner\n" * 200)
    page.get_by_label("Files of your bid").set_input_files([str(offer)])
    # The page's module has started once the countdown runs (a function: the CSP forbids eval).
    page.wait_for_function("() => document.getElementById('countdown').textContent"
                           ".includes(':')")
    page.get_by_role("button", name="Seal and submit").click()
    page.wait_for_selector("#verify-result[data-verified='true'], #bid-status[data-kind='error']")
    assert page.get_attribute("#bid-status", "data-kind") != "error", (
        page.inner_text("#bid-status"), supplier.errors)
    page.wait_for_selector("#verify-result[data-verified='true']")
    shot(page, "2_bid_received")
    # The receipt waits in the inbox (menu entry with its unread count); its link leads to it.
    page.get_by_role("link", name="Inbox").click()
    # The click does not wait for the next page: on a loaded machine count() ran on the bid page.
    page.wait_for_url("**/inbox/")
    message = page.locator(".inbox-item").filter(has_text="Bid received")
    assert message.count() == 1
    shot(page, "3_inbox_receipt")
    message.get_by_role("link", name="Go to the page").click()
    page.wait_for_url("**/receipt/")
    page.wait_for_selector("#receipt-verify[data-verified='true']")
    assert supplier.errors == []

    # 2. The deadline passes; the bookkeeping tells the committee and the officer.
    pass_deadline(Tender(notice=practice, officer=None, members=[], keys={}))  # type: ignore[arg-type]
    tenders_close_due()
    officer_user = User.objects.get(email="innkjop@bergen.demo")
    assert InboxMessage.objects.filter(user=officer_user, kind=InboxKind.OPENING_READY).exists()
    officer = browser_context(browser, base, locale="en-GB", user=officer_user)
    page = new_page(officer)
    page.goto(f"{base}/")
    page.get_by_role("link", name="My tasks").click()
    page.wait_for_url("**/bids/tasks/")
    shot(page, "4_officer_tasks")
    page.get_by_role("link", name="Start the opening").click()
    page.get_by_role("button", name="Start the opening").click()
    page.wait_for_selector("#opening")
    assert officer.errors == []

    # 3. Two members open it with the printed passphrases; the first mistypes hers first.
    for email, locale in (("komite@bergen.demo", "nb-NO"), ("komite2@bergen.demo", "en-GB")):
        member_user = User.objects.get(email=email)
        member = browser_context(browser, base, locale=locale, user=member_user)
        page = new_page(member)
        page.goto(f"{base}/")
        page.locator("nav.site-nav a[href='/bids/tasks/']").click()
        page.locator(f"a[href='/bids/notices/{practice.pk}/opening/']").first.click()
        page.wait_for_selector("#opening[data-ready='true'] #member-form")
        # The page's scripts write sizes the way the server does, in the page's language.
        size = page.evaluate("async () => (await import('/static/bids/common.js'))"
                             ".formatBytes(27262976)")
        assert size == ("26,0\u00a0MiB" if locale == "nb-NO" else "26.0\u00a0MiB")
        if locale == "nb-NO":
            page.locator("#member-passphrase").fill("feil-passordfrase")
            page.locator("#send-shares").click()
            page.wait_for_selector("#member-status[data-kind='error']")
            assert "Feil passordfrase" in page.inner_text("#member-status")
            shot(page, "5_wrong_passphrase_nb")
        page.locator("#member-passphrase").fill(demo_passphrase(email))
        page.locator("#send-shares").click()
        page.wait_for_selector("#member-status[data-kind='ok']")
        if locale == "nb-NO":  # one bid, so one share: the singular, not "De 1 nøkkelandelene"
            assert page.inner_text("#member-status").startswith("Nøkkelandelen din er sendt.")
        if locale == "en-GB":
            page.wait_for_selector("#log-check.verify-ok")  # the page reloads when opened
            shot(page, "6_opened")
        assert member.errors == []
        member.close()
    session = OpeningSession.objects.get(notice=practice)
    assert session.status == OpeningStatus.OPENED and session.bids_done == 1
