"""One event per status change, for every service that changes the status of a submission,
an opening session or an opened bid (tests/transitions_check.py does the counting)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import Organization, User
from backend.clock import db_now
from backend.errors import ApplicationError, Conflict
from backend.transitions import TransitionNotAllowed
from bids import submission
from bids.models import BidEvent, SubmissionStatus
from bids.opening import services as opening
from bids.opening.models import OpeningSession, OpeningStatus
from bids.transitions import submission_flip
from notices.models import Notice
from tests.bids.conftest import storage_fails_on_second_read
from tests.bids.test_opening import Tender, pass_deadline, send, setup_tender, submit
from tests.transitions_check import Change, one_event_per_transition

OFFER = {"tilbud.txt": b"Pris: 1 000 000 NOK"}


@pytest.fixture
def tender(make_notice: Callable[..., Notice], officer: User,
           authority: Organization) -> Tender:
    return setup_tender(make_notice, officer, authority)


@pytest.fixture
def two_bids(tender: Tender, supplier: Organization, supplier_user: User,
             other_supplier: Organization, other_supplier_user: User) -> Tender:
    submit(tender, supplier, supplier_user, OFFER)
    submit(tender, other_supplier, other_supplier_user, {"offer.txt": b"Price 990 000 NOK"})
    pass_deadline(tender)
    return tender


def sub_change(sub: Any, old: str, new: str) -> Change:
    return Change("submission", str(sub.pk), old, new)


# --- submissions -------------------------------------------------------------------------------


def test_it_writes_one_event_when_a_bid_is_sealed_and_when_it_is_superseded(
        tender: Tender, supplier: Organization, supplier_user: User) -> None:
    with one_event_per_transition() as changes:
        first = submit(tender, supplier, supplier_user, OFFER)
    assert changes == [sub_change(first, "uploading", "sealed")]
    with one_event_per_transition() as changes:
        second = submit(tender, supplier, supplier_user, {"tilbud.txt": b"Pris: 900 000 NOK"})
    assert sorted(changes, key=str) == sorted(
        [sub_change(first, "sealed", "superseded"), sub_change(second, "uploading", "sealed")],
        key=str)


def test_it_writes_one_event_when_a_sealed_bid_is_withdrawn(
        tender: Tender, supplier: Organization, supplier_user: User) -> None:
    sub = submit(tender, supplier, supplier_user, OFFER)
    with one_event_per_transition() as changes:
        submission.submission_withdraw(submission=sub, by=supplier_user)
    assert changes == [sub_change(sub, "sealed", "withdrawn")]


def test_it_writes_one_event_when_the_supplier_abandons_an_upload(
        tender: Tender, supplier: Organization, supplier_user: User) -> None:
    sub = submission.submission_start(notice=tender.notice, supplier=supplier, by=supplier_user)
    with one_event_per_transition() as changes:
        submission.submission_withdraw(submission=sub, by=supplier_user)
    assert changes == [sub_change(sub, "uploading", "abandoned")]


def test_it_writes_one_event_when_server_sealing_fails_and_the_upload_is_abandoned(
        tender: Tender, supplier: Organization, supplier_user: User,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise ApplicationError("refused for the test")

    monkeypatch.setattr(submission, "_commit", refused)
    data = b"Pris: 1 000 000 NOK"
    with one_event_per_transition() as changes, pytest.raises(ApplicationError):
        submission.submission_seal_on_server(notice=tender.notice, supplier=supplier,
                                             by=supplier_user, stream=io.BytesIO(data),
                                             filename="tilbud.txt", length=len(data))
    assert [(c.aggregate, c.old, c.new) for c in changes] == [
        ("submission", "uploading", "abandoned")]


def test_it_writes_one_event_when_the_cleanup_abandons_unfinished_uploads(
        tender: Tender, supplier: Organization, supplier_user: User,
        other_supplier: Organization, other_supplier_user: User) -> None:
    sealed = submit(tender, supplier, supplier_user, OFFER)
    unfinished = submission.submission_start(notice=tender.notice, supplier=other_supplier,
                                             by=other_supplier_user)
    Notice.objects.filter(pk=tender.notice.pk).update(
        submission_deadline=db_now() - timedelta(seconds=1))
    with one_event_per_transition() as changes:
        assert submission.submissions_cleanup_unfinished() == 1
    assert changes == [sub_change(unfinished, "uploading", "abandoned")]
    event = BidEvent.objects.get(submission=unfinished, kind="submission.abandoned")
    assert event.by is None and event.data["reason"] == "unfinished at the deadline"
    sealed.refresh_from_db()
    assert sealed.status == SubmissionStatus.SEALED
    with one_event_per_transition() as changes:
        assert submission.submissions_cleanup_unfinished() == 0  # idempotent
    assert changes == []


def test_the_submission_flip_refuses_an_edge_outside_its_table_and_a_stale_swap(
        tender: Tender, supplier: Organization, supplier_user: User) -> None:
    sub = submit(tender, supplier, supplier_user, OFFER)
    before = BidEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        submission_flip(sub, SubmissionStatus.SEALED, SubmissionStatus.UPLOADING, by=None,
                        at=sub.created_at)
    with pytest.raises(Conflict):
        submission_flip(sub, SubmissionStatus.UPLOADING, SubmissionStatus.SEALED, by=None,
                        at=sub.created_at)
    assert BidEvent.objects.count() == before


# --- the opening --------------------------------------------------------------------------------


def test_it_writes_one_event_when_an_opening_without_bids_ends_at_once(tender: Tender) -> None:
    pass_deadline(tender)
    with one_event_per_transition() as changes:
        session = opening.opening_start(notice=tender.notice, by=tender.officer)
    assert changes == [Change("opening", str(session.pk), "collecting", "opened")]


def test_it_writes_one_event_per_change_when_the_bids_are_opened(
        two_bids: Tender, django_capture_on_commit_callbacks: Any) -> None:
    tender = two_bids
    with one_event_per_transition() as changes:
        session = opening.opening_start(notice=tender.notice, by=tender.officer)
        send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    assert changes == []  # one member is not enough (k = 2)
    with one_event_per_transition() as changes:
        session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED, session.error
    summary = sorted((c.aggregate, c.old, c.new) for c in changes)
    assert summary == [("opened_bid", "pending", "opened")] * 2 + [
        ("opening", "collecting", "opening"), ("opening", "opening", "opened")] + [
        ("submission", "sealed", "opened")] * 2


def test_it_writes_one_event_per_change_when_the_opening_fails_and_goes_on(
        two_bids: Tender, django_capture_on_commit_callbacks: Any) -> None:
    tender = two_bids
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    # Forced to run with k-1 shares (as in test_opening): every bid fails.
    OpeningSession.objects.filter(pk=session.pk).update(status=OpeningStatus.OPENING)
    with one_event_per_transition() as changes:
        session = opening.opening_run(session_id=session.pk)
    assert session.status == OpeningStatus.FAILED
    assert sorted((c.aggregate, c.old, c.new) for c in changes) == [
        ("opened_bid", "pending", "failed")] * 2 + [("opening", "opening", "failed")]
    # Failing again is a change of the bids too (another attempt), with its own events.
    OpeningSession.objects.filter(pk=session.pk).update(status=OpeningStatus.OPENING)
    with one_event_per_transition() as changes:
        session = opening.opening_run(session_id=session.pk)
    assert sorted((c.aggregate, c.old, c.new) for c in changes) == [
        ("opened_bid", "failed", "failed")] * 2 + [("opening", "opening", "failed")]
    OpeningSession.objects.filter(pk=session.pk).update(status=OpeningStatus.FAILED)
    # The second member's shares restart the job, which opens everything.
    with one_event_per_transition() as changes:
        session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED, session.error
    assert sorted((c.aggregate, c.old, c.new) for c in changes) == [
        ("opened_bid", "failed", "opened")] * 2 + [
        ("opening", "failed", "opening"), ("opening", "opening", "opened")] + [
        ("submission", "sealed", "opened")] * 2


def test_it_writes_one_event_per_change_when_a_stopped_opening_is_resumed(
        two_bids: Tender, django_capture_on_commit_callbacks: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    tender = two_bids
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    storage_fails_on_second_read(monkeypatch)
    with one_event_per_transition() as changes:
        session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.FAILED
    assert sorted((c.aggregate, c.old, c.new) for c in changes) == [
        ("opened_bid", "pending", "opened"), ("opening", "collecting", "opening"),
        ("opening", "opening", "failed"), ("submission", "sealed", "opened")]
    with one_event_per_transition() as changes, django_capture_on_commit_callbacks(
            execute=True):
        opening.opening_resume(session=session, by=tender.officer)
    session.refresh_from_db()
    assert session.status == OpeningStatus.OPENED, session.error
    assert sorted((c.aggregate, c.old, c.new) for c in changes) == [
        ("opened_bid", "pending", "opened"), ("opening", "failed", "opening"),
        ("opening", "opening", "opened"), ("submission", "sealed", "opened")]


def test_it_writes_one_event_when_the_session_key_has_expired(
        two_bids: Tender, django_capture_on_commit_callbacks: Any) -> None:
    tender = two_bids
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    OpeningSession.objects.filter(pk=session.pk).update(status=OpeningStatus.OPENING)
    cache.clear()
    with one_event_per_transition() as changes:
        session = opening.opening_run(session_id=session.pk)
    assert changes == [Change("opening", str(session.pk), "opening", "failed")]
    assert "expired" in session.error


# --- the evaluation's rejection ----------------------------------------------------------------


def test_it_writes_one_event_when_the_evaluation_rejects_an_opened_bid(
        two_bids: Tender, django_capture_on_commit_callbacks: Any) -> None:
    from evaluation.qualification.services import bid_reject
    from evaluation.services import evaluation_start
    from tests.bids.conftest import declare_impartiality

    tender = two_bids
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    evaluation_start(notice=tender.notice, by=tender.officer)
    declare_impartiality(tender.notice, [tender.officer])
    sub = tender.bids[0]
    with one_event_per_transition() as changes:
        bid_reject(submission=sub, ground="substantial_deviation",
                   reasons="Forbeholdet i punkt 2 er et vesentlig avvik.", by=tender.officer)
    assert changes == [sub_change(sub, "opened", "rejected")]
    event = BidEvent.objects.get(submission=sub, kind="submission.rejected")
    assert event.data["ground"] == "substantial_deviation"
    # Only an opened bid is rejected: no edge from sealed.
    with pytest.raises(TransitionNotAllowed):
        submission_flip(tender.bids[1], SubmissionStatus.SEALED, SubmissionStatus.REJECTED,
                        by=None, at=sub.created_at)
