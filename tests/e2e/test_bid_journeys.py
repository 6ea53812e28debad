"""Issue 5 in real Chromium: keys, a sealed bid with its receipt, and the opening.

1. Three committee members enrol their keys on the enrolment page (generated and wrapped in
   the browser; the passphrase never leaves it). The notice is published.
2. A supplier seals two files in the bid page (progress bars), uploads them in parts, gets the
   signed receipt, verifies it in the browser, downloads it (Python verifies it too) and reads
   the receipt page. A second supplier bids through the services.
3. The deadline passes (moved to the database's "now" through the ORM: no sleeping). The
   procurement officer starts the opening; two members each unlock their key with the
   passphrase and send their shares from the opening page; the bids open; a member downloads
   the protocol (PDF) and an opened file.
Screenshots: tests/e2e/screenshots/bids_*.png.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accounts.models import Role
from bids import committee as committee_services
from bids.keys import platform_public_key_hex
from bids.models import BidEvent, Submission, SubmissionStatus
from bids.opening.models import OpeningSession, OpeningStatus
from crypto.receipts import verify_receipt
from notices import services
from tests.bids.test_opening import Tender, pass_deadline, submit
from tests.conftest import make_user
from tests.e2e import chromium
from tests.e2e.chromium import needs_chromium, new_page, signed_in

PASSPHRASES = ["fjord og fjell og 3 grønne epler", "sju sterke sjømenn seiler sør",
               "ingen gjetter denne frasen lett"]
MARKER = b"E2E-PRICE-MARKER-41"

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]



def shot(page: Any, name: str) -> None:
    chromium.shot(page, f"bids_{name}")




@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bid_is_sealed_received_and_opened_by_two_members(
        live_server: Any, browser: Any, make_notice: Any, officer: Any, authority: Any,
        supplier: Any, supplier_user: Any, other_supplier: Any, other_supplier_user: Any,
        tmp_path: Path) -> None:
    from datetime import timedelta

    from django.utils import timezone

    base = live_server.url
    start = timezone.now() - timedelta(days=20)
    notice = make_notice(publish=False, at=start)
    members = [make_user(f"member{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
               for i in range(1, 4)]
    committee = committee_services.committee_configure(
        notice=notice, by=officer, members=members, k=2, now=start).committee

    # 1. Each member enrols a key in the browser.
    for i, (user, seat) in enumerate(zip(members, committee.members.order_by("pk"),
                                         strict=True)):
        context = signed_in(browser, base, user)
        page = new_page(context)
        page.goto(f"{base}/bids/notices/{notice.pk}/committee/{seat.pk}/key/")
        page.get_by_label("Passphrase", exact=True).fill(PASSPHRASES[i])
        page.get_by_label("Passphrase again").fill(PASSPHRASES[i])
        page.get_by_role("button", name="Generate and enrol my key").click()
        page.wait_for_selector("#enrol-status[data-kind='ok']")
        if i == 0:
            shot(page, "1_enrol_key")
        assert context.errors == []
        context.close()
    for seat in committee.members.all():
        assert seat.has_key and seat.wrapped_key["iterations"] >= 600_000
        assert PASSPHRASES[0] not in json.dumps(seat.wrapped_key)
    notice = services.notice_publish(notice=notice, by=officer, now=start)
    committee_services.manifest_ensure(notice=notice, now=start)
    officer_ctx = signed_in(browser, base, officer)
    page = new_page(officer_ctx)
    page.goto(f"{base}/bids/notices/{notice.pk}/committee/")
    shot(page, "2_committee")

    # 2. A supplier seals and uploads two files, with progress, and verifies the receipt.
    offer = tmp_path / "tilbud.pdf"
    offer.write_bytes(b"%PDF-1.4 " + MARKER + bytes(range(256)) * (10 * 4096 + 7))  # ~10 MiB
    prices = tmp_path / "prisskjema.csv"
    prices.write_text("linje;pris\n1;1000000\n", encoding="utf-8")
    supplier_ctx = signed_in(browser, base, supplier_user)
    page = new_page(supplier_ctx)
    response = page.goto(f"{base}/bids/notices/{notice.pk}/bid/")
    # The page runs under the CSP, and its scripts (pinned by SRI and the import map) run.
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    assert page.locator("script[type=module][integrity^='sha384-']").count() == 1
    # Functions, not strings: a string predicate runs through eval, which the CSP refuses.
    page.wait_for_function("() => document.getElementById('countdown').textContent"
                           ".includes(':')")
    page.get_by_label("Files of your bid").set_input_files([str(offer), str(prices)])
    shot(page, "3_bid_page")
    page.get_by_role("button", name="Seal and submit").click()
    page.wait_for_selector("#verify-result[data-verified='true']")
    assert page.eval_on_selector("#seal-progress", "e => e.value") == 100
    assert page.eval_on_selector("#upload-progress", "e => e.value") == 100
    assert page.is_hidden("#speed-warning")
    shot(page, "4_bid_received")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the signed receipt (JSON)").click()
    signed = json.loads(Path(download.value.path()).read_text())
    receipt = verify_receipt(signed, bytes.fromhex(platform_public_key_hex()))
    sub = Submission.objects.get(pk=receipt["submission"])
    assert sub.status == SubmissionStatus.SEALED and sub.parts.count() == 3  # 4 MiB parts
    assert receipt["size"] == sub.size > 10 * 1024 * 1024 and receipt["sealing"] == "client"
    page.get_by_role("link", name="Readable receipt").click()
    page.wait_for_selector("#receipt-verify[data-verified='true']")
    shot(page, "5_receipt")
    assert supplier_ctx.errors == []

    tender = Tender(notice=notice, officer=officer, members=members, keys={})
    submit(tender, other_supplier, other_supplier_user, {"offer.txt": b"Price: 990 000 NOK"})

    # 3. After the deadline the officer starts the opening; two members send their shares.
    pass_deadline(tender)
    page = new_page(officer_ctx)
    page.goto(f"{base}/bids/notices/{notice.pk}/opening/")
    page.get_by_role("button", name="Start the opening").click()
    page.wait_for_selector("#opening")
    for i in (0, 2):
        context = signed_in(browser, base, members[i])
        member_page = new_page(context)
        member_page.goto(f"{base}/bids/notices/{notice.pk}/opening/")
        member_page.get_by_label("Your passphrase").fill(PASSPHRASES[i])
        member_page.get_by_role("button", name="Open my shares and send them").click()
        member_page.wait_for_selector("#member-status[data-kind='ok']")
        if i == 0:
            shot(member_page, "6_member_sent_shares")
        else:
            member_page.wait_for_selector("#log-check.verify-ok")  # the page reloads when done
            shot(member_page, "7_opened")
            with member_page.expect_download() as pdf:
                member_page.get_by_role("link", name="Download the protocol (PDF)").click()
            assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
            # Impartiality first: the member declares no conflict, then reads the bids.
            member_page.get_by_role("link", name="Declare impartiality").click()
            member_page.get_by_label("I have no conflict of interest in this procurement").check()
            member_page.get_by_role("button", name="Declare", exact=True).click()
            member_page.wait_for_selector("#my-declaration")
            member_page.goto(f"{base}/bids/notices/{notice.pk}/opening/")
            with member_page.expect_download() as opened_file:
                member_page.get_by_role("link", name="tilbud.pdf").click()
            assert MARKER in Path(opened_file.value.path()).read_bytes()
            member_page.get_by_role("link", name="Opening protocol").click()
            member_page.wait_for_selector("#protocol-bids")
            shot(member_page, "8_protocol")
        assert context.errors == []
        context.close()
    session = OpeningSession.objects.get(notice=notice)
    assert session.status == OpeningStatus.OPENED and session.bids_done == 2
    assert session.log_check["ok"]
    assert BidEvent.objects.filter(kind="opened.read", by=members[2]).count() == 1
    # The officer's page reloads itself when the opening finishes; wait for that rather than
    # reloading on top of it (two navigations at once detach the page).
    page.wait_for_selector("#log-check.verify-ok", timeout=60_000)
    shot(page, "9_officer_view")
    assert officer_ctx.errors == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bid_page_warns_when_the_upload_will_not_finish_in_time(
        live_server: Any, browser: Any, make_notice: Any, officer: Any, authority: Any,
        supplier: Any, supplier_user: Any, tmp_path: Path) -> None:
    """Upload throttled to 1 MiB/s; the browser's clock is moved to 8 s before the deadline
    while the upload runs: the page warns, and the bid still gets its receipt (the server's
    clock decides, and its deadline is a day away)."""
    from datetime import timedelta

    from tests.bids.test_opening import setup_tender

    tender = setup_tender(make_notice, officer, authority)
    deadline = tender.notice.submission_deadline
    offer = tmp_path / "stort-tilbud.bin"
    offer.write_bytes(bytes(range(256)) * (9 * 4096))  # 9 MiB: three upload parts
    context = signed_in(browser, live_server.url, supplier_user)
    page = new_page(context)
    page.clock.install()
    page.goto(f"{live_server.url}/bids/notices/{tender.notice.pk}/bid/")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": -1,
        "uploadThroughput": 1024 * 1024})
    page.get_by_label("Files of your bid").set_input_files([str(offer)])
    page.get_by_role("button", name="Seal and submit").click()
    page.clock.set_system_time(deadline - timedelta(seconds=8))
    page.wait_for_selector("#speed-warning:not([hidden])")
    warning = page.inner_text("#speed-warning")
    assert "will probably not finish in time" in warning
    shot(page, "10_upload_too_slow_warning")
    page.wait_for_selector("#verify-result[data-verified='true']")
    assert context.errors == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_interrupted_upload_resumes_after_a_reload(
        live_server: Any, browser: Any, make_notice: Any, officer: Any, authority: Any,
        supplier: Any, supplier_user: Any, tmp_path: Path) -> None:
    """The tab reloads mid-upload: the page finds the sealed blob in the browser's own
    storage, asks the server which parts it has, sends only the rest, and gets the receipt."""
    from tests.bids.test_opening import setup_tender

    tender = setup_tender(make_notice, officer, authority)
    offer = tmp_path / "tilbud.bin"
    offer.write_bytes(bytes(range(256)) * (9 * 4096))  # 9 MiB: three upload parts
    context = signed_in(browser, live_server.url, supplier_user)
    page = new_page(context)
    page.goto(f"{live_server.url}/bids/notices/{tender.notice.pk}/bid/")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": -1,
        "uploadThroughput": 1024 * 1024})
    page.get_by_label("Files of your bid").set_input_files([str(offer)])
    page.get_by_role("button", name="Seal and submit").click()
    page.wait_for_function("() => document.getElementById('upload-progress').value > 0")
    url = page.url
    for attempt in range(3):  # leaving mid-request may abort the first navigation
        try:
            page.goto(url)
            break
        except Exception:
            if attempt == 2:
                raise
    page.wait_for_selector("#resume-box:not([hidden])")
    shot(page, "11_resume_offer")
    sub = Submission.objects.get(notice=tender.notice, supplier=supplier)
    assert sub.status == SubmissionStatus.UPLOADING
    stored_before = sub.parts.count()
    assert stored_before >= 1
    page.get_by_role("button", name="Resume the upload").click()
    page.wait_for_selector("#verify-result[data-verified='true']")
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SEALED and sub.parts.count() == 3
    first = BidEvent.objects.filter(submission=sub, kind="submission.part_received",
                                    data__index=0)
    assert first.count() == 1  # part 0 was not sent again
    assert page.evaluate("localStorage.length") == 0
    shot(page, "12_resumed_receipt")
    assert context.errors == []
