"""The ESPD in real Chromium: a supplier answers the ESPD questions on the bid page, seals the
bid, and after the opening the committee reads the answers requirement by requirement; a
second supplier attaches a response made elsewhere (checked on the page), sealed the same way.
Screenshots: tests/e2e/screenshots/espd_*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bids.opening import services as opening
from bids.opening.models import OpenedBid, OpeningStatus
from evaluation.espd.selectors import espd_answers_for, espd_document_for
from tests.bids.test_opening import pass_deadline, send, setup_tender
from tests.e2e import chromium
from tests.e2e.chromium import needs_chromium, new_page, signed_in
from tests.evaluation.espd_support import EXAMPLE_RESPONSE, add_requirements

pytestmark = [pytest.mark.e2e, needs_chromium]


def seal(page: Any, tmp_path: Path, name: str) -> None:
    offer = tmp_path / name
    offer.write_bytes(b"%PDF-1.4 tilbud")
    page.get_by_label("Files of your bid").set_input_files([str(offer)])
    page.get_by_role("button", name="Seal and submit").click()
    page.wait_for_selector("#verify-result[data-verified='true']")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_supplier_answers_the_espd_and_the_committee_reads_it_after_opening(
        live_server: Any, browser: Any, make_notice: Any, officer: Any, authority: Any,
        supplier: Any, supplier_user: Any, other_supplier: Any, other_supplier_user: Any,
        tmp_path: Path, django_capture_on_commit_callbacks: Any) -> None:
    base = live_server.url
    tender = setup_tender(make_notice, officer, authority)
    add_requirements(tender.notice)

    # 1. Answer on the bid page: no conviction, taxes paid, turnover with its period.
    context = signed_in(browser, base, supplier_user)
    page = new_page(context)
    page.goto(f"{base}/bids/notices/{tender.notice.pk}/bid/")
    crime = page.locator("[data-espd-criterion='crime-org']")
    crime.locator("fieldset[data-espd-id='C1_EG_crime-org/QG1/Q1']").get_by_label(
        "No").check()
    # Follow-up questions ("If yes: date of conviction") show only after a yes.
    conviction = page.locator(".espd-question[data-id='C1_EG_crime-org/QG1/QSG1/Q1']")
    assert conviction.is_hidden()
    crime.locator("fieldset[data-espd-id='C1_EG_crime-org/QG1/Q1']").get_by_label(
        "Yes").check()
    assert conviction.is_visible()
    crime.locator("fieldset[data-espd-id='C1_EG_crime-org/QG1/Q1']").get_by_label(
        "No").check()
    assert conviction.is_hidden()
    page.locator("[data-espd-criterion='tax-pay'] summary").click()
    page.locator("fieldset[data-espd-id='C7_EG_tax-pay/RG1/QSG1/Q1']").get_by_label("No").check()
    page.locator("[data-espd-criterion='gen-year-to'] summary").click()
    page.locator("[data-espd-id='C29_SC_gen-year-to/RG1/RSG1/QSG2/Q2'] [data-part=amount]"
                 ).fill("7500000")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my ESPD response (XML)").click()
    xml = Path(download.value.path()).read_bytes()
    assert b"QualificationApplicationResponse" in xml
    chromium.shot(page, "espd_1_bid_page_answers")
    seal(page, tmp_path, "tilbud.pdf")
    chromium.shot(page, "espd_2_bid_sealed")
    assert context.errors == []
    context.close()

    # 2. Another supplier attaches a response made in another tool and checks it first.
    context = signed_in(browser, base, other_supplier_user)
    page = new_page(context)
    page.goto(f"{base}/bids/notices/{tender.notice.pk}/bid/")
    page.get_by_label("Attach a response made in another ESPD tool").check()
    page.get_by_label("ESPD response (XML)").set_input_files(str(EXAMPLE_RESPONSE))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("#espd-status[data-kind='ok']")
    chromium.shot(page, "espd_3_checked_upload")
    seal(page, tmp_path, "offer.pdf")
    assert context.errors == []
    context.close()

    # 3. The opening, then the committee's reading.
    pass_deadline(tender)
    session = opening.opening_start(notice=tender.notice, by=officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED, session.error
    first = OpenedBid.objects.get(session=session, submission__supplier=supplier)
    assert sorted(f["name"] for f in first.files) == ["espd-response.xml", "tilbud.pdf"]
    answers = {a.criterion_code: a for a in espd_answers_for(first)}
    assert answers["crime-org"].main_answer is False
    assert answers["tax-pay"].main_answer is False
    assert [v.value for v in answers["gen-year-to"].values] == ["7500000 NOK"]
    second = OpenedBid.objects.get(session=session, submission__supplier=other_supplier)
    document = espd_document_for(second)
    assert document.found and document.filename == "espd-response.xml"
    assert espd_answers_for(second, document=document)[0].main_answer is True
