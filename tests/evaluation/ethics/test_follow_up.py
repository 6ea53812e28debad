"""The follow-up plan: created with the contract, the self-report, the review, closing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation.award.models import Contract
from evaluation.ethics import services
from evaluation.ethics.models import (
    FollowUpEvent,
    FollowUpEventKind,
    FollowUpPlan,
    PlanStatus,
    SelfReport,
)
from notices.following.models import InboxKind, InboxMessage
from tests.evaluation.contract.conftest import Awarded
from tests.evaluation.ethics.conftest import REPORT
from tests.transitions_check import one_event_per_transition

pytestmark = pytest.mark.django_db


def test_it_adds_months_keeping_the_day_or_the_month_end() -> None:
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2028, 11, 30), 3) == datetime.date(2029, 2, 28)
    assert services.add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert services.add_months(datetime.date(2026, 10, 15), 3) == datetime.date(2027, 1, 15)


def test_it_creates_the_plan_with_the_contract(sign: Callable[..., Contract],
                                               awarded: Awarded, supplier_user: Any,
                                               django_capture_on_commit_callbacks: Any) -> None:
    signed = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)  # a month end
    with django_capture_on_commit_callbacks(execute=True):
        contract = sign(signed_on=signed)
    plan = FollowUpPlan.objects.get(contract=contract)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.self_report_due == services.add_months(signed, 3)
    assert plan.terms.key == "ethical-trade" and plan.category.code == "textiles"
    event = FollowUpEvent.objects.get(plan=plan)
    assert event.kind == FollowUpEventKind.PLAN_CREATED
    assert event.data["self_report_due"] == plan.self_report_due.isoformat()
    # The contracted supplier's users are told, in the inbox and by e-mail.
    message = InboxMessage.objects.get(kind=InboxKind.FOLLOW_UP)
    assert message.user == supplier_user
    assert message.path == f"/follow-ups/{plan.pk}/"
    assert [m.to for m in mail.outbox if "follow-up" in m.subject.lower()
            or "oppfølging" in m.subject.lower()] == [[supplier_user.email]]


def test_a_contract_without_terms_has_no_plan(sign: Callable[..., Contract]) -> None:
    contract = sign(terms=False)
    assert not FollowUpPlan.objects.filter(contract=contract).exists()


def test_the_supplier_reports_and_the_buyer_asks_for_more_then_accepts(
        plan: FollowUpPlan, supplier_user: Any, officer: Any) -> None:
    with one_event_per_transition() as changes:
        services.self_report_save(plan=plan, by=supplier_user, data=REPORT)
        report = services.self_report_submit(plan=plan, by=supplier_user)
    assert [(c.aggregate, c.old, c.new) for c in changes] == [
        ("self_report", "draft", "submitted")]
    assert report.supply_chain[0] == {"name": "Dhaka Garments Ltd", "country": "BD",
                                      "produces": "Sying av arbeidsklær"}
    submitted = FollowUpEvent.objects.get(kind=FollowUpEventKind.SELF_REPORT_SUBMITTED)
    assert submitted.data["round"] == 1 and submitted.data["supply_chain"] == report.supply_chain
    # The buyer's editors are told a report waits.
    assert InboxMessage.objects.filter(user=officer, key=f"followup:{plan.pk}:submitted:1")
    # Submitted: the supplier cannot edit it.
    with pytest.raises(Conflict):
        services.self_report_save(plan=plan, by=supplier_user, data=REPORT)

    with pytest.raises(ApplicationError) as exc:
        services.self_report_review(plan=plan, by=officer, outcome="more_information")
    assert "note" in exc.value.fields
    with one_event_per_transition() as changes:
        services.self_report_review(plan=plan, by=officer, outcome="more_information",
                                    note="Oppgi fabrikkens adresse.")
    assert [(c.old, c.new) for c in changes] == [("submitted", "returned")]
    reviewed = FollowUpEvent.objects.get(kind=FollowUpEventKind.SELF_REPORT_REVIEWED)
    assert reviewed.data["outcome"] == "more_information"
    assert InboxMessage.objects.filter(user=supplier_user,
                                       key=f"followup:{plan.pk}:reviewed:1").exists()

    services.self_report_save(plan=plan, by=supplier_user,
                              data={**REPORT, "policies": "Oppdatert."})
    with one_event_per_transition() as changes:
        services.self_report_submit(plan=plan, by=supplier_user)
        services.self_report_review(plan=plan, by=officer, outcome="accepted")
    assert [(c.old, c.new) for c in changes] == [("returned", "submitted"),
                                                 ("submitted", "accepted")]
    assert SelfReport.objects.get(plan=plan).rounds == 2

    with one_event_per_transition() as changes:
        services.follow_up_close(plan=plan, by=officer)
    assert [(c.aggregate, c.old, c.new) for c in changes] == [("follow_up", "active", "closed")]
    assert list(FollowUpEvent.objects.filter(plan=plan).values_list("kind", flat=True)
                .order_by("pk")) == [
        FollowUpEventKind.PLAN_CREATED, FollowUpEventKind.SELF_REPORT_SUBMITTED,
        FollowUpEventKind.SELF_REPORT_REVIEWED, FollowUpEventKind.SELF_REPORT_SUBMITTED,
        FollowUpEventKind.SELF_REPORT_REVIEWED, FollowUpEventKind.PLAN_CLOSED]
    with pytest.raises(Conflict):
        services.self_report_save(plan=plan, by=supplier_user, data=REPORT)


def test_an_incomplete_report_is_refused_naming_the_fields(plan: FollowUpPlan,
                                                           supplier_user: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.self_report_submit(plan=plan, by=supplier_user,
                                    data={"policies": "Ja.", "supply_chain": []})
    assert set(exc.value.fields) == {"risk_analysis", "supply_chain"}
    assert not SelfReport.objects.filter(plan=plan).exists()  # nothing half-written
    bad = {**REPORT, "supply_chain": [{"name": "X", "country": "Norway", "produces": "Y"}]}
    with pytest.raises(ApplicationError) as exc:
        services.self_report_save(plan=plan, by=supplier_user, data=bad)
    assert "supply_chain" in exc.value.fields and "Row 1" in exc.value.fields["supply_chain"][0]
    with pytest.raises(ApplicationError):
        services.self_report_save(plan=plan, by=supplier_user, data="not an object")


def test_only_the_right_people_act(plan: FollowUpPlan, supplier_user: Any, officer: Any,
                                   other_supplier_user: Any, other_officer: Any) -> None:
    with pytest.raises(Forbidden):
        services.self_report_save(plan=plan, by=other_supplier_user, data=REPORT)
    with pytest.raises(Forbidden):
        services.self_report_save(plan=plan, by=officer, data=REPORT)
    services.self_report_submit(plan=plan, by=supplier_user, data=REPORT)
    for user in (supplier_user, other_officer, other_supplier_user):
        with pytest.raises(Forbidden):
            services.self_report_review(plan=plan, by=user, outcome="accepted")
        with pytest.raises(Forbidden):
            services.follow_up_close(plan=plan, by=user, note="Slutt.")


def test_closing_without_an_accepted_report_needs_a_reason(plan: FollowUpPlan,
                                                           officer: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.follow_up_close(plan=plan, by=officer)
    assert "note" in exc.value.fields
    services.follow_up_close(plan=plan, by=officer, note="Kontrakten er avsluttet.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.closed_at is not None
    with pytest.raises(Conflict):
        services.follow_up_close(plan=plan, by=officer, note="Igjen.")


def test_reminders_are_sent_once_each_step(plan: FollowUpPlan, supplier_user: Any,
                                           officer: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    due = plan.self_report_due

    def at(days_before: int) -> Any:
        return timezone.make_aware(datetime.datetime.combine(
            due - timedelta(days=days_before), datetime.time(12)))

    assert services.follow_up_remind(now=at(30)) == 0
    assert services.follow_up_remind(now=at(14)) == 1
    assert services.follow_up_remind(now=at(13)) == 0  # the same step, not again
    assert services.follow_up_remind(now=at(3)) == 1
    assert services.follow_up_remind(now=at(-1)) == 1
    assert services.follow_up_remind(now=at(-2)) == 0
    keys = sorted(InboxMessage.objects.filter(user=supplier_user, key__contains=":due-")
                  .values_list("key", flat=True))
    assert keys == [f"followup:{plan.pk}:due-14", f"followup:{plan.pk}:due-3"]
    assert InboxMessage.objects.filter(user=supplier_user,
                                       key=f"followup:{plan.pk}:overdue").exists()
    assert not InboxMessage.objects.filter(user=officer, key__contains=":due-").exists()


def test_a_submitted_report_is_not_reminded(plan: FollowUpPlan, supplier_user: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    services.self_report_submit(plan=plan, by=supplier_user, data=REPORT)
    late = timezone.make_aware(datetime.datetime.combine(
        plan.self_report_due + timedelta(days=5), datetime.time(12)))
    services.follow_up_remind(now=late)  # (the buyer is reminded of the review instead)
    assert not InboxMessage.objects.filter(user=supplier_user, key__contains=":due-").exists()
    assert not InboxMessage.objects.filter(user=supplier_user,
                                           key=f"followup:{plan.pk}:overdue").exists()


def test_the_due_date_is_written_in_each_recipients_language(
        plan: FollowUpPlan, supplier_user: Any) -> None:
    """backend.formatting.format_day: the Oslo calendar day, in words of the reader's
    language (not strftime)."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Role
    from tests.conftest import make_user

    due = datetime.date(2027, 3, 5)
    FollowUpPlan.objects.filter(pk=plan.pk).update(self_report_due=due)
    supplier_user.language = "en"
    supplier_user.save(update_fields=["language"])
    norwegian = make_user("kari@fjordbygg.example", plan.contract.supplier, Role.SUPPLIER_ADMIN)
    norwegian.language = "nb"
    norwegian.save(update_fields=["language"])
    now = timezone.make_aware(datetime.datetime.combine(due - timedelta(days=14),
                                                        datetime.time(12)))
    assert services.follow_up_remind(now=now) == 2
    english = InboxMessage.objects.get(user=supplier_user, key=f"followup:{plan.pk}:due-14")
    bokmal = InboxMessage.objects.get(user=norwegian, key=f"followup:{plan.pk}:due-14")
    assert "5 March 2027" in english.subject and "5 March 2027" in english.body
    assert "5. mars 2027" in bokmal.subject and "5. mars 2027" in bokmal.body
    assert "05.03.2027" not in english.body + bokmal.body


def test_format_day_keeps_the_oslo_day_in_both_languages() -> None:
    from django.utils import translation

    from backend.formatting import format_day

    day = datetime.date(2026, 12, 31)
    with translation.override("nb"):
        assert format_day(day) == "31. desember 2026"
        assert format_day(day, "short").startswith("31.12.2026")
    with translation.override("en"):
        assert format_day(day) == "31 December 2026"
    assert format_day(None) == "—"


def test_the_buyer_is_reminded_of_an_unreviewed_report_after_14_days_then_weekly(
        plan: FollowUpPlan, supplier_user: Any, officer: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    submitted = timezone.make_aware(datetime.datetime(2027, 1, 4, 10, 0))
    services.self_report_submit(plan=plan, by=supplier_user, data=REPORT, now=submitted)
    # The self-report's own reminders stop at submission; only the buyer's remain.
    FollowUpPlan.objects.filter(pk=plan.pk).update(self_report_due=datetime.date(2027, 6, 1))

    def on(days: int, hour: int = 12) -> Any:
        return submitted + timedelta(days=days, hours=hour - 10)

    def review_keys() -> list[str]:
        return sorted(InboxMessage.objects.filter(user=officer, key__contains=":review-wait:")
                      .values_list("key", flat=True))

    assert services.follow_up_remind(now=on(13)) == 0
    assert services.follow_up_remind(now=on(14)) == 1
    assert services.follow_up_remind(now=on(14, hour=20)) == 0  # the same period, not again
    assert services.follow_up_remind(now=on(20)) == 0
    assert services.follow_up_remind(now=on(21)) == 1
    assert services.follow_up_remind(now=on(27)) == 0
    assert services.follow_up_remind(now=on(28)) == 1
    assert review_keys() == [f"followup:{plan.pk}:review-wait:1:{n}" for n in (0, 1, 2)]
    message = InboxMessage.objects.get(user=officer, key=f"followup:{plan.pk}:review-wait:1:0")
    assert "14" in message.body and message.path == f"/follow-ups/{plan.pk}/"
    assert not InboxMessage.objects.filter(user=supplier_user,
                                           key__contains=":review-wait:").exists()
    # Reviewed: no more reminders, whatever the date.
    services.self_report_review(plan=plan, by=officer, outcome="accepted", now=on(29))
    assert services.follow_up_remind(now=on(35)) == 0
    assert len(review_keys()) == 3


def test_a_resubmitted_report_counts_its_wait_afresh(plan: FollowUpPlan, supplier_user: Any,
                                                     officer: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    first = timezone.make_aware(datetime.datetime(2027, 1, 4, 10, 0))
    FollowUpPlan.objects.filter(pk=plan.pk).update(self_report_due=datetime.date(2027, 6, 1))
    services.self_report_submit(plan=plan, by=supplier_user, data=REPORT, now=first)
    assert services.follow_up_remind(now=first + timedelta(days=15)) == 1
    services.self_report_review(plan=plan, by=officer, outcome="more_information",
                                note="Mer om underleverandørene.",
                                now=first + timedelta(days=16))
    again = first + timedelta(days=17)
    services.self_report_submit(plan=plan, by=supplier_user, data=REPORT, now=again)
    assert services.follow_up_remind(now=again + timedelta(days=13)) == 0
    assert services.follow_up_remind(now=again + timedelta(days=14)) == 1
    assert InboxMessage.objects.filter(user=officer,
                                       key=f"followup:{plan.pk}:review-wait:2:0").exists()


def test_the_review_reminder_is_in_the_buyers_language(plan: FollowUpPlan, supplier_user: Any,
                                                        officer: Any) -> None:
    from datetime import timedelta


    officer.language = "nb"
    officer.save(update_fields=["language"])
    submitted = datetime.datetime(2027, 1, 4, 23, 30, tzinfo=datetime.UTC)  # 5 Jan in Oslo
    FollowUpPlan.objects.filter(pk=plan.pk).update(self_report_due=datetime.date(2027, 6, 1))
    services.self_report_submit(plan=plan, by=supplier_user, data=REPORT, now=submitted)
    services.follow_up_remind(now=submitted + timedelta(days=14))
    message = InboxMessage.objects.get(user=officer, key__contains=":review-wait:")
    assert "5. januar 2027" in message.body
