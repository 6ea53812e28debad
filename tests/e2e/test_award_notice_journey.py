"""A whole procurement's second half in real Chromium: from opened bids to the award notice on
the public board and the procurement protocol. Two committee members, the procurement officer,
two bidders (one an SME) and an anonymous visitor.

Setup through the services, as tests/e2e/test_evaluation_journey.py: a tender with a
two-member committee, published award criteria (price 40 % linear, quality 40 %, climate 20 %)
and one qualification requirement, two bids (one with a structured price form), the deadline
passed and the bids opened by the two members.

In the browser:
0. The officer starts the evaluation; the officer and both members declare impartiality.
   Member 1 assesses the requirement for both bids; the officer completes the qualification.
1. The officer reads one price from the bid's price form and enters the other by hand.
2. Both members score blind and submit; member 1 records the consensus.
3. The officer computes the ranking, opens the award page from it, proposes the award, edits
   the letter text, and sends it after confirming.
4. Each bidder finds the letter in the inbox, opens it (the loser sees its own scores beside
   the winner's) and downloads the PDF.
5. The standstill period passes (the one step around the browser: a queryset update).
6. The officer records the signed contract with its document; the award notice is published.
7. An anonymous visitor finds the award notice on the public board, reads the results (winner,
   value, offers received, offers from SMEs) and follows the link from the contract notice.
8. The officer opens the procurement protocol (its PDF downloads) and the dashboard shows the
   procurement as concluded.
Phone width (375 px): the letter page and the award notice.
Screenshots: tests/e2e/screenshots/award_notice_journey_*.png.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import CompanySize, Organization, Role
from backend.clock import db_now
from bids.opening import services as opening
from evaluation.award.models import AwardDecision, AwardLetter, Contract
from evaluation.criteria import services as criteria_services
from evaluation.models import EvaluationStatus, ImpartialityDeclaration, LotEvaluation
from evaluation.scores.models import ConsensusScore, IndividualScore
from notices.models import Notice, NoticeKind
from tests.bids.test_opening import pass_deadline, send, setup_tender, submit
from tests.conftest import make_org, make_user
from tests.e2e import chromium
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import fill_sheet, fits, needs_chromium, new_page, signed_in
from tests.evaluation.scores.conftest import PRICES_JSON, SUPPLIERS, add_criteria

pytestmark = [pytest.mark.e2e, needs_chromium]

REQUIREMENT = "Tilfredsstillende økonomisk kapasitet"
LETTER_LINE = "Vi takker for et godt tilbud og for interessen for oppdraget."
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1100, "height": 900}


def shot(page: Any, name: str) -> None:
    chromium.shot(page, f"award_notice_journey_{name}")


def look(page: Any, name: str) -> None:
    """Every new page: no serious axe-core violation, and a screenshot."""
    assert_no_serious_violations(page, where=name)
    shot(page, name)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_from_opened_bids_to_the_award_notice_and_the_protocol(
        live_server: Any, browser: Any, make_notice: Any, officer: Any, authority: Any,
        django_capture_on_commit_callbacks: Any, tmp_path: Path, settings: Any) -> None:
    base = live_server.url
    settings.ANBUD_SITE_URL = base  # links in the inbox and e-mails lead to this server
    tender = setup_tender(make_notice, officer, authority, n=2, k=2)
    notice = tender.notice
    criteria = add_criteria(notice, officer)
    criteria_services.evaluation_model_change_publish(
        notice=notice, by=officer, reason="Kvalifikasjonskravet er fastsatt.",
        requirements=[{"category": "economic", "title": REQUIREMENT, "espd_code": "",
                       "description": "Leverandøren skal ha økonomisk stabilitet.",
                       "documentation": "Årsregnskap for de to siste årene."}])
    suppliers = SUPPLIERS[:2]
    bidders = []
    for i, name in enumerate(suppliers):
        org = make_org("supplier", name)
        if i == 1:   # The second bidder is a small enterprise (an SME in the award notice).
            Organization.objects.filter(pk=org.pk).update(company_size=CompanySize.SMALL)
        user = make_user(f"bidder{i}@supplier{i}.example", org, Role.SUPPLIER_ADMIN)
        bidders.append(user)
        files = {"tilbud.pdf": b"%PDF-1.4 tilbud " + name.encode()}
        if i == 0:
            files["prices.json"] = PRICES_JSON   # NOK 1 250 000
        else:
            files["prisskjema.pdf"] = b"%PDF-1.4 prisskjema"
        submit(tender, org, user, files)
    pass_deadline(tender)
    session = opening.opening_start(notice=notice, by=officer)
    for member in tender.members:
        send(session, tender, member, django_capture_on_commit_callbacks)
    overview = f"{base}/evaluation/notices/{notice.pk}/"
    lot = f"{overview}lots/0"
    points_criteria = [criteria["quality"].name, criteria["climate"].name]

    # 0. Start, declarations (the officer and both members), qualification.
    officer_ctx = signed_in(browser, base, officer)
    page = new_page(officer_ctx)
    page.goto(overview)
    page.locator("#start-evaluation").click()
    page.wait_for_selector("#lots-table")
    members = []
    for member in tender.members:
        context = signed_in(browser, base, member)
        members.append((context, new_page(context)))
    (ctx1, page1), (ctx2, page2) = members
    for p in (page, page1, page2):
        p.goto(overview)
        p.get_by_label("I have no conflict of interest in this procurement").check()
        p.locator("#declare-form").get_by_role("button", name="Declare").click()
        p.wait_for_selector("#my-declaration.message--success")
    assert ImpartialityDeclaration.objects.filter(notice=notice, has_conflict=False).count() == 3
    assert_no_serious_violations(page2, where="overview, declared")
    for bid in tender.bids:
        page1.goto(f"{overview}bids/{bid.pk}/")
        block = page1.locator(".requirement", has_text=REQUIREMENT)
        block.get_by_label("Meets the requirement").check()
        block.get_by_label("Reason").fill("Årsregnskapene viser sunn økonomi.")
        block.get_by_label("Document in the bid").select_option("tilbud.pdf")
        with page1.expect_navigation():
            block.get_by_role("button", name="Record the verdict").click()
        page1.wait_for_selector(".message--success")
    assert_no_serious_violations(page1, where="bid page, assessed")
    page.goto(f"{lot}/")
    assert_no_serious_violations(page, where="qualification")
    with page.expect_navigation():
        page.locator("#complete-qualification").click()
    page.wait_for_selector(".message--success")
    evaluation = LotEvaluation.objects.get(notice=notice, lot_number=0)
    assert evaluation.status == EvaluationStatus.SCORING

    # 1. Prices: the first from the bid's price form, the second entered by hand.
    page.goto(f"{lot}/prices/")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Read prices.json from {suppliers[0]}").click()
    page.wait_for_selector(".message--success")
    page.get_by_label(f"Price of {suppliers[1]} for Pris (NOK)").fill("1 390 000")
    row = page.locator(f"#price-{tender.bids[1].pk}-{criteria['price'].pk}")
    row.get_by_label("Read from the file").select_option("prisskjema.pdf")
    with page.expect_navigation():
        row.get_by_role("button", name="Save the price").click()
    page.wait_for_selector(".message--success")
    assert_no_serious_violations(page, where="prices")

    # 2. Both members score blind; member 1 records the consensus.
    for p, quality in ((page1, {(0, 0): "8", (1, 0): "6"}), (page2, {(0, 0): "9", (1, 0): "5"})):
        p.goto(f"{lot}/scores/")
        assert p.locator("#blind-banner").is_visible()
        assert_no_serious_violations(p, where="blind score sheet")
        fill_sheet(p, suppliers, points_criteria, quality,
                   "Vurdert etter beskrivelsen i kravspesifikasjonen.")
        p.get_by_role("button", name="Submit my scores (locks them)").click()
        p.wait_for_selector("#sheet-locked, #unblinded")
    assert IndividualScore.objects.filter(sheet__submitted_at__isnull=False).count() == 8
    page1.goto(f"{lot}/consensus/")
    agreed = {("quality", 0): "8,5", ("quality", 1): "5,5"}
    for name in ("quality", "climate"):
        crit = criteria[name]
        for i, bid in enumerate(tender.bids):
            anchor = f"c-{bid.pk}-{crit.pk}"
            page1.locator(f"#{anchor}-points").fill(agreed.get((name, i), "6"))
            page1.locator(f"#{anchor}-justification").fill(
                "Komiteen ble enig etter å ha lest begrunnelsene sammen.")
            with page1.expect_navigation():
                page1.locator(f"#{anchor}").get_by_role("button", name="Save the consensus").click()
            page1.wait_for_selector(".message--success")
    assert ConsensusScore.objects.count() == 4
    look(page1, "1_consensus")

    # 3. The ranking, and the award decision from it.
    page.goto(f"{lot}/ranking/")
    page.get_by_role("button", name="Compute the ranking").click()
    page.wait_for_selector("#ranking-table")
    assert suppliers[0] in page.locator("#ranking-table tbody tr").first.inner_text()
    look(page, "2_ranking")
    page.click("#award-link")
    page.wait_for_selector("#draft-button")
    assert_no_serious_violations(page, where="award page, before the draft")
    page.click("#draft-button")
    page.wait_for_selector("#letter-preview")
    text = page.locator("#id_letter_text")
    text.fill(text.input_value() + "\n\n" + LETTER_LINE)
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_selector("#letter-preview")
    assert LETTER_LINE in page.inner_text("#letter-preview")
    look(page, "3_award_draft")
    page.check("#send-confirm")
    page.click("#send-button")
    page.wait_for_selector("#standstill-end")
    assert "The contract may be signed from" in page.inner_text("#standstill-end")
    look(page, "4_award_sent")
    decision = AwardDecision.objects.get(notice=notice)
    assert decision.status == "sent" and AwardLetter.objects.filter(decision=decision).count() == 2

    # 4. Each bidder: the inbox, the letter (own scores beside the winner's), the PDF.
    bidder_contexts = []
    for i, user in enumerate(bidders):
        context = signed_in(browser, base, user)
        bidder_contexts.append(context)
        bp = new_page(context)
        bp.goto(f"{base}/inbox/")
        letter = AwardLetter.objects.get(decision=decision, submission=tender.bids[i])
        link = bp.locator(f"h2 a[href$='/evaluation/award-letters/{letter.pk}/']")
        assert link.count() == 1
        if i == 1:
            look(bp, "5_bidder_inbox")
        link.click()
        bp.wait_for_selector("#letter")
        body = bp.inner_text("#letter")
        assert suppliers[0] in body and LETTER_LINE in body
        if i == 1:
            assert suppliers[1] in body
            look(bp, "6_bidder_letter")
            bp.set_viewport_size(PHONE)
            fits(bp)
            assert_no_serious_violations(bp, where="letter at phone width")
            shot(bp, "6_bidder_letter_phone")
            bp.set_viewport_size(DESKTOP)
        with bp.expect_download() as download:
            bp.click("#letter-pdf")
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # 5. Ten days pass: the standstill period is over. Signing is checked against the
    # database clock, so the decision's times are moved back instead of waiting.
    now = db_now()
    AwardDecision.objects.filter(pk=decision.pk).update(
        sent_at=now - timedelta(days=10, minutes=5), standstill_end=now - timedelta(minutes=5))
    AwardLetter.objects.filter(decision=decision).update(sent_at=now - timedelta(days=10,
                                                                                minutes=5))

    # 6. The officer records the signed contract; the award notice is published with it.
    page.goto(f"{lot}/contract/")
    assert "the contract may be signed" in page.inner_text("#signing-status")
    assert_no_serious_violations(page, where="contract page, before signing")
    signed = tmp_path / "kontrakt-signert.pdf"
    signed.write_bytes(b"%PDF-1.4 signert kontrakt")
    today = timezone.localdate().isoformat()
    page.get_by_label("Title of the contract").fill("Rammeavtale om vedlikehold")
    page.get_by_label("Value (NOK, excl. VAT)").fill("1 250 000")
    page.locator("#id_signed_on").fill(today)
    page.locator("#id_starts_on").fill(today)
    page.get_by_label("Duration (months)").fill("24")
    page.get_by_label("The signed contract").set_input_files(str(signed))
    page.get_by_role("button", name="Record the contract").click()
    page.wait_for_selector("#contracts-table")
    assert Contract.objects.filter(decision=decision).count() == 1
    assert "the award notice is published" in page.inner_text(".message--success")
    assert page.locator("#award-notice-form").count() == 0   # one lot, already published
    look(page, "7_contract")
    award = Notice.objects.get(award_for=notice, kind=NoticeKind.AWARD)

    # 7. An anonymous visitor finds the award notice on the public board.
    public = browser.new_context(locale="en-GB", viewport=DESKTOP)
    public.set_default_timeout(120_000)
    public.errors = []
    pp = new_page(public)
    pp.goto(f"{base}/?kind={NoticeKind.AWARD}")
    look(pp, "8_public_list")
    pp.locator(f"a[href$='/notices/{award.pk}/']").first.click()
    pp.wait_for_selector("#results")
    results = pp.inner_text("#results")
    assert suppliers[0] in results and "1,250,000" in results.replace("\u00a0", " ")
    facts = pp.inner_text("#lot-result-0 dl")
    assert "Offers received\n2" in facts
    assert "Offers from small and medium-sized enterprises\n1" in facts
    look(pp, "9_award_notice")
    pp.set_viewport_size(PHONE)
    fits(pp)
    assert_no_serious_violations(pp, where="award notice at phone width")
    shot(pp, "9_award_notice_phone")
    pp.set_viewport_size(DESKTOP)
    pp.goto(f"{base}/notices/{notice.pk}/")
    assert_no_serious_violations(pp, where="contract notice with its award notice link")
    pp.locator("#award-notice-link a").click()
    pp.wait_for_selector("#results")
    assert f"/notices/{award.pk}/" in pp.url

    # 8. The procurement protocol (with its PDF) and the dashboard.
    page.goto(f"{overview}protocol/")
    look(page, "10_protocol")
    page.screenshot(path=str(chromium.SHOTS / "award_notice_journey_10_protocol_top.png"))
    with page.expect_download() as download:
        page.click("#protocol-pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.goto(f"{base}/evaluation/dashboard/")
    card = page.locator(f"#procurement-{notice.pk}")
    assert "Award notice published" in card.inner_text()
    assert "Nothing waits on anyone now." in card.inner_text()
    look(page, "11_dashboard")

    for context in (officer_ctx, ctx1, ctx2, *bidder_contexts, public):
        assert context.errors == []
        context.close()
