"""The notice services: one transition each, compare-and-swap, an event per change."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.dateparse import parse_datetime

from backend.errors import ApplicationError, Conflict, Forbidden
from notices import services
from notices.models import Notice, NoticeEvent, NoticeStatus, VersionKind
from notices.signals import notice_changed
from notices.transitions import notice_flip

pytestmark = pytest.mark.django_db


def test_it_keeps_a_draft_private_and_unversioned(make_notice):
    notice = make_notice(publish=False)
    assert notice.status == NoticeStatus.DRAFT
    assert notice.versions.count() == 0
    assert notice.reference.startswith("ANB-")


def test_it_publishes_with_a_frozen_version_and_an_event(make_notice, officer):
    notice = make_notice()
    version = notice.versions.get()
    assert version.kind == VersionKind.ORIGINAL
    assert version.snapshot["title"] == notice.title
    event = NoticeEvent.objects.get(notice=notice, kind="status.published")
    assert event.by == officer
    assert event.data == {"from": "draft", "to": "published", "reason": ""}


def test_it_refuses_to_publish_twice(make_notice, officer):
    notice = make_notice()
    with pytest.raises(Conflict):
        services.notice_publish(notice=notice, by=officer)


def test_it_refuses_to_publish_with_problems_and_changes_nothing(make_notice, officer, now):
    notice = make_notice(publish=False, submission_deadline=now - timedelta(hours=1),
                         question_deadline=None)
    with pytest.raises(ApplicationError) as info:
        services.notice_publish(notice=notice, by=officer, now=now)
    assert "has already passed" in info.value.message
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT
    assert not notice.events.filter(kind="status.published").exists()


def test_it_never_edits_a_published_notice_in_place(make_notice, officer):
    notice = make_notice()
    with pytest.raises(Conflict):
        services.notice_update_draft(notice=notice, by=officer, fields={"title": "Nytt"})
    notice.refresh_from_db()
    assert notice.title != "Nytt"


def test_it_publishes_a_change_notice_with_a_reason_and_a_diff(make_notice, officer, now):
    notice = make_notice(at=now)
    old_deadline = notice.submission_deadline
    new_deadline = old_deadline + timedelta(days=7)
    version = services.notice_change_publish(
        notice=notice, by=officer, reason="Lengre frist etter spørsmål.",
        fields={"submission_deadline": new_deadline.isoformat()}, now=now + timedelta(days=1))
    assert version.number == 2 and version.kind == VersionKind.CHANGE
    assert [change["field"] for change in version.diff] == ["submission_deadline"]
    assert parse_datetime(version.diff[0]["old"]) == old_deadline
    assert parse_datetime(version.diff[0]["new"]) == new_deadline
    notice.refresh_from_db()
    assert notice.version == 2
    assert notice.submission_deadline == new_deadline
    # The original version is untouched.
    assert notice.versions.get(number=1).snapshot["submission_deadline"] == version.diff[0]["old"]


def test_it_refuses_a_change_notice_without_reason_or_change(make_notice, officer):
    notice = make_notice()
    with pytest.raises(ApplicationError):
        services.notice_change_publish(notice=notice, by=officer, reason=" ", fields={"title": "X"})
    with pytest.raises(ApplicationError) as info:
        services.notice_change_publish(notice=notice, by=officer, reason="ingen",
                                       fields={"title": notice.title})
    assert info.value.code == "no_change"
    assert notice.versions.count() == 1


def test_a_change_notice_is_checked_against_the_original_publication(make_notice, officer, now):
    notice = make_notice(kind="cn", estimated_value=Decimal("5000000"),
                         submission_deadline=now + timedelta(days=31),
                         question_deadline=now + timedelta(days=20), at=now)
    with pytest.raises(ApplicationError) as info:
        services.notice_change_publish(
            notice=notice, by=officer, reason="Kortere frist",
            fields={"submission_deadline": (now + timedelta(days=20)).isoformat(),
                    "question_deadline": (now + timedelta(days=10)).isoformat()},
            now=now + timedelta(days=1))
    assert "at least 30 days" in info.value.message
    notice.refresh_from_db()
    assert notice.version == 1


def test_it_cancels_with_a_reason(make_notice, officer):
    notice = make_notice()
    version = services.notice_cancel(notice=notice, by=officer, reason="Behovet har falt bort.")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CANCELLED
    assert version.kind == VersionKind.CANCELLATION and version.number == 2
    assert notice.events.filter(kind="status.cancelled",
                                data__reason="Behovet har falt bort.").exists()
    with pytest.raises(Conflict):
        services.notice_cancel(notice=notice, by=officer, reason="igjen")


def test_the_compare_and_swap_refuses_a_stale_transition(make_notice, officer):
    notice = make_notice()
    stale = Notice.objects.get(pk=notice.pk)
    services.notice_cancel(notice=notice, by=officer, reason="Avlyst")
    with pytest.raises(Conflict):
        notice_flip(stale, NoticeStatus.PUBLISHED, NoticeStatus.CLOSED, by=None,
                    at=stale.updated_at)


def test_it_closes_notices_whose_deadline_passed_once(make_notice, now):
    notice = make_notice(at=now)
    assert services.notice_close_due(now=now) == 0
    later = notice.submission_deadline + timedelta(seconds=1)
    assert services.notice_close_due(now=later) == 1
    assert services.notice_close_due(now=later) == 0  # idempotent
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED


def test_only_the_buyers_officers_may_write(make_notice, other_officer, supplier_user):
    notice = make_notice(publish=False)
    for stranger in (other_officer, supplier_user):
        with pytest.raises(Forbidden):
            services.notice_publish(notice=notice, by=stranger)
        with pytest.raises(Forbidden):
            services.notice_update_draft(notice=notice, by=stranger, fields={"title": "x"})


def test_a_committee_member_cannot_publish(make_notice, authority):
    from tests.conftest import make_user

    member = make_user("komite@bergen.example", authority, "committee_member")
    notice = make_notice(publish=False)
    with pytest.raises(Forbidden):
        services.notice_publish(notice=notice, by=member)


def test_it_announces_changes_after_commit(make_notice, officer,
                                           django_capture_on_commit_callbacks):
    received = []

    def receiver(**kwargs):
        received.append((kwargs["change"], kwargs["version"]))

    notice_changed.connect(receiver)
    try:
        notice = make_notice(publish=False)
        with django_capture_on_commit_callbacks(execute=True):
            services.notice_publish(notice=notice, by=officer)
        with django_capture_on_commit_callbacks(execute=True):
            services.notice_cancel(notice=notice, by=officer, reason="Avlyst")
    finally:
        notice_changed.disconnect(receiver)
    assert received == [("published", 1), ("cancelled", 2)]
