"""The demo a newcomer can bid on (`make run` → `load_demo`).

Several open notices have an opening committee whose members enrolled real ETB-1 keys
wrapped with the printed passphrases, so a demo supplier can submit a sealed bid at once;
a practice tender's deadline passes minutes after loading, so the opening can be tried;
loading again adds nothing; the README lists every demo user the loader prints.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Organization, User
from bids.models import Committee, CommitteeMember, LogEntry, Manifest, SubmissionStatus
from crypto.member_keys import unwrap_member_key
from evaluation.audits.models import ActionStatus, Audit, AuditStatus, CorrectiveAction
from evaluation.award.models import Contract
from evaluation.ethics.models import FollowUpEvent, FollowUpPlan, PlanStatus, ReportStatus
from evaluation.ethics.selectors import plan_list
from evaluation.library.models import SustainabilityClause
from evaluation.statistics.models import StatNotice
from notices import demo_ethics
from notices.demo import PRACTICE_TITLE, DemoData, demo_passphrase, load_demo
from notices.models import Notice, NoticeEvent, NoticeStatus, TenderDocument
from tests.bids.conftest import bid_storage, submit  # noqa: F401 (fixture)
from tests.conftest import api_client_for

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def demo(db: Any, bid_storage: Path) -> DemoData:  # noqa: F811
    return load_demo(now=timezone.now())


def _open_with_keys() -> list[Notice]:
    return [c.notice for c in Committee.objects.filter(
        electronic_bids=True, notice__status=NoticeStatus.PUBLISHED,
        notice__submission_deadline__gt=timezone.now()).select_related("notice")
        if Manifest.objects.filter(notice=c.notice).exists()
        and all(m.has_key for m in c.members.filter(removed_at__isnull=True))]


def test_it_gives_several_open_notices_a_committee_whose_members_have_keys(
        demo: DemoData) -> None:
    notices = _open_with_keys()
    assert len(notices) >= 4
    assert len({n.buyer_id for n in notices}) >= 3
    for notice in notices:
        committee = notice.committee
        assert committee.k == 2 and committee.members.count() == 3


def test_it_prints_the_passphrases_that_unlock_the_members_keys(demo: DemoData) -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = dict(re.findall(r"(\S+@\S+\.demo)\s.*\(key passphrase: (\S+)\)", out.getvalue()))
    seated = User.objects.filter(committee_seats__wrapped_key__isnull=False).distinct()
    assert seated.count() >= 6 and set(printed) == {u.email for u in seated}
    for user in seated:
        assert printed[user.email] == demo_passphrase(user.email)
        for seat in CommitteeMember.objects.filter(user=user):
            assert seat.wrapped_key is not None and seat.wrapped_key["iterations"] >= 600_000
            # The same unwrap the CLI and the browser do; a wrong passphrase would raise.
            key = unwrap_member_key(seat.wrapped_key, printed[user.email])
            assert key is not None
    assert "password for all demo users: anbud-demo-2026" in out.getvalue()


def test_it_lets_a_demo_supplier_submit_a_sealed_bid_at_once(demo: DemoData) -> None:
    supplier = User.objects.get(email="post@fjordbygg.demo")
    client = api_client_for(supplier)
    other = next(n for n in _open_with_keys() if n != demo.practice)
    for notice in (demo.practice, other):
        _started, response = submit(client, notice, b"Tilbud: 1 000 000 kroner")
        assert response.status_code == 201, response.json()
        assert response.json()["receipt"]["tender"] == notice.reference
    assert supplier.memberships.get().organization.submissions.filter(
        status=SubmissionStatus.SEALED).count() == 2


def test_it_has_a_practice_tender_whose_deadline_passes_minutes_after_loading(
        demo: DemoData) -> None:
    practice = demo.practice
    assert practice.title == PRACTICE_TITLE and practice.status == NoticeStatus.PUBLISHED
    assert practice.submission_deadline is not None
    left = practice.submission_deadline - timezone.now()
    assert timedelta(minutes=5) < left <= timedelta(minutes=11)
    assert practice in _open_with_keys()
    assert practice.documents.exists()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (
        User, Organization, Membership, Notice, NoticeEvent, TenderDocument, Committee,
        CommitteeMember, Manifest, LogEntry, Contract, FollowUpPlan, FollowUpEvent, Audit,
        CorrectiveAction, SustainabilityClause)}


def test_it_adds_nothing_when_loaded_again(demo: DemoData) -> None:
    before = _counts()
    again = load_demo(now=timezone.now() + timedelta(minutes=2))
    assert _counts() == before
    assert again.practice == demo.practice
    assert again.logins == demo.logins


def test_it_publishes_a_new_practice_round_only_after_the_last_one_closed(
        demo: DemoData) -> None:
    before = _counts()
    later = timezone.now() + timedelta(minutes=30)
    again = load_demo(now=later)
    assert again.practice != demo.practice
    assert again.practice.title == f"{PRACTICE_TITLE} (runde 2)"
    deadline = again.practice.submission_deadline
    assert deadline is not None and deadline > later
    assert _counts()["Notice"] == before["Notice"] + 1
    assert _counts()["User"] == before["User"]
    assert load_demo(now=later + timedelta(minutes=1)).practice == again.practice


def test_the_readme_lists_every_demo_user_with_its_role_and_passphrase(
        demo: DemoData) -> None:
    readme = README.read_text(encoding="utf-8")
    for login in demo.logins:
        row = next((line for line in readme.splitlines()
                    if line.startswith(f"| `{login.email}` |")), "")
        assert row, f"README does not list {login.email}"
        assert login.role.split(" (")[0] in row.lower(), f"README: the role of {login.email}"
        if login.passphrase:
            assert f"`{login.passphrase}`" in row, f"README: the passphrase of {login.email}"
        else:
            assert row.rstrip(" |").endswith(login.organisation), row


def test_it_has_a_workwear_contract_with_its_ethical_trade_follow_up(demo: DemoData) -> None:
    notice = Notice.objects.get(title=demo_ethics.TITLE, kind="national")
    assert notice.buyer.name == "Bergen kommune" and notice.cpv_main == "18100000"
    # Chosen on the draft through the services: the library's textile template, the terms.
    assert SustainabilityClause.objects.get(notice=notice).template_key == "textiles-ecolabel"
    assert notice.ethical_terms.category.code == "textiles"
    contract = Contract.objects.get(notice=notice)
    assert contract.supplier.name == "Vevstua Tekstil AS"
    plan = FollowUpPlan.objects.get(contract=contract)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.self_report.status == ReportStatus.SUBMITTED
    assert len(plan.self_report.supply_chain) == 3
    audit = Audit.objects.get(plan=plan)
    assert audit.status == AuditStatus.COMPLETED and audit.auditor_name == "Etisk Revisjon AS"
    finding = audit.findings.get()
    assert finding.severity == "major"
    action = CorrectiveAction.objects.get(finding=finding)
    assert action.status == ActionStatus.REQUESTED and action.deadline > timezone.localdate()
    # Every step logged its event, in order.
    assert list(FollowUpEvent.objects.filter(plan=plan).order_by("at", "pk")
                .values_list("kind", flat=True)) == [
        "followup.created", "followup.report_submitted", "audit.planned", "audit.completed",
        "audit.finding", "audit.action_requested"]
    # Both sides find it among their follow-ups.
    for email in ("innkjop@bergen.demo", "post@vevstua.demo"):
        assert list(plan_list(user=User.objects.get(email=email))) == [plan]


def test_the_workwear_tenders_opening_quotes_its_deadline_and_no_failed_check(
        demo: DemoData) -> None:
    """The seeded opening has no log entries: its pages say the check was not done, not that
    it failed, and the protocol quotes the notice's own deadline (in Oslo time)."""
    from backend.formatting import format_oslo

    notice = Notice.objects.get(title=demo_ethics.TITLE, kind="national")
    assert notice.opening.deadline == notice.submission_deadline
    assert (notice.opening.bids_done, notice.opening.bids_total) == (2, 2)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(User.objects.get(email="innkjop@bergen.demo"))
    protocol = client.get(f"/bids/notices/{notice.pk}/opening/protocol/").content.decode()
    assert format_oslo(notice.submission_deadline, "seconds") in protocol
    assert "Not yet checked." in protocol and "verify-bad" not in protocol
    opening = client.get(f"/bids/notices/{notice.pk}/opening/").content.decode()
    assert "Not yet checked." in opening and "The log check failed" not in opening


def test_it_builds_the_statistics_summary(demo: DemoData) -> None:
    assert StatNotice.objects.count() == Notice.objects.exclude(status="draft").count()
    page = Client(headers={"Accept-Language": "en"}).get("/api/statistics/")
    assert page.status_code == 200
    ethical = page.json()["ethical_trade"]
    assert ethical["notices_with_terms"] >= 1 and ethical["follow_up_plans"] == 1
