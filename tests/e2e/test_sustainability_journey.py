"""Issue 14 from end to end in real Chromium: sustainable procurement, one continuous journey.

1. The procurement officer drafts a notice for workwear (CPV 18100000, the high-risk category
   "textiles") in the notice form, takes a template from the criteria library's suggestions
   for that CPV code, puts the ethical-trade terms on the notice and publishes it.
2. Two suppliers bid; the bids are sealed, opened, evaluated and awarded, and the contract is
   signed through the services (each of those steps is driven in the browser by its own
   journey: test_bid_journeys, test_evaluation_journey, test_award_journey). Signing creates
   the follow-up plan.
3. The contracted supplier finds the plan among its follow-ups and submits its self-report;
   the officer reviews and accepts it.
4. The officer plans an audit, records a finding and requires a corrective action; the
   supplier answers with its plan; the officer accepts the plan.

Each step is checked on the page and in the database; axe finds no serious violation on the
key pages at desktop and phone size; no JavaScript, CSP or SRI errors.
Screenshots: tests/e2e/screenshots/sustainability_*.png.
"""

from __future__ import annotations

import datetime
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from evaluation.audits.models import Audit, CorrectiveAction, Finding
from evaluation.contract import services as contract_services
from evaluation.ethics.models import (
    FollowUpEvent,
    FollowUpPlan,
    NoticeEthicalTerms,
    PlanStatus,
    ReportStatus,
    SelfReport,
)
from evaluation.library.models import SustainabilityClause
from evaluation.services import evaluation_start
from notices.forms import local_input
from notices.models import Notice, NoticeStatus
from tests.bids.conftest import bid_storage  # noqa: F401 (fixture)
from tests.e2e import chromium
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import needs_chromium, new_page, signed_in
from tests.evaluation.conftest import (  # noqa: F401 (fixtures)
    bid_and_open,
    declare,
    enrol_committee,
    members,
    private_storage_dir,
)
from tests.evaluation.contract.conftest import Awarded, send_decision, sign_kwargs

pytestmark = [pytest.mark.e2e, needs_chromium]

DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 390, "height": 844}
TEMPLATE = "Textiles without hazardous substances"


def check(page: Any, name: str) -> None:
    """axe at desktop and phone size, a screenshot of each, the page left at desktop size."""
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        assert_no_serious_violations(page, where=f"{name} ({size})")
        chromium.shot(page, f"sustainability_{name}_{size}")
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_workwear_tender_goes_from_the_library_to_a_corrective_action(
        live_server: Any, browser: Any, officer: Any, authority: Any, members: Any,  # noqa: F811
        supplier: Any, supplier_user: Any, other_supplier: Any,
        other_supplier_user: Any) -> None:
    base = live_server.url
    buyer = signed_in(browser, base, officer)
    page = new_page(buyer)

    # --- 1. The notice form: the draft, a library template, the terms, publishing --------
    page.goto(f"{base}/workspace/notices/new/")
    now = timezone.now()
    page.locator("#id_kind").select_option("national")
    page.locator("#id_title").fill("Arbeidsklær til driftsavdelingen")
    page.locator("#id_description").fill("Bergen kommune skal kjøpe arbeidsklær og verneklær.")
    page.locator("#id_contract_type").select_option("supplies")  # eForms: fits CPV 18
    page.locator("#id_procedure_type").select_option("open")
    page.locator("#id_cpv_main").fill("18100000")
    page.locator("#id_nuts").fill("NO0A2")
    page.locator("#id_estimated_value").fill("1 500 000")
    page.locator("#id_submission_deadline").fill(local_input(now + timedelta(days=25)))
    page.locator("#id_question_deadline").fill(local_input(now + timedelta(days=15)))
    page.get_by_role("button", name="Save and preview").click()
    page.wait_for_url("**/workspace/notices/*/")
    notice = Notice.objects.get()
    assert notice.status == NoticeStatus.DRAFT and notice.cpv_main == "18100000"

    page.goto(f"{base}/workspace/notices/{notice.pk}/evaluation-model/")
    panel = page.locator("#library")
    assert panel.get_by_role("heading", name="Suggestions from the criteria library"
                             ).is_visible()
    # Suggested by the CPV code: the textile templates, not those of other areas.
    assert panel.get_by_role("heading", name=TEMPLATE).is_visible()
    assert panel.get_by_text("TCO Certified").count() == 0
    check(page, "01-library-suggestions")
    panel.get_by_role("button", name=f"Add to the notice – {TEMPLATE}").click()
    page.wait_for_url("**/evaluation-model/#library")
    assert page.get_by_text("From the criteria library: textiles-ecolabel, version 1"
                            ).first.is_visible()
    clause = SustainabilityClause.objects.get(notice=notice)
    assert (clause.template_key, clause.template_version) == ("textiles-ecolabel", 1)

    page.goto(f"{base}/workspace/notices/{notice.pk}/")
    page.get_by_role("link", name="Ethical trade").first.click()
    page.wait_for_url("**/ethical-trade/")
    assert "Textiles, clothing and footwear" in page.locator("#offered-terms").inner_text()
    check(page, "02-ethical-terms-offered")
    page.get_by_role("button", name="Add the terms to the notice").click()
    page.wait_for_url("**/ethical-trade/")
    assert page.get_by_text("The ethical-trade terms are part of the notice.").is_visible()
    assert page.locator("#chosen-terms").is_visible()
    chosen = NoticeEthicalTerms.objects.get(notice=notice)
    assert chosen.category.code == "textiles" and chosen.terms.key == "ethical-trade"

    # Sealed bids need the committee's keys before the notice is published.
    keys = enrol_committee(notice, officer=officer, members=members)
    page.goto(f"{base}/workspace/notices/{notice.pk}/")
    page.locator("#publish-button").click()
    page.wait_for_url(f"**/notices/{notice.pk}/")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    public = page.locator("main").inner_text()
    assert TEMPLATE in public
    assert "Contract terms for ethical trade" in public
    check(page, "03-published-notice")

    # --- 2. Bids, opening, evaluation, award and contract (driven elsewhere) -------------
    tender = bid_and_open(notice, officer=officer, members=members, keys=keys, bidders=[
        (supplier, supplier_user, {"tilbud.pdf": b"%PDF tilbud arbeidsklaer"}),
        (other_supplier, other_supplier_user, {"offer.pdf": b"%PDF offer"})])
    evaluation_start(notice=tender.notice, by=officer)
    declare(tender.notice, officer, tender.member)
    decision = send_decision(tender.notice, officer, winners=[tender.bids[0]])
    contract = contract_services.contract_sign(**sign_kwargs(
        Awarded(tender=tender, decision=decision), title="Rammeavtale arbeidsklær"))
    plan = FollowUpPlan.objects.get(contract=contract)
    assert plan.status == PlanStatus.ACTIVE and plan.category.code == "textiles"
    plan_url = f"{base}/follow-ups/{plan.pk}/"

    # --- 3. The self-report and its review ------------------------------------------------
    seller = signed_in(browser, base, supplier_user)
    spage = new_page(seller)
    spage.goto(f"{base}/follow-ups/")
    check(spage, "04-supplier-follow-ups")
    spage.get_by_role("link", name="Rammeavtale arbeidsklær").click()
    spage.wait_for_url(plan_url)
    assert "Textiles, clothing and footwear" in spage.locator("#plan-facts").inner_text()
    spage.get_by_label("Policy and routines for due diligence").fill(
        "Skriftlige retningslinjer for aktsomhetsvurderinger, vedtatt av styret.")
    spage.get_by_label("Risk analysis: the risks in the supply chain and what you do about "
                       "them").fill("Bomull fra områder med risiko for tvangsarbeid.")
    spage.get_by_label("Supplier or subcontractor 1").fill("Dhaka Garments Ltd")
    spage.get_by_label("Country (two letters) 1").fill("BD")
    spage.get_by_label("What it produces, or its stage 1").fill("Sying")
    check(spage, "05-self-report-form")
    spage.get_by_role("button", name="Submit the self-report").click()
    spage.wait_for_url(plan_url)
    assert spage.get_by_text("The self-report is submitted.").is_visible()
    report = SelfReport.objects.get(plan=plan)
    assert report.status == ReportStatus.SUBMITTED
    assert report.supply_chain[0]["country"] == "BD"

    page.goto(f"{base}/follow-ups/")
    page.get_by_role("link", name="Rammeavtale arbeidsklær").click()
    page.wait_for_url(plan_url)
    assert page.get_by_role("rowheader", name="Dhaka Garments Ltd").is_visible()
    check(page, "06-officer-review")
    page.get_by_role("button", name="Accept the self-report").click()
    page.wait_for_url(plan_url)
    assert SelfReport.objects.get(plan=plan).status == ReportStatus.ACCEPTED
    assert FollowUpEvent.objects.filter(plan=plan).count() >= 2

    # --- 4. The audit, the finding and the corrective action -----------------------------
    page.get_by_role("link", name="Open the audits of this follow-up").click()
    page.wait_for_url(f"**/follow-ups/{plan.pk}/audits/")
    check(page, "07-plan-audits")
    page.select_option("#id_kind", "on_site")
    page.select_option("#id_performed_by", "third_party")
    page.fill("#id_auditor_name", "Revisjon AS")
    page.fill("#id_planned_on", datetime.date.today().isoformat())
    page.fill("#id_purpose", "Risk of forced labour at the sewing factory.")
    page.get_by_role("button", name="Plan the audit").click()
    page.wait_for_load_state()
    audit = Audit.objects.get(plan=plan)
    assert audit.auditor_name == "Revisjon AS"
    page.get_by_role("link", name="On-site audit").first.click()
    page.wait_for_url(f"**/audits/{audit.pk}/")
    page.fill("#description", "Overtime without pay at the sewing factory.")
    page.select_option("#severity", "major")
    page.get_by_role("button", name="Record the finding").click()
    page.wait_for_load_state()
    finding = Finding.objects.get(audit=audit)
    assert finding.severity == "major"
    page.locator("textarea[name=requirement]").fill("Pay the overtime owed.")
    page.locator("input[name=deadline]").fill(
        (datetime.date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Require a corrective action").click()
    page.wait_for_load_state()
    assert page.get_by_text("Pay the overtime owed.").is_visible()
    action = CorrectiveAction.objects.get(finding=finding)
    assert action.status == "requested"
    check(page, "08-officer-audit")

    spage.goto(plan_url)
    spage.get_by_role("link", name="On-site audit").first.click()
    spage.wait_for_url(f"**/audits/{audit.pk}/")
    assert spage.get_by_text("Pay the overtime owed.").is_visible()
    spage.get_by_label("Your corrective action plan").fill(
        "Back pay in January; hours recorded electronically from February.")
    spage.get_by_role("button", name="Send the plan").click()
    spage.wait_for_load_state()
    assert spage.get_by_text("Plan proposed").is_visible()
    action.refresh_from_db()
    assert action.status == "proposed" and action.proposal.startswith("Back pay")
    check(spage, "09-supplier-audit")

    page.reload()
    page.get_by_role("button", name="Accept the plan").click()
    page.wait_for_load_state()
    action.refresh_from_db()
    assert action.status == "accepted"
    check(page, "10-plan-accepted")

    # --- 5. The supplier reports the action done; the officer accepts and it closes -------
    spage.reload()
    spage.get_by_label("What was done (completion report)").fill(
        "Overtime paid to 212 workers on 15 January; payslips attached to the audit file.")
    spage.get_by_role("button", name="Report the corrective action done").click()
    spage.wait_for_load_state()
    action.refresh_from_db()
    assert action.status == "reported" and action.completion_report.startswith("Overtime")
    assert spage.get_by_text("Overtime paid to 212 workers").is_visible()
    check(spage, "11-supplier-reported")
    page.reload()
    page.get_by_label("Answer (required when you ask for more)").fill("Checked the payslips.")
    page.get_by_role("button", name="Accept the report and close the action").click()
    page.wait_for_load_state()
    action.refresh_from_db()
    assert action.status == "closed" and action.closed_via == "report"
    check(page, "12-action-closed")
    assert buyer.errors == [] and seller.errors == []
