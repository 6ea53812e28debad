"""Ethical-trade follow-up in real Chromium: the contracted supplier writes and submits the
self-report (an error first, shown next to its field), the officer asks for more, the
supplier submits again and the officer accepts. axe finds no serious violation on the plan
page; no JavaScript or CSP errors.

The signed contract with its follow-up plan comes from the fixtures of
tests/evaluation/ethics (the terms on the notice, the contract recorded by its service)."""

from __future__ import annotations

from typing import Any

import pytest

from evaluation.ethics.models import FollowUpPlan, ReportStatus, SelfReport
from tests.bids.conftest import bid_storage  # noqa: F401 (fixture)
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import needs_chromium, new_page, shot, signed_in
from tests.evaluation.conftest import (  # noqa: F401 (fixtures)
    cleared,
    members,
    opened,
    private_storage_dir,
    started,
)
from tests.evaluation.ethics.conftest import awarded, plan, sign  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_supplier_reports_and_the_officer_reviews(live_server: Any, browser: Any,
                                                      plan: FollowUpPlan, officer: Any,  # noqa: F811
                                                      supplier_user: Any) -> None:
    url = f"{live_server.url}/follow-ups/{plan.pk}/"
    supplier = signed_in(browser, live_server.url, supplier_user)
    page = new_page(supplier)
    page.goto(f"{live_server.url}/follow-ups/")
    page.get_by_role("link", name=plan.contract.title).click()
    page.wait_for_url(url)
    page.get_by_label("Policy and routines for due diligence").fill("Skriftlige retningslinjer.")
    page.get_by_label("Risk analysis: the risks in the supply chain and what you do about "
                      "them").fill("Bomull fra områder med tvangsarbeid.")
    page.get_by_label("Supplier or subcontractor 1").fill("Dhaka Garments Ltd")
    page.get_by_label("Country (two letters) 1").fill("B1")  # the field holds two characters
    page.get_by_label("What it produces, or its stage 1").fill("Sying")
    page.get_by_role("button", name="Submit the self-report").click()
    summary = page.locator(".error-summary").inner_text()
    assert "two-letter code" in summary, summary
    assert_no_serious_violations(page)
    page.get_by_label("Country (two letters) 1").fill("BD")
    page.get_by_role("button", name="Submit the self-report").click()
    page.wait_for_url(url)
    assert page.get_by_text("The self-report is submitted.").is_visible()
    assert SelfReport.objects.get(plan=plan).status == ReportStatus.SUBMITTED

    buyer = signed_in(browser, live_server.url, officer)
    page2 = new_page(buyer)
    page2.goto(url)
    assert page2.get_by_role("rowheader", name="Dhaka Garments Ltd").is_visible()
    assert_no_serious_violations(page2)
    shot(page2, "ethics-01-officer-reviews")
    page2.get_by_label("What more must the supplier report?").fill("Oppgi fabrikkens adresse.")
    page2.get_by_role("button", name="Ask for more").click()
    page2.wait_for_url(url)
    assert SelfReport.objects.get(plan=plan).status == ReportStatus.RETURNED

    page.goto(url)
    assert page.get_by_text("Oppgi fabrikkens adresse.").first.is_visible()
    page.get_by_role("button", name="Submit the self-report").click()
    page.wait_for_url(url)
    page2.goto(url)
    page2.get_by_role("button", name="Accept the self-report").click()
    page2.wait_for_url(url)
    assert SelfReport.objects.get(plan=plan).status == ReportStatus.ACCEPTED
    shot(page2, "ethics-02-accepted")
    assert supplier.errors == [] and buyer.errors == []
