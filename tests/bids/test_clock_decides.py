"""The clock decides, in every write (issue 8, part 1).

Each test puts the deadline one second behind the database clock and never runs the close job:
the notice is still "published", so only a check against the database clock, made in the
writing transaction, can refuse. Runs on SQLite and, in CI, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from typing import Any

import pytest

from accounts.models import Role
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict
from bids import committee as committee_services
from bids import submission
from bids.models import CommitteeMember, SealedShare, Submission, SubmissionStatus, UploadPart
from bids.opening import services as opening
from crypto.member_keys import generate_member_key
from notices import services as notice_services
from notices.documents import services as documents
from notices.models import DocumentVersion, Notice, NoticeStatus, NoticeVersion
from notices.questions import services as questions
from notices.questions.models import Question
from tests.bids.conftest import Tender, base, fake_wrapped, put_part, seal_for, start
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def one_second_past(notice: Notice) -> None:
    """The deadline one second behind the database clock; the close job never runs."""
    Notice.objects.filter(pk=notice.pk).update(submission_deadline=db_now() - timedelta(seconds=1),
                                               question_deadline=db_now() - timedelta(days=1))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED


def test_it_refuses_to_move_the_deadline_after_it_passed_and_then_takes_no_bid(
        tender: Tender, officer: Any, api_for: Any, supplier_user: Any) -> None:
    """The reported attack: extend the deadline after it passed, then submit a bid."""
    notice = tender.notice
    one_second_past(notice)
    versions = NoticeVersion.objects.filter(notice=notice).count()
    later = (db_now() + timedelta(days=7)).isoformat()
    response = api_for(officer).post(f"/api/notices/{notice.pk}/extend-deadline/",
                                     {"submission_deadline": later, "reason": "Flere tilbud"},
                                     format="json")
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["code"] == "deadline_passed"
    assert "cancel" in error["message"] and "announce" in error["message"]
    assert "submission_deadline" in error["fields"]
    notice.refresh_from_db()
    assert notice.submission_deadline < db_now()
    assert NoticeVersion.objects.filter(notice=notice).count() == versions
    sealed = api_for(supplier_user).post(f"{base(notice)}server-sealed", data=b"%PDF price 100",
                                         content_type="application/octet-stream",
                                         HTTP_X_FILENAME="tilbud.pdf")
    assert sealed.status_code in (409, 410), sealed.content
    assert not Submission.objects.filter(notice=notice, status=SubmissionStatus.SEALED).exists()


def test_it_refuses_every_change_notice_after_the_deadline(tender: Tender, officer: Any) -> None:
    notice = tender.notice
    one_second_past(notice)
    for fields in ({"submission_deadline": db_now() + timedelta(days=30)},
                   {"question_deadline": db_now() + timedelta(days=3)},
                   {"description": "Ny beskrivelse"}):
        with pytest.raises(Conflict) as caught:
            notice_services.notice_change_publish(notice=notice, by=officer, reason="Endring",
                                                  fields=fields)
        assert caught.value.code == "deadline_passed"
    with pytest.raises(Conflict):
        notice_services.notice_deadline_extend(notice=notice, by=officer,
                                               submission_deadline=db_now() + timedelta(days=9))
    assert NoticeVersion.objects.filter(notice=notice).count() == 1


def test_it_still_extends_a_deadline_that_has_not_passed(tender: Tender, officer: Any) -> None:
    notice = tender.notice
    Notice.objects.filter(pk=notice.pk).update(submission_deadline=db_now() + timedelta(hours=1),
                                               question_deadline=db_now() + timedelta(minutes=30))
    notice.refresh_from_db()
    notice_services.notice_deadline_extend(notice=notice, by=officer,
                                           submission_deadline=db_now() + timedelta(days=9))
    notice.refresh_from_db()
    assert notice.submission_deadline > db_now() + timedelta(days=8)


def test_it_refuses_a_document_change_after_the_deadline(tender: Tender, officer: Any) -> None:
    notice = tender.notice
    one_second_past(notice)
    with pytest.raises(Conflict) as caught:
        documents.document_upload(notice=notice, by=officer, stream=io.BytesIO(b"%PDF v2"),
                                  filename="konkurransegrunnlag.pdf")
    assert caught.value.code == "deadline_passed"
    assert not DocumentVersion.objects.filter(document__notice=notice).exists()


def test_it_refuses_a_question_after_the_deadline(tender: Tender, supplier_user: Any) -> None:
    notice = tender.notice
    Notice.objects.filter(pk=notice.pk).update(submission_deadline=db_now() - timedelta(seconds=1),
                                               question_deadline=None)
    notice.refresh_from_db()
    with pytest.raises(ApplicationError):
        questions.question_ask(notice=notice, by=supplier_user, text="Kan vi levere senere?")
    assert not Question.objects.filter(notice=notice).exists()


def test_it_refuses_committee_changes_after_the_deadline(tender: Tender, officer: Any,
                                                        authority: Any) -> None:
    notice = tender.notice
    one_second_past(notice)
    newcomer = make_user("ny@bergen.example", authority, Role.COMMITTEE_MEMBER)
    with pytest.raises(Conflict):
        committee_services.committee_member_add(notice=notice, user=newcomer, by=officer)
    seat = tender.members[0].member
    with pytest.raises(Conflict):
        committee_services.committee_member_remove(member=seat, by=officer, reason="Inhabil")
    with pytest.raises(Conflict):
        committee_services.committee_member_enrol_key(
            member=seat, by=tender.members[0].user,
            wrapped_key=fake_wrapped("late-key", generate_member_key()))
    with pytest.raises(Conflict):
        committee_services.manifest_republish(notice=notice, by=officer, reason="Ny nøkkel")
    assert CommitteeMember.objects.filter(committee__notice=notice,
                                          removed_at__isnull=True).count() == 3


def test_it_refuses_to_start_a_bid_after_the_deadline(tender: Tender, supplier: Any,
                                                     supplier_user: Any) -> None:
    one_second_past(tender.notice)
    with pytest.raises(ApplicationError):
        submission.submission_start(notice=tender.notice, supplier=supplier, by=supplier_user)
    assert not Submission.objects.filter(notice=tender.notice).exists()


def _begun(tender: Tender, supplier_api: Any) -> tuple[Submission, Any]:
    started = start(supplier_api, tender.notice)
    return Submission.objects.get(pk=started["id"]), seal_for(started, b"pris 1 000 000")


def test_it_refuses_a_part_after_the_deadline(tender: Tender, supplier_api: Any,
                                              supplier_user: Any) -> None:
    sub, sealed = _begun(tender, supplier_api)
    one_second_past(tender.notice)
    response = put_part(supplier_api, tender.notice, str(sub.pk), 0, sealed.blob)
    assert response.status_code in (409, 410), response.json()
    with pytest.raises(ApplicationError):
        submission.submission_part_put(submission=sub, index=0, stream=io.BytesIO(sealed.blob),
                                       sha256=hashlib.sha256(sealed.blob).hexdigest(),
                                       by=supplier_user)
    assert not UploadPart.objects.filter(submission=sub).exists()


def test_it_refuses_sealed_shares_for_an_unfinished_bid_after_the_deadline(
        tender: Tender, supplier_api: Any, supplier_user: Any) -> None:
    sub, sealed = _begun(tender, supplier_api)
    response = put_part(supplier_api, tender.notice, str(sub.pk), 0, sealed.blob)
    assert response.status_code == 201
    one_second_past(tender.notice)
    with pytest.raises(ApplicationError):
        submission.submission_shares_put(submission=sub, by=supplier_user,
                                         document=sealed.shares)
    answer = supplier_api.post(f"{base(tender.notice)}{sub.pk}/sealed-shares", sealed.shares,
                               format="json")
    assert answer.status_code in (409, 410), answer.json()
    assert not SealedShare.objects.filter(submission=sub).exists()


def test_it_refuses_to_finalise_after_the_deadline(tender: Tender, supplier_api: Any,
                                                   supplier_user: Any) -> None:
    sub, sealed = _begun(tender, supplier_api)
    assert put_part(supplier_api, tender.notice, str(sub.pk), 0, sealed.blob).status_code == 201
    submission.submission_shares_put(submission=sub, by=supplier_user, document=sealed.shares)
    one_second_past(tender.notice)
    with pytest.raises(ApplicationError):
        submission.submission_finalize(submission=sub, by=supplier_user, claimed=sealed.digest)
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.UPLOADING and sub.received_at is None


def test_it_starts_the_opening_one_second_after_the_deadline_without_the_close_job(
        tender: Tender, officer: Any) -> None:
    Notice.objects.filter(pk=tender.notice.pk).update(
        submission_deadline=db_now() + timedelta(seconds=30))
    tender.notice.refresh_from_db()
    with pytest.raises(ApplicationError):
        opening.opening_start(notice=tender.notice, by=officer)  # before: refused
    one_second_past(tender.notice)
    session = opening.opening_start(notice=tender.notice, by=officer)
    assert session.pk is not None
