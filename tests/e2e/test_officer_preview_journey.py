"""The officer's preview keeps its promises, in real Chromium and in bokmål.

A national draft whose value has crossed the EEA threshold: the preview names the problem and
offers the conversion it asks for; one click changes the type and keeps the draft. The preview
is now ready but warns that no electronic bids can come in; its link leads to the committee,
where the officer names three members. Publishing is refused in bokmål until their keys are
in (the preview said so first), and each member finds the task under "Mine oppgaver" and in
the inbox, with a link to the enrolment page.
Screenshots: tests/e2e/screenshots/preview_*.png.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Role
from notices import services
from notices.following.models import InboxKind, InboxMessage
from notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus
from tests.conftest import make_org, make_user, notice_fields
from tests.e2e import chromium
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]


def shot(page: Any, name: str) -> None:
    chromium.shot(page, f"preview_{name}")



def signed_in(browser: Any, base: str, user: Any) -> Any:
    return chromium.browser_context(browser, base, user=user, locale="nb-NO", width=1280,
                                    timeout_ms=60_000)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_officer_converts_the_type_names_a_committee_and_the_members_are_told(
        live_server: Any, browser: Any, settings: Any) -> None:
    base = live_server.url
    settings.ANBUD_SITE_URL = base
    authority = make_org("authority", "Bergen kommune", "other")
    officer = make_user("officer@bergen.example", authority, Role.PROCUREMENT_OFFICER)
    members = [make_user(f"komite{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
               for i in range(1, 4)]
    start = timezone.now()
    draft = services.notice_create(
        buyer=authority, by=officer, kind="national", fields=notice_fields(
            estimated_value=Decimal("3000000"), submission_deadline=start + timedelta(days=40),
            question_deadline=start + timedelta(days=30), contract_type="services",
            cpv_main="90910000", title_en="Cleaning of schools",
            description_en="Cleaning of municipal schools.", max_lots_submitted=1),
        lots=[{"title": "Nord", "title_en": "North", "cpv": "90911200",
               "estimated_value": Decimal("1500000")}])

    context = signed_in(browser, base, officer)
    page = context.new_page()
    page.goto(f"{base}/workspace/notices/{draft.pk}/")
    problems = page.locator("#publish-problems").inner_text()
    assert "Publiser den som «Kunngjøring av konkurranse (EØS)» i stedet" in problems
    assert page.locator("#publish-button").is_disabled()
    shot(page, "1_type_does_not_fit")
    assert_no_serious_violations(page)
    with page.expect_navigation():
        page.locator("#convert-kind").click()
    page.wait_for_selector(".message--success")
    assert page.get_by_role("heading", name="Klar til publisering").is_visible()
    draft.refresh_from_db()
    assert draft.kind == "cn" and draft.lots.count() == 1 and draft.status == "draft"
    assert NoticeEvent.objects.filter(notice=draft, kind=NoticeEventKind.KIND_CHANGED).exists()
    # Ready, but the officer is warned: no committee, so no electronic bids.
    warning = page.locator("#publish-warnings").inner_text()
    assert "tar ikke imot elektroniske tilbud" in warning
    shot(page, "2_converted_ready_with_warning")
    page.get_by_role("link", name="Sett opp åpningskomiteen").click()
    page.wait_for_url(f"**/bids/notices/{draft.pk}/committee/")
    for member in members:
        page.locator(f"#member-{member.pk}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre komiteen").click()
    page.wait_for_selector(".message--success")
    shot(page, "3_committee_named")

    # The preview now names the missing keys, and publishing refuses with the same words.
    page.goto(f"{base}/workspace/notices/{draft.pk}/")
    assert "3 av 3 komitémedlemmer har ikke registrert en nøkkel" in page.locator(
        "#publish-problems").inner_text()
    page.evaluate("() => document.getElementById('publish-button').disabled = false")
    page.locator("#publish-button").click()
    page.wait_for_selector(".error-summary, #publish-problems")
    assert "har ikke registrert en nøkkel" in page.locator("main").inner_text()
    assert Notice.objects.get(pk=draft.pk).status == NoticeStatus.DRAFT
    shot(page, "4_publish_refused_nb")
    context.close()

    # Each member is told: the inbox entry links to the enrolment page; My tasks lists it.
    member = members[0]
    [message] = InboxMessage.objects.filter(user=member, kind=InboxKind.COMMITTEE)
    assert message.url.startswith(base)
    context = signed_in(browser, base, member)
    page = context.new_page()
    page.goto(f"{base}/")
    page.get_by_role("link", name="Mine oppgaver").click()
    page.wait_for_url("**/bids/tasks/")
    shot(page, "5_member_tasks")
    assert_no_serious_violations(page)
    page.get_by_role("link", name="Innboks 1 ulest").click()  # the menu, with its count
    page.locator(".inbox-item").first.get_by_role("link", name="Gå til siden").click()
    page.wait_for_url(f"**/bids/notices/{draft.pk}/committee/*/key/")
    assert page.get_by_label("Passordfrase", exact=True).is_visible()
    shot(page, "6_enrol_from_inbox")
    context.close()
