"""The officer's dashboard: where each procurement stands and what waits on whom, for every
kind of user; and the award-notice reminder (once per step)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from evaluation.award.models import Contract
from evaluation.dashboard.selectors import dashboard_for, procurement_row
from evaluation.dashboard.tasks import award_notice_remind
from notices.following.models import InboxKind, InboxMessage
from notices.models import Notice
from tests.conftest import make_user
from tests.evaluation.protocol.conftest import Procedure

pytestmark = pytest.mark.django_db


def _unlink_award_notice(full: Procedure, signed_days_ago: int) -> None:
    assert full.award_notice is not None and full.contract is not None
    Notice.objects.filter(pk=full.award_notice.pk).update(award_for=None)
    Contract.objects.filter(pk=full.contract.pk).update(
        signed_on=timezone.localdate() - timedelta(days=signed_days_ago))


def test_stages_of_the_procedures(make_notice: Callable[..., Notice], officer: User,
                                  procedure: Callable[..., Procedure]) -> None:
    draft = make_notice(publish=False)
    published = make_notice()
    full = procedure()
    rows = {row.notice.pk: row for row in dashboard_for(user=officer)}
    assert rows[draft.pk].stage == "draft"
    assert rows[published.pk].stage == "published" and not rows[published.pk].waiting
    assert rows[full.notice.pk].stage == "award_notice_published"
    # Each lot shows how far it has come, past the ranking.
    assert [(lot.status, lot.label) for lot in rows[full.notice.pk].lots] == [
        ("contract_signed", "Contract signed")]
    assert full.award_notice is not None
    assert full.award_notice.pk not in rows  # award notices are part of their procurement


def test_award_sent_shows_the_standstill_end(procedure: Callable[..., Procedure]) -> None:
    full = procedure(award="sent")
    assert full.decision is not None
    # The standstill period ended yesterday (conftest): the contract can be signed.
    row = procurement_row(full.notice)
    assert row.stage == "award_sent"
    assert [lot.status for lot in row.lots] == ["award_sent"]
    assert [w.code for w in row.waiting] == ["contract"]
    later = procurement_row(full.notice, now=full.decision.standstill_end - timedelta(days=2))
    standstill = [w for w in later.waiting if w.code == "standstill"]
    assert standstill and "(Norwegian time)" in standstill[0].text


def test_award_notice_due_and_overdue(procedure: Callable[..., Procedure]) -> None:
    full = procedure()
    _unlink_award_notice(full, signed_days_ago=10)
    row = procurement_row(full.notice)
    assert row.stage == "contract_signed"
    due = [w for w in row.waiting if w.code == "award_notice"]
    assert due and not due[0].overdue
    assert due[0].due == timezone.localdate() + timedelta(days=20)
    _unlink_award_notice(full, signed_days_ago=31)
    overdue = [w for w in procurement_row(full.notice).waiting if w.code == "award_notice"]
    assert overdue[0].overdue and "overdue" in overdue[0].text


def test_missing_declarations_and_scores(make_lot: Callable[..., Any], officer: User) -> None:
    lot = make_lot(declare_all=False)
    row = procurement_row(lot.notice)
    assert row.stage == "evaluation"
    assert [(s.lot, s.status) for s in row.lots] == [(0, "scoring")]
    waiting = {w.code: w for w in row.waiting}
    names = sorted(m.get_full_name() for m in lot.members)
    assert waiting["declarations"].people == names
    assert waiting["scores"].people == names


def test_the_reminder_is_sent_once_per_step(procedure: Callable[..., Procedure],
                                            authority: Any) -> None:
    full = procedure()
    admin = make_user("admin@bergen.example", authority, Role.AUTHORITY_ADMIN)
    _unlink_award_notice(full, signed_days_ago=20)  # due in 10 days: not yet
    assert award_notice_remind() == 0
    _unlink_award_notice(full, signed_days_ago=25)  # due in 5 days
    assert award_notice_remind() == 2  # the officer and the authority's admin
    assert award_notice_remind() == 0
    _unlink_award_notice(full, signed_days_ago=31)  # overdue
    assert award_notice_remind() == 2
    assert award_notice_remind() == 0
    messages = InboxMessage.objects.filter(kind=InboxKind.AWARD_TASK, notice=full.notice)
    assert {m.user_id for m in messages} == {full.officer.pk, admin.pk}
    assert messages.count() == 4
    # No member of the committee, no supplier is told.
    assert not InboxMessage.objects.filter(kind=InboxKind.AWARD_TASK,
                                           user__in=full.members).exists()


def test_the_scheduler_runs_it() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["evaluation-award-notice-reminders"]
    from celery import current_app

    current_app.loader.import_default_modules()
    assert entry["task"] in current_app.tasks


def test_who_sees_the_dashboard(make_notice: Callable[..., Notice], officer: User,
                                other_officer: User, supplier_user: User, client: Client,
                                api_for: Callable[..., Any], authority: Any) -> None:
    notice = make_notice()
    member = make_user("member@bergen.example", authority, Role.COMMITTEE_MEMBER)
    client.force_login(officer)
    page = client.get("/evaluation/dashboard/")
    assert page.status_code == 200 and notice.reference in page.content.decode()
    body = api_for(officer).get("/api/evaluation/dashboard").json()
    assert [row["reference"] for row in body] == [notice.reference]
    # Another authority's officer: a dashboard without this procurement.
    client.force_login(other_officer)
    assert notice.reference not in client.get("/evaluation/dashboard/").content.decode()
    assert api_for(other_officer).get("/api/evaluation/dashboard").json() == []
    # Members of the committee and suppliers have no dashboard: "My tasks" is theirs.
    for user in (member, supplier_user):
        client.force_login(user)
        assert client.get("/evaluation/dashboard/").status_code == 403
        assert api_for(user).get("/api/evaluation/dashboard").status_code == 403
    client.logout()
    assert client.get("/evaluation/dashboard/").status_code == 302
    assert api_for(None).get("/api/evaluation/dashboard").status_code == 401


def test_a_prior_information_notice_takes_no_tenders(make_notice: Callable[..., Notice],
                                                     officer: User) -> None:
    row = procurement_row(make_notice(kind="pin"))
    assert row.stage == "pin" and row.stage_label == "Published: prior information, no tenders"


def test_opened_bids_wait_for_the_evaluation_to_start(
        make_notice: Callable[..., Notice], officer: User, authority: Any,
        supplier: Any, supplier_user: User, django_capture_on_commit_callbacks: Any) -> None:
    from bids.opening import services as opening
    from tests.bids.test_opening import pass_deadline, send, setup_tender, submit

    tender = setup_tender(make_notice, officer, authority, n=3, k=2)
    submit(tender, supplier, supplier_user, {"tilbud.pdf": b"%PDF-1.4 tilbud"})
    pass_deadline(tender)
    session = opening.opening_start(notice=tender.notice, by=officer)
    assert procurement_row(tender.notice).stage == "opening"
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    notice = Notice.objects.get(pk=tender.notice.pk)
    row = procurement_row(notice)
    assert row.stage == "opened"
    assert [(w.code, w.url) for w in row.waiting] == [
        ("evaluation", f"/evaluation/notices/{notice.pk}/")]
    assert row.links["evaluation"] == f"/evaluation/notices/{notice.pk}/"
