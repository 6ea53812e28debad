"""The contract stage in real Chromium: the officer records a complaint, lifts it, records the
signed contract with its document, and the award notice appears on the public board; at phone
width, with no serious axe-core violation. Screenshots: tests/e2e/screenshots/contract_*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaluation.award.models import Contract
from notices.models import Notice, NoticeKind
from tests.e2e import chromium
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import needs_chromium
from tests.e2e.conftest import browser  # noqa: F401 (fixture)
from tests.e2e.test_bid_journeys import new_page, signed_in
from tests.evaluation.contract.conftest import send_decision

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_officer_records_the_contract_and_the_award_notice_appears(
        live_server: Any, browser: Any, cleared: Any, tmp_path: Path) -> None:  # noqa: F811
    base = live_server.url
    notice = cleared.notice
    send_decision(notice, cleared.officer, winners=[cleared.bids[0]])
    context = signed_in(browser, base, cleared.officer)
    page = new_page(context)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/evaluation/notices/{notice.pk}/lots/0/contract/")
    assert "the contract may be signed" in page.locator("#signing-status").inner_text()

    page.get_by_label("Complaint to the contracting authority").check()
    page.get_by_label("From").fill("Nordlys Renhold AS")
    page.get_by_label("Received").fill("2026-12-01")
    page.get_by_label("What it concerns").fill("Klage på evalueringen.")
    page.get_by_role("button", name="Record", exact=True).click()
    assert "Signing is suspended" in page.locator("#signing-status").inner_text()
    chromium.shot(page, "contract_suspended")
    assert_no_serious_violations(page, where="contract page, suspended")

    page.locator(".lift-form textarea").fill("Klagen ble ikke tatt til følge.")
    page.get_by_role("button", name="Lift the suspension").click()
    assert "the contract may be signed" in page.locator("#signing-status").inner_text()

    signed = tmp_path / "kontrakt.pdf"
    signed.write_bytes(b"%PDF-1.4 signert kontrakt")
    page.get_by_label("Title of the contract").fill("Rammeavtale vedlikehold")
    page.get_by_label("Value (NOK, excl. VAT)").fill("1 200 000")
    page.locator("#id_signed_on").fill("2026-12-01")
    page.locator("#id_starts_on").fill("2026-12-01")
    page.get_by_label("The signed contract").set_input_files(str(signed))
    page.get_by_role("button", name="Record the contract").click()
    assert page.locator("#contracts-table").is_visible()
    assert Contract.objects.count() == 1
    chromium.shot(page, "contract_signed")
    assert_no_serious_violations(page, where="contract page, signed")

    page.get_by_role("link", name="Open the award notice").click()
    award = Notice.objects.get(award_for=notice, kind=NoticeKind.AWARD)
    assert f"/notices/{award.pk}" in page.url
    assert page.locator("#results").is_visible()
    assert cleared.bids[0].supplier.name in page.locator("#results").inner_text()
    chromium.shot(page, "contract_award_notice")
    assert_no_serious_violations(page, where="award notice")
    assert not context.errors, context.errors
    context.close()
