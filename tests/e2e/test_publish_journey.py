"""The publishing journey in real Chromium.

An officer signs in, drafts a notice, previews it, uploads the konkurransegrunnlag (the
progress bar reaches 100 %), publishes; then an anonymous visitor finds the notice, opens
it, downloads the document and checks its SHA-256 against the hash shown on the page.
Screenshots of every page, in bokmål and English, go to tests/e2e/screenshots/.
"""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from notices.forms import local_input
from notices.models import Notice, NoticeStatus
from tests.conftest import make_org, make_user
from tests.e2e.chromium import needs_chromium, shot

PASSWORD = "correct horse battery staple"

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]






@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_publishes_a_notice_that_a_visitor_finds_and_downloads(live_server, browser,
                                                                   tmp_path):
    authority = make_org("authority", "Bergen kommune", "other")
    make_user("officer@bergen.example", authority, Role.PROCUREMENT_OFFICER, password=PASSWORD)
    now = timezone.now()
    document = tmp_path / "konkurransegrunnlag.pdf"
    document.write_bytes(b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024))

    # --- The procurement officer, in bokmål --------------------------------------------
    officer = browser.new_context(locale="nb-NO", accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = officer.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-postadresse (påkrevd)").fill("officer@bergen.example")
    page.get_by_label("Passord (påkrevd)").fill(PASSWORD)
    shot(page, "01-login-nb")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/workspace/")
    shot(page, "02-workspace-nb")

    page.get_by_role("link", name="Ny kunngjøring").click()
    page.get_by_label("Kunngjøringstype (påkrevd)").select_option("national")
    page.get_by_label("Tittel (påkrevd)").fill("Rammeavtale om vedlikehold av skolebygg")
    page.locator("#id_description").fill(
        "Bergen kommune skal inngå rammeavtale om snekker- og tømrerarbeid på skolene.")
    page.locator("#id_contract_type").select_option("works")  # eForms: fits CPV 45
    page.locator("#id_procedure_type").select_option("open")
    page.locator("#id_cpv_main").fill("45000000")
    page.locator("#id_nuts").fill("NO0A2")
    page.locator("#id_estimated_value").fill("1 800 000")
    page.locator("#id_submission_deadline").fill(local_input(now + timedelta(days=25)))
    page.locator("#id_question_deadline").fill(local_input(now + timedelta(days=15)))
    page.locator("#id_lots-0-title").fill("Snekkerarbeid")
    page.locator("#id_lots-0-cpv").fill("45420000")
    page.locator("#id_lots-0-estimated_value").fill("900000")
    shot(page, "03-notice-form-nb")
    page.get_by_role("button", name="Lagre og forhåndsvis").click()
    page.wait_for_url("**/workspace/notices/*/")
    notice = Notice.objects.get()
    assert notice.status == NoticeStatus.DRAFT
    assert page.get_by_role("heading", name="Klar til publisering").is_visible()
    assert page.locator("#publish-button").is_enabled()
    assert page.get_by_text("Utkast – ikke offentlig").is_visible()
    shot(page, "04-preview-nb")

    page.get_by_role("link", name="Konkurransegrunnlag").first.click()
    page.wait_for_url("**/documents/")
    page.get_by_label("Fil (påkrevd)").set_input_files(str(document))
    page.locator("#id_title").fill("Konkurransegrunnlag")
    page.get_by_role("button", name="Last opp", exact=True).click()
    # A function, not a string: a string predicate runs through eval, which the CSP refuses.
    page.wait_for_function("() => document.getElementById('upload-bar').value === 100"
                           " && document.querySelector('.upload-progress--done') !== null")
    assert page.locator("#upload-status").inner_text().startswith("Opplastingen er fullført")
    shot(page, "05-upload-finished-nb")
    page.wait_for_selector(".message--success")
    assert "konkurransegrunnlag.pdf" in page.locator("table").inner_text()
    shot(page, "06-documents-nb")

    page.goto(f"{live_server.url}/workspace/notices/{notice.pk}/")
    page.get_by_role("button", name="Publiser kunngjøringen").click()
    page.wait_for_url(f"**/notices/{notice.pk}/")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    shot(page, "07-published-nb")
    officer.close()

    # --- An anonymous visitor, in a fresh browser ----------------------------------------
    visitor = browser.new_context(locale="nb-NO", accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = visitor.new_page()
    page.goto(live_server.url)
    page.get_by_label("Søkeord").fill("skolebygg")
    page.get_by_role("button", name="Søk", exact=True).click()
    page.wait_for_url("**/?q=skolebygg*")
    assert "1 kunngjøring" in page.locator("#results").inner_text()
    shot(page, "08-search-nb")
    page.get_by_role("link", name="Rammeavtale om vedlikehold av skolebygg").click()
    page.wait_for_url(f"**/notices/{notice.pk}/")
    shot(page, "09-notice-nb")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    shot(page, "09b-notice-phone-nb")
    page.set_viewport_size({"width": 1280, "height": 900})
    body = page.locator("main").inner_text()
    assert body.index("Tilbudsfrist") < body.index("Beskrivelse")
    assert body.index("Regler som gjelder") < body.index("Beskrivelse")
    assert "(norsk tid)" in body

    shown_hash = page.locator("code.hash").first.inner_text().strip()
    with page.expect_download() as download_info:
        page.locator("a.download").first.click()
    download = download_info.value
    assert download.suggested_filename == "konkurransegrunnlag.pdf"
    downloaded = Path(download.path()).read_bytes()
    assert hashlib.sha256(downloaded).hexdigest() == shown_hash
    assert downloaded == document.read_bytes()

    # The same page in English, through the language switcher.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Deadline for tenders").is_visible()
    assert "(Norwegian time)" in page.locator("main").inner_text()
    shot(page, "10-notice-en")
    page.goto(live_server.url)
    shot(page, "11-list-en")
    visitor.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_explains_problems_and_shows_changes_before_publishing_them(live_server, browser):
    from notices import services

    authority = make_org("authority", "Bergen kommune", "other")
    officer = make_user("officer@bergen.example", authority, Role.PROCUREMENT_OFFICER,
                        password=PASSWORD)
    now = timezone.now()
    published = services.notice_create(
        buyer=authority, by=officer, kind="national",
        fields={"title": "Skoleskyss 2027", "description": "Skyss for elever.",
                "contract_type": "services", "procedure_type": "open", "cpv_main": "60130000",
                "nuts": "NO0A2", "estimated_value": "2000000",
                "submission_deadline": now + timedelta(days=30),
                "question_deadline": now + timedelta(days=20)})
    services.notice_publish(notice=published, by=officer)

    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url)
    # Keyboard first: the skip link is the first stop and becomes visible.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    shot(page, "12-skip-link-focus-en")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address (required)").fill("officer@bergen.example")
    page.get_by_label("Password (required)").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/workspace/")

    page.get_by_role("link", name="New notice").click()
    page.get_by_label("Title (required)").fill("Snow clearing")
    page.locator("#id_contract_type").select_option("services")
    page.locator("#id_cpv_main").fill("4500")
    page.locator("#id_nuts").fill("NO0A2")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_role("alert")
    assert "is not a CPV code" in summary.inner_text()
    assert page.locator("#id_cpv_main").get_attribute("aria-invalid") == "true"
    # Focus starts on the summary; its link takes keyboard users to the field.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_cpv_main"
    shot(page, "13-form-errors-en")

    page.locator("#id_cpv_main").fill("90620000")
    page.get_by_role("button", name="Save and preview").click()
    page.wait_for_url("**/workspace/notices/*/")
    assert page.get_by_role("heading", name="Before you can publish").is_visible()
    assert "Describe what is being bought." in page.locator("#publish-problems").inner_text()
    assert page.locator("#publish-button").is_disabled()
    shot(page, "14-preview-problems-en")

    page.goto(f"{live_server.url}/workspace/notices/{published.pk}/change/")
    page.get_by_label("Reason for the change (required)").fill("The title was misleading.")
    page.get_by_label("Title (required)").fill("School transport 2027-2029")
    page.get_by_role("button", name="Review the change").click()
    diff = page.locator("table.diff").inner_text()
    assert "Skoleskyss 2027" in diff and "School transport 2027-2029" in diff
    published.refresh_from_db()
    assert published.version == 1
    shot(page, "15-change-review-en")
    page.get_by_role("button", name="Publish change notice").click()
    page.wait_for_url(f"**/notices/{published.pk}/")
    assert "Version 2: Change notice" in page.locator("#history ~ section").first.inner_text()
    shot(page, "16-history-en")

    page.goto(f"{live_server.url}/evaluation/notices/{published.pk}/cancel/")
    page.get_by_label("The need has changed or fallen away", exact=False).check()
    page.get_by_label("Reasons for the cancellation", exact=False).fill(
        "The need has gone away.")
    page.get_by_label("I understand", exact=False).check()
    shot(page, "17-cancel-en")
    page.get_by_role("button", name="Cancel the procurement").click()
    page.wait_for_url(f"**/notices/{published.pk}/")
    assert page.get_by_role("heading", name="This procurement is cancelled").is_visible()
    shot(page, "18-cancelled-en")
    context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_registers_a_supplier_who_then_creates_an_api_token(live_server, browser):
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Organisasjonens navn (påkrevd)").fill("Fjellsnekker AS")
    page.get_by_label("Organisasjonsnummer").fill("974 760 674")
    page.get_by_label("Ditt navn (påkrevd)").fill("Kari Nordmann")
    page.get_by_label("Din e-postadresse (påkrevd)").fill("kari@fjellsnekker.example")
    page.get_by_label("Velg et passord (påkrevd)").fill(PASSWORD)
    page.get_by_role("button", name="Registrer", exact=True).click()
    assert "kontrollsifferet stemmer ikke" in page.get_by_role("alert").inner_text()
    shot(page, "19-signup-error-nb")
    page.get_by_label("Organisasjonsnummer").fill("974 760 673")
    page.get_by_label("Velg et passord (påkrevd)").fill(PASSWORD)
    page.get_by_role("button", name="Registrer", exact=True).click()
    page.wait_for_url("**/accounts/")
    assert "Fjellsnekker AS" in page.locator("main").inner_text()
    shot(page, "20-account-nb")
    page.get_by_role("link", name="API-nøkkel for integrasjoner").click()
    page.get_by_role("button", name="Opprett nøkkel").click()
    key = page.locator(".banner code.hash").inner_text().strip()
    assert len(key) == 64  # django-rest-knox: 32 random bytes in hex
    shot(page, "21-api-token-nb")
    context.close()
