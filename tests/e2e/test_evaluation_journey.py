"""Issue 10 in real Chromium: from opened bids to a ranked lot with its sensitivity.

Setup through the services: a tender with a two-member committee, published award criteria
(price 40 % linear, quality 40 %, climate 20 %) and one qualification requirement, three bids
(one with a structured price form), the deadline passed and the bids opened by the two members.

In the browser:
0. On the evaluation overview the officer starts the evaluation; the officer and both members
   declare no conflict of interest. Member 1 records "meets the requirement" on each bid's
   page; the officer completes the qualification of the lot, which moves it to scoring.
1. The procurement officer reads one bid's price form and enters the two other prices with
   the file each was read from.
2. Member 1 scores blind: saves a draft, then submits; the officer sees only who submitted.
   Member 2 sees an empty sheet (nothing of member 1's), scores differently, and submits:
   the lot moves to consensus.
3. The consensus page shows both members' scores with the divergence flag; member 1 records
   the consensus with a justification for each offer and criterion.
4. Member 2 computes the ranking: the ranking, the tie-break rule and the sensitivity appear.
Screenshots: tests/e2e/screenshots/evaluation_*.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Role
from bids.opening import services as opening
from evaluation.criteria import services as criteria_services
from evaluation.models import EvaluationStatus, ImpartialityDeclaration, LotEvaluation
from evaluation.qualification.models import RequirementAssessment
from evaluation.scores.models import ConsensusScore, IndividualScore, PriceEntry
from tests.bids.test_opening import pass_deadline, send, setup_tender, submit
from tests.conftest import make_org, make_user
from tests.e2e import chromium
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import fill_sheet, needs_chromium, new_page, signed_in
from tests.evaluation.scores.conftest import (
    PRICES_JSON,
    SUPPLIERS,
    add_criteria,
)

pytestmark = [pytest.mark.e2e, needs_chromium]

MEMBER_1_REASON = "Medlem 1: grundig plan for bemanning og framdrift, tydelige rutiner."
REQUIREMENT = "Tilfredsstillende økonomisk kapasitet"
MEMBER_2_REASON = "Medlem 2: planen er generell og mangler konkrete tiltak for avvik."


def shot(page: Any, name: str) -> None:
    chromium.shot(page, f"evaluation_{name}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_members_score_blind_agree_and_the_ranking_appears(
        live_server: Any, browser: Any, make_notice: Any, officer: Any, authority: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    base = live_server.url
    tender = setup_tender(make_notice, officer, authority, n=2, k=2)
    notice = tender.notice
    criteria = add_criteria(notice, officer)
    criteria_services.evaluation_model_change_publish(
        notice=notice, by=officer, reason="Kvalifikasjonskravet er fastsatt.",
        requirements=[{"category": "economic", "title": REQUIREMENT, "espd_code": "",
                       "description": "Leverandøren skal ha økonomisk stabilitet.",
                       "documentation": "Årsregnskap for de to siste årene."}])
    for i, name in enumerate(SUPPLIERS[:3]):
        org = make_org("supplier", name)
        user = make_user(f"bidder{i}@supplier{i}.example", org, Role.SUPPLIER_ADMIN)
        files = {"tilbud.pdf": b"%PDF-1.4 tilbud " + name.encode()}
        if i == 0:
            files["prices.json"] = PRICES_JSON
        else:
            files["prisskjema.pdf"] = b"%PDF-1.4 prisskjema"
        submit(tender, org, user, files)
    pass_deadline(tender)
    session = opening.opening_start(notice=notice, by=officer)
    for member in tender.members:
        send(session, tender, member, django_capture_on_commit_callbacks)
    overview = f"{base}/evaluation/notices/{notice.pk}/"
    lot = f"{base}/evaluation/notices/{notice.pk}/lots/0"
    suppliers = SUPPLIERS[:3]
    points_criteria = [criteria["quality"].name, criteria["climate"].name]

    # 0. The evaluation core: start, declarations, qualification.
    officer_ctx = signed_in(browser, base, officer)
    page = new_page(officer_ctx)
    page.goto(overview)
    page.locator("#start-evaluation").click()
    page.wait_for_selector("#lots-table")
    member_pages = []
    for member in tender.members:
        context = signed_in(browser, base, member)
        member_pages.append((context, new_page(context)))
    for p in (page, *(mp for _, mp in member_pages)):
        p.goto(overview)
        p.get_by_label("I have no conflict of interest in this procurement").check()
        p.locator("#declare-form").get_by_role("button", name="Declare").click()
        p.wait_for_selector("#my-declaration.message--success")
    assert ImpartialityDeclaration.objects.filter(notice=notice, has_conflict=False).count() == 3
    page.reload()
    assert "Not declared yet" not in page.locator("#declarations").inner_text()
    assert_no_serious_violations(page)
    shot(page, "0_overview_declarations")
    ctx1, page1 = member_pages[0]
    for bid in tender.bids:
        page1.goto(f"{overview}bids/{bid.pk}/")
        block = page1.locator(".requirement", has_text=REQUIREMENT)
        block.get_by_label("Meets the requirement").check()
        block.get_by_label("Reason").fill("Årsregnskapene viser sunn økonomi.")
        block.get_by_label("Document in the bid").select_option("tilbud.pdf")
        with page1.expect_navigation():
            block.get_by_role("button", name="Record the verdict").click()
        page1.wait_for_selector(".message--success")
    assert RequirementAssessment.objects.filter(verdict="pass").count() == 3
    page.goto(f"{lot}/")
    assert page.locator("#qualification-matrix .verdict--pass").count() == 3
    assert_no_serious_violations(page)
    shot(page, "0_qualification")
    with page.expect_navigation():
        page.locator("#complete-qualification").click()
    page.wait_for_selector(".message--success")
    evaluation = LotEvaluation.objects.get(notice=notice, lot_number=0)
    assert evaluation.status == EvaluationStatus.SCORING

    # 1. Prices: the price form of the first bid, the two others entered by hand.
    officer_ctx = signed_in(browser, base, officer)
    page = new_page(officer_ctx)
    page.goto(f"{lot}/prices/")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Read prices.json from {suppliers[0]}").click()
    page.wait_for_selector(".message--success")
    for i, amount in ((1, "1 100 000"), (2, "980 000,50")):
        page.get_by_label(f"Price of {suppliers[i]} for Pris (NOK)").fill(amount)
        row = page.locator(f"#price-{tender.bids[i].pk}-{criteria['price'].pk}")
        row.get_by_label("Read from the file").select_option("prisskjema.pdf")
        row.get_by_label("Where in the file (optional)").fill("side 2, sum eks. mva.")
        with page.expect_navigation():
            row.get_by_role("button", name="Save the price").click()
        page.wait_for_selector(".message--success")
    assert PriceEntry.objects.count() == 3
    assert "NOK 980,000.50" in page.content()
    shot(page, "1_prices")

    # 2. Blind scoring. Member 1 saves a draft, then submits.
    page1.goto(f"{lot}/scores/")
    assert page1.locator("#blind-banner").is_visible()
    fill_sheet(page1, suppliers, points_criteria, {(0, 0): "9", (1, 0): "4", (2, 0): "6"},
               MEMBER_1_REASON)
    with page1.expect_navigation():
        page1.get_by_role("button", name="Save draft").click()
    page1.wait_for_selector(".message--success")
    assert page1.get_by_label(f"Points for {suppliers[0]} on {points_criteria[0]}",
                              exact=True).input_value() == "9.00"
    shot(page1, "2_member1_draft")
    page1.get_by_role("button", name="Submit my scores (locks them)").click()
    page1.wait_for_selector("#sheet-locked")
    assert IndividualScore.objects.filter(sheet__submitted_at__isnull=False).count() == 6
    # The officer sees who has submitted, and no score.
    page.goto(f"{lot}/scores/")
    assert "Medlem 1" not in page.content()
    shot(page, "3_officer_progress")
    # Member 2 sees an empty sheet: nothing of member 1's scores or reasons.
    ctx2, page2 = member_pages[1]
    page2.goto(f"{lot}/scores/")
    assert "Medlem 1" not in page2.content()
    assert page2.get_by_label(f"Points for {suppliers[0]} on {points_criteria[0]}",
                              exact=True).input_value() == ""
    page2.goto(f"{lot}/consensus/")
    assert page2.locator("#blind-banner").is_visible() and "Medlem 1" not in page2.content()
    page2.goto(f"{lot}/scores/")
    fill_sheet(page2, suppliers, points_criteria, {(0, 0): "5", (1, 0): "4", (2, 0): "7"},
               MEMBER_2_REASON)
    shot(page2, "4_member2_blind_sheet")
    page2.get_by_role("button", name="Submit my scores (locks them)").click()
    page2.wait_for_selector("#unblinded")
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.CONSENSUS

    # 3. Consensus: both members' scores, the divergence flag (9 against 5 on quality).
    page1.goto(f"{lot}/consensus/")
    content = page1.content()
    assert "Medlem 1" in content and "Medlem 2" in content
    flag = page1.locator(".flag")
    assert flag.count() == 1 and "Divergence: 4.00 points" in flag.first.inner_text()
    shot(page1, "5_consensus_divergence")
    agreed = {(0, 0): "7", (1, 0): "4", (2, 0): "6,5"}
    for j, name in enumerate(("quality", "climate")):
        crit = criteria[name]
        for i, bid in enumerate(tender.bids):
            anchor = f"c-{bid.pk}-{crit.pk}"
            page1.locator(f"#{anchor}-points").fill(agreed.get((i, j), "6"))
            page1.locator(f"#{anchor}-justification").fill(
                "Komiteen ble enig etter å ha lest begrunnelsene sammen.")
            with page1.expect_navigation():
                page1.locator(f"#{anchor}").get_by_role("button", name="Save the consensus").click()
            page1.wait_for_selector(".message--success")
    assert ConsensusScore.objects.count() == 6
    page1.get_by_role("link", name="Go to the ranking").click()
    page1.wait_for_url("**/ranking/")
    shot(page1, "6_ready_to_rank")

    # 4. The ranking and the sensitivity, computed by member 2.
    page2.goto(f"{lot}/ranking/")
    page2.get_by_role("button", name="Compute the ranking").click()
    page2.wait_for_selector("#ranking-table")
    assert_no_serious_violations(page2)
    evaluation = LotEvaluation.objects.get(pk=evaluation.pk)
    assert evaluation.status == EvaluationStatus.RANKED and evaluation.ranked_at
    rows = page2.locator("#ranking-table tbody tr")
    assert rows.count() == 3
    winner = evaluation.result["rows"][0]["supplier"]
    assert winner in rows.first.inner_text()
    assert page2.locator("#tie-break-rule").inner_text().startswith(
        "Offers are ranked by the award basis")
    assert "would rank first at a price of NOK" in page2.locator("#price-threshold").inner_text()
    assert page2.locator("#weight-moves tbody tr").count() == 6
    assert page2.locator("#rank-reversals tbody tr").count() == 2
    shot(page2, "7_ranking_sensitivity")
    for context in (officer_ctx, ctx1, ctx2):
        assert context.errors == []
        context.close()
