"""Audits in real Chromium: the officer opens a follow-up plan's audits, plans an audit,
records a finding and requires a corrective action; the supplier proposes its plan; the
officer accepts it. axe finds no serious violation on the pages; no console errors."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from evaluation.audits.models import CorrectiveAction
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import needs_chromium, shot
from tests.evaluation.audits.conftest import (  # noqa: F401 (fixtures)
    AuditWorld,
    audit_world,
    third_authority,
)

PASSWORD = "correct horse battery staple"
pytestmark = [pytest.mark.e2e, needs_chromium]


def _sign_in(browser: Any, base: str, email: str) -> Any:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.console_errors = errors
    return page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_goes_from_a_plan_to_a_finding_and_a_corrective_action(
        live_server: Any, browser: Any, audit_world: AuditWorld) -> None:  # noqa: F811
    base = live_server.url
    plan = audit_world.plan
    officer = _sign_in(browser, base, audit_world.users["owner"].email)
    officer.goto(f"{base}/follow-ups/{plan.pk}/audits/")
    assert_no_serious_violations(officer, where="plan audits")
    officer.select_option("#id_kind", "on_site")
    officer.select_option("#id_performed_by", "third_party")
    officer.fill("#id_auditor_name", "Revisjon AS")
    officer.fill("#id_planned_on", datetime.date.today().isoformat())
    officer.fill("#id_purpose", "Risk of forced labour at the spinning mill.")
    officer.get_by_role("button", name="Plan the audit").click()
    officer.get_by_role("link", name="On-site audit").first.click()
    officer.wait_for_url("**/audits/*/")
    officer.fill("#description", "Overtime without pay.")
    officer.select_option("#severity", "major")
    officer.get_by_role("button", name="Record the finding").click()
    officer.wait_for_load_state()
    officer.locator("textarea[name=requirement]").fill("Pay the overtime.")
    officer.locator("input[name=deadline]").fill(
        (datetime.date.today() + datetime.timedelta(days=30)).isoformat())
    officer.get_by_role("button", name="Require a corrective action").click()
    officer.wait_for_load_state()
    assert officer.get_by_text("Pay the overtime.").is_visible()
    assert_no_serious_violations(officer, where="audit page")
    shot(officer, "audit-01-officer")
    action = CorrectiveAction.objects.get()

    supplier = _sign_in(browser, base, audit_world.users["supplier"].email)
    supplier.goto(f"{base}/audits/{action.finding.audit_id}/")
    supplier.get_by_label("Your corrective action plan").fill("Back pay in January.")
    supplier.get_by_role("button", name="Send the plan").click()
    supplier.wait_for_load_state()
    assert supplier.get_by_text("Plan proposed").is_visible()
    assert_no_serious_violations(supplier, where="supplier audit page")
    shot(supplier, "audit-02-supplier")

    officer.reload()
    officer.get_by_role("button", name="Accept the plan").click()
    officer.wait_for_load_state()
    action.refresh_from_db()
    assert action.status == "accepted"
    assert officer.console_errors == [] and supplier.console_errors == []
