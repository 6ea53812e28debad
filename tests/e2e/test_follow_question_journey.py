"""Issue 4 in real Chromium: find by CPV and region, follow, ask; the buyer answers.

A supplier finds a notice by CPV and region, follows it and asks a question; the procurement
officer publishes the answer (anonymised) from the question queue; the supplier sees it on the
notice page and in the inbox, and the e-mail is in the outbox. Needs the notice page to include
notices/questions/_notice_section.html ({% notice_questions_section notice %}).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from notices import services
from notices.questions.models import Question, QuestionStatus
from tests.conftest import make_org, make_user
from tests.e2e.chromium import needs_chromium, shot

PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]






def sign_in(context, base: str, email: str):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address (required)").fill(email)
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_supplier_follows_asks_and_hears_the_answer(live_server, browser):
    authority = make_org("authority", "Bergen kommune", "other")
    officer = make_user("officer@bergen.example", authority, Role.PROCUREMENT_OFFICER,
                        password=PASSWORD)
    supplier = make_org("supplier", "Fjordbygg AS")
    make_user("anna@fjordbygg.example", supplier, Role.SUPPLIER_ADMIN, password=PASSWORD)
    now = timezone.now()
    common = {"description": "Rammeavtale.", "procedure_type": "open", "estimated_value": "1800000",
              "submission_deadline": now + timedelta(days=25),
              "question_deadline": now + timedelta(days=15)}
    notices = {}
    for key, title, cpv, nuts in [
            ("target", "Vedlikehold av skolebygg i Bergen", "45210000", "NO0A2"),
            ("elsewhere", "Vedlikehold av skolebygg i Oslo", "45210000", "NO081"),
            ("other_cpv", "Drift av skolenes IT", "72000000", "NO0A2")]:
        notice = services.notice_create(buyer=authority, by=officer, kind="national",
                                        fields={"title": title, "cpv_main": cpv, "nuts": nuts,
                                                # eForms: the contract type fits the CPV code.
                                                "contract_type": "works" if cpv.startswith("45")
                                                else "services", **common})
        notices[key] = services.notice_publish(notice=notice, by=officer)
    target = notices["target"]

    # --- The supplier finds the notice by CPV and region ----------------------------------
    supplier_ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = sign_in(supplier_ctx, live_server.url, "anna@fjordbygg.example")
    page.goto(live_server.url + "/")
    page.locator("#id_cpv").fill("45000000")
    page.locator("#id_nuts").fill("NO0A")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/?*cpv=45000000*")
    results = page.locator("main").inner_text()
    assert target.title in results
    assert notices["elsewhere"].title not in results
    assert notices["other_cpv"].title not in results
    shot(page, "i4-01-search-cpv-region-en")
    page.get_by_role("link", name=target.title).click()
    page.wait_for_url(f"**/notices/{target.pk}/")
    if page.locator("#questions").count() == 0:
        pytest.skip("the notice page does not include notices/questions/_notice_section.html "
                    "yet ({% notice_questions_section notice %})")

    # --- follows it and asks a question ----------------------------------------------------
    page.get_by_role("button", name="Follow this notice").click()
    page.wait_for_url(f"**/notices/{target.pk}/*")
    assert page.get_by_role("button", name="Stop following").is_visible()
    page.get_by_label("Your question").fill("What is the expected yearly volume? "
                                            "Fjordbygg AS needs to plan staffing.")
    shot(page, "i4-02-follow-ask-en")
    page.get_by_role("button", name="Send question").click()
    page.wait_for_url(f"**/notices/{target.pk}/*")
    assert "Awaiting answer" in page.locator("#questions").inner_text()
    question = Question.objects.get()
    supplier_ctx_page = page

    # --- The officer publishes the answer, anonymised --------------------------------------
    officer_ctx = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = sign_in(officer_ctx, live_server.url, "officer@bergen.example")
    page.goto(f"{live_server.url}/workspace/notices/{target.pk}/questions/")
    assert "Fjordbygg AS" in page.locator("main").inner_text()
    page.get_by_label("Question as published").fill("What is the expected yearly volume?")
    page.get_by_label("Answer (required)").fill("About 2,000 hours a year.")
    page.get_by_label("Everyone (published anonymised, sent to followers)").check()
    shot(page, "i4-03-queue-en")
    with page.expect_navigation():
        page.get_by_role("button", name="Send answer").click()
    page.wait_for_selector(".message--success")
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    officer_ctx.close()

    # --- The supplier sees it on the page, in the inbox and by e-mail ----------------------
    page = supplier_ctx_page
    page.goto(f"{live_server.url}/notices/{target.pk}/")
    section = page.locator("#questions").inner_text()
    assert "What is the expected yearly volume?" in section
    assert "About 2,000 hours a year." in section
    shot(page, "i4-04-answer-on-page-en")
    anonymous = browser.new_context(locale="en-GB").new_page()
    anonymous.goto(f"{live_server.url}/notices/{target.pk}/")
    public_text = anonymous.locator("main").inner_text()
    assert "About 2,000 hours a year." in public_text
    assert "Fjordbygg" not in public_text and "anna@" not in public_text
    page.goto(f"{live_server.url}/inbox/")
    inbox = page.locator("main").inner_text()
    assert "About 2,000 hours a year." in inbox
    shot(page, "i4-05-inbox-en")
    supplier_ctx.close()
    answer_mails = [m for m in mail.outbox if "About 2,000 hours a year." in m.body]
    assert [m.to for m in answer_mails] == [["anna@fjordbygg.example"]]
