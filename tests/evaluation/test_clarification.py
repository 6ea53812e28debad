"""Clarification requests and missing documents: the supplier is told in the inbox and by
e-mail, answers in the app or through the API before the deadline (the database clock, the
request's row locked), and the answer is recorded once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from backend.errors import ApplicationError, Conflict, NotFound
from evaluation.models import EvaluationEvent, EvaluationEventKind
from evaluation.qualification.models import ClarificationRequest
from evaluation.qualification.services import (
    Attachment,
    clarification_answer,
    clarification_request,
)
from notices.following.models import InboxKind, InboxMessage
from tests.evaluation.conftest import Opened


@pytest.fixture
def asked(cleared: Opened, later: Callable[..., Any],
          django_capture_on_commit_callbacks: Any) -> ClarificationRequest:
    with django_capture_on_commit_callbacks(execute=True):
        return clarification_request(
            submission=cleared.bids[0], kind="missing_document",
            question="Send firmaattesten som mangler.", deadline=later(days=3),
            requirement=cleared.requirements[1], by=cleared.member)


def web(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_the_supplier_is_told_in_the_inbox_and_by_e_mail(
        asked: ClarificationRequest, supplier_user: User, other_supplier_user: User) -> None:
    [message] = InboxMessage.objects.all()
    assert (message.user, message.kind, message.event) == (supplier_user, InboxKind.CLARIFICATION,
                                                           None)
    assert message.path == f"/evaluation/clarifications/{asked.pk}/"
    assert "firmaattesten" in message.body
    assert message.emailed_at is not None
    [sent] = mail.outbox
    assert sent.to == [supplier_user.email] and "firmaattesten" in sent.body
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.CLARIFICATION_REQUESTED)
    assert event.data["asked_for"] == "missing_document"
    inbox = web(supplier_user).get("/inbox/")
    assert f'/evaluation/clarifications/{asked.pk}/"' in inbox.content.decode()  # absolute link


def test_the_deadline_must_be_ahead(cleared: Opened, later: Callable[..., Any]) -> None:
    with pytest.raises(ApplicationError) as refused:
        clarification_request(submission=cleared.bids[0], kind="clarification",
                              question="Hva betyr punkt 3?", deadline=later(days=-1),
                              by=cleared.member)
    assert "deadline" in refused.value.fields
    assert not ClarificationRequest.objects.exists()


def test_the_supplier_answers_through_the_api(asked: ClarificationRequest, supplier_user: User,
                                              api_for: Callable[[Any], Any]) -> None:
    url = f"/api/notices/{asked.notice_id}/evaluation/clarifications/{asked.pk}"
    client = api_for(supplier_user)
    assert client.get(url).json()["question"] == "Send firmaattesten som mangler."
    response = client.post(url + "/answer", {"answer": "Vedlagt."}, format="json")
    assert response.status_code == 201, response.json()
    asked.refresh_from_db()
    assert (asked.answer, asked.answered_by) == ("Vedlagt.", supplier_user)
    again = client.post(url + "/answer", {"answer": "En gang til."}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "answered"
    assert EvaluationEvent.objects.filter(
        kind=EvaluationEventKind.CLARIFICATION_ANSWERED).count() == 1
    mine = client.get(f"/api/notices/{asked.notice_id}/evaluation/clarifications").json()
    assert [c["id"] for c in mine] == [asked.pk]


def test_an_answer_after_the_deadline_is_refused_by_the_database_clock(
        asked: ClarificationRequest, supplier_user: User) -> None:
    with pytest.raises(Conflict) as refused:
        clarification_answer(request=asked, by=supplier_user, answer="For sent.",
                             now=asked.deadline + timedelta(seconds=1))
    assert refused.value.code == "deadline_passed"
    ClarificationRequest.objects.filter(pk=asked.pk).update(
        deadline=asked.asked_at + timedelta(milliseconds=1))
    asked.refresh_from_db()
    with pytest.raises(Conflict):  # no `now`: the database's clock decides
        clarification_answer(request=asked, by=supplier_user, answer="For sent.")
    asked.refresh_from_db()
    assert asked.answered_at is None and asked.answer == ""


def test_only_the_bids_supplier_answers(asked: ClarificationRequest, other_supplier_user: User,
                                        api_for: Callable[[Any], Any], cleared: Opened) -> None:
    with pytest.raises(NotFound):
        clarification_answer(request=asked, by=other_supplier_user, answer="Hei.")
    url = f"/api/notices/{asked.notice_id}/evaluation/clarifications/{asked.pk}"
    assert api_for(other_supplier_user).get(url).status_code == 404
    assert api_for(other_supplier_user).post(url + "/answer", {"answer": "x"},
                                             format="json").status_code == 404
    assert api_for(cleared.member).get(url).status_code == 200
    assert api_for(cleared.member).post(url + "/answer", {"answer": "x"},
                                        format="json").status_code == 403


def test_an_empty_answer_is_refused(asked: ClarificationRequest, supplier_user: User) -> None:
    with pytest.raises(ApplicationError) as refused:
        clarification_answer(request=asked, by=supplier_user, answer="  ")
    assert "answer" in refused.value.fields


def test_the_supplier_sends_the_missing_document_from_the_web_page(
        asked: ClarificationRequest, supplier_user: User, cleared: Opened,
        other_supplier_user: User) -> None:
    page = f"/evaluation/clarifications/{asked.pk}/"
    client = web(supplier_user)
    assert 'id="answer-form"' in client.get(page).content.decode()
    document = SimpleUploadedFile("firmaattest.pdf", b"%PDF attest", "application/pdf")
    response = client.post(page, {"answer": "Her er attesten.", "file": document})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.attachment_name == "firmaattest.pdf"
    assert asked.attachment_size == len(b"%PDF attest")
    download = web(cleared.member).get(page + "attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF attest"  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/octet-stream"
    assert web(supplier_user).get(page + "attachment/").status_code == 200
    assert web(other_supplier_user).get(page + "attachment/").status_code == 404
    assert web(other_supplier_user).get(page).status_code == 404


def test_an_answer_with_a_document_through_the_api(asked: ClarificationRequest,
                                                   supplier_user: User,
                                                   api_for: Callable[[Any], Any]) -> None:
    url = f"/api/notices/{asked.notice_id}/evaluation/clarifications/{asked.pk}"
    client = api_for(supplier_user)
    upload = SimpleUploadedFile("attest.pdf", b"%PDF", "application/pdf")
    response = client.post(url + "/answer", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["attachment"]["name"] == "attest.pdf"
    assert client.get(url + "/attachment").status_code == 200


def test_a_failed_answer_leaves_no_stored_document(asked: ClarificationRequest,
                                                   supplier_user: User) -> None:
    upload = SimpleUploadedFile("sent.pdf", b"%PDF", "application/pdf")
    with pytest.raises(Conflict):
        clarification_answer(request=asked, by=supplier_user, answer="",
                             attachment=Attachment("sent.pdf", upload),
                             now=asked.deadline + timedelta(seconds=1))
    from bids.opening.services import private_storage

    folder = f"clarifications/{asked.notice_id}/{asked.pk}"
    assert not private_storage().exists(folder) or not private_storage().listdir(folder)[1]


def test_the_committee_asks_from_the_bid_page(cleared: Opened, later: Callable[..., Any]) -> None:
    bid = cleared.bids[1]
    url = f"/evaluation/notices/{cleared.notice.pk}/bids/{bid.pk}/clarify/"
    bad = web(cleared.member).post(url, {"kind": "clarification", "question": "",
                                         "deadline": ""})
    assert bad.status_code == 400
    assert 'id="id_question_errors"' in bad.content.decode()
    deadline = later(days=2).astimezone().strftime("%Y-%m-%d %H:%M")
    good = web(cleared.member).post(url, {"kind": "clarification", "question": "Forklar.",
                                          "deadline": deadline})
    assert good.status_code == 302
    assert ClarificationRequest.objects.get().submission == bid
