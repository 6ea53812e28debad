"""axe-core on the main pages, at desktop (1280x800) and phone (390x844) sizes, no horizontal
scroll at phone size (reflow), and tables a keyboard can scroll on a phone.

One live server and one data set (the demo, plus a bid opened by two demo members) for the
whole check; every page is checked in both sizes, as the person who uses it. Serious and
critical violations fail (tests/e2e/axe.py). Screenshots: tests/e2e/screenshots/a11y_*.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from bids.models import CommitteeMember
from bids.opening import services as opening
from bids.opening.models import OpeningStatus
from crypto.member_keys import unwrap_member_key
from notices.demo import demo_passphrase, load_demo
from notices.models import Notice
from tests.bids.conftest import submit
from tests.bids.test_opening import Tender, pass_deadline, plain_shares
from tests.conftest import api_client_for
from tests.e2e import chromium
from tests.e2e.axe import assert_no_serious_violations, violations
from tests.e2e.chromium import needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _opened_practice_tender() -> Notice:
    """The demo's practice tender with one bid, opened by two members with their demo keys."""
    demo = load_demo()
    notice = demo.practice
    supplier = User.objects.get(email="post@fjordbygg.demo")
    _started, response = submit(api_client_for(supplier), notice, b"Tilbud: 1 450 000 kroner")
    assert response.status_code == 201
    seats = list(CommitteeMember.objects.filter(committee__notice=notice).select_related("user"))
    keys = {s.key_id: unwrap_member_key(s.wrapped_key or {}, demo_passphrase(s.user.email))
            for s in seats}
    officer = User.objects.get(email="innkjop@bergen.demo")
    tender = Tender(notice=notice, officer=officer, members=[s.user for s in seats], keys=keys)
    pass_deadline(tender)
    session = opening.opening_start(notice=notice, by=officer)
    for seat in seats[:2]:
        shares = [{**share, "share": share["share"].hex()}
                  for share in plain_shares(session, tender, seat.user)]
        opening.opening_add_shares(session=session, by=seat.user, shares=shares)
    session.refresh_from_db()
    assert session.status == OpeningStatus.OPENED
    return notice


def _context(browser: Any, base: str, user: User | None) -> Any:
    context = browser.new_context(locale="nb-NO", viewport=DESKTOP)
    context.set_default_timeout(60_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": base}])
    return context


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_main_pages_have_no_serious_accessibility_violations(
        live_server: Any, browser: Any) -> None:
    base = live_server.url
    practice = _opened_practice_tender()
    lots = Notice.objects.get(title="Rammeavtale om snekker- og tømrertjenester")
    changed = Notice.objects.get(title="Ferjedrift Tromsø–Vengsøy")
    draft = Notice.objects.filter(title__startswith="Utkast", buyer=practice.buyer).get()
    receipt = practice.submissions.get()
    pages: dict[str | None, list[str]] = {
        None: ["/", "/?q=br%C3%B8yting&cpv=90620000", f"/notices/{lots.pk}/",
               f"/notices/{changed.pk}/", "/accounts/login/"],
        "post@fjordbygg.demo": ["/inbox/", f"/bids/notices/{practice.pk}/bid/",
                                f"/bids/notices/{practice.pk}/bid/{receipt.pk}/receipt/"],
        "innkjop@bergen.demo": ["/workspace/", f"/workspace/notices/{draft.pk}/",
                                f"/bids/notices/{practice.pk}/committee/",
                                f"/bids/notices/{practice.pk}/opening/",
                                f"/bids/notices/{practice.pk}/opening/protocol/",
                                "/bids/tasks/", "/accounts/"],
        "komite3@bergen.demo": ["/bids/tasks/"],
    }
    failures = []
    for email, paths in pages.items():
        context = _context(browser, base, User.objects.get(email=email) if email else None)
        page = context.new_page()
        for path in paths:
            for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(size)
                response = page.goto(base + path)
                assert response is not None and response.ok, path
                page.wait_for_load_state("networkidle")
                try:
                    who = email or "visitor"
                    assert_no_serious_violations(page, where=f"{path} ({name}, {who})")
                except AssertionError as exc:
                    failures.append(str(exc))
                if name == "phone":  # WCAG 1.4.10 reflow: no horizontal scroll at 390 px
                    try:
                        chromium.fits(page)
                    except AssertionError as exc:
                        failures.append(f"{exc} ({who})")
            if path in (f"/notices/{lots.pk}/", f"/bids/notices/{practice.pk}/opening/protocol/",
                        "/bids/tasks/"):
                chromium.shot(page, f"a11y_{path.strip('/').replace('/', '_') or 'list'}_phone")
        context.close()
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_keyboard_reaches_and_scrolls_the_tables_on_a_phone(
        live_server: Any, browser: Any) -> None:
    """On a phone the lots table is wider than the screen: Tab reaches its labelled region
    and the arrow keys scroll it (axe-core: scrollable-region-focusable)."""
    load_demo()
    lots = Notice.objects.get(title="Rammeavtale om snekker- og tømrertjenester")
    context = _context(browser, live_server.url, None)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/notices/{lots.pk}/")
    region = page.locator(".table-scroll[role='region'][aria-label='Delkontrakter']")
    assert region.count() == 1
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "the table should scroll here"
    for _press in range(200):
        page.keyboard.press("Tab")
        if region.evaluate("e => e === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the lots table")
    for _press in range(5):
        page.keyboard.press("ArrowRight")
    # Chromium animates keyboard scrolling, so the offset grows a frame or more after the
    # key press: wait for it (the timeout fails the test) rather than read it at once.
    region.element_handle().wait_for_element_state("stable")
    page.wait_for_function(
        "() => document.querySelector("
        "\".table-scroll[aria-label='Delkontrakter']\").scrollLeft > 0",
        timeout=5000)
    chromium.shot(page, "a11y_lots_table_scrolled_phone")
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
        .filter(e => e.tabIndex !== 0 || e.getAttribute('role') !== 'region'
                     || !e.getAttribute('aria-label')).length""")
    assert unlabelled == 0
    assert not [v for v in violations(page) if v["id"] == "scrollable-region-focusable"]
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_check_runs_under_the_pages_csp_and_fails_on_a_serious_violation(
        live_server: Any, browser: Any) -> None:
    context = _context(browser, live_server.url, None)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert_no_serious_violations(page)
    page.evaluate("() => { const i = document.createElement('img'); i.src = '/static/x.png';"
                  " document.querySelector('main').append(i); }")  # no alt text: critical
    with pytest.raises(AssertionError, match="image-alt"):
        assert_no_serious_violations(page)
    context.close()
