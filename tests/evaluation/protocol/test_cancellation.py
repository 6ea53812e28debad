"""Cancellation (avlysning) at every stage: a legal ground and reasons, letters to everyone
who took part, the cancellation on the board, a sent award decision withdrawn; refused after a
contract; permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from backend.errors import ApplicationError, Conflict, Forbidden
from evaluation.award.models import AwardEvent, AwardEventKind, AwardStatus
from evaluation.cancellation.services import procurement_cancel
from evaluation.protocol.builder import procurement_protocol
from notices.following.models import InboxKind, InboxMessage
from notices.models import Notice, NoticeEvent, NoticeStatus
from tests.evaluation.protocol.conftest import Procedure

pytestmark = pytest.mark.django_db
REASONS = "Alle tilbudene overstiger budsjettet med mer enn 40 prosent."


def test_ground_and_reasons_are_required_and_named(make_notice: Callable[..., Notice],
                                                   officer: User) -> None:
    notice = make_notice()
    with pytest.raises(ApplicationError) as caught:
        procurement_cancel(notice=notice, by=officer, ground="", reasons=" ")
    assert set(caught.value.fields) == {"ground", "reasons"}
    with pytest.raises(ApplicationError) as caught:
        procurement_cancel(notice=notice, by=officer, ground="whim", reasons=REASONS)
    assert set(caught.value.fields) == {"ground"}
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    assert not AwardEvent.objects.filter(notice=notice).exists()


def test_cancel_a_published_notice(make_notice: Callable[..., Notice], officer: User,
                                   client: Client) -> None:
    notice = make_notice()
    event = procurement_cancel(notice=notice, by=officer, ground="changed_needs",
                               reasons="Behovet har falt bort etter omorganisering.")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CANCELLED
    assert event.kind == AwardEventKind.CANCELLED and event.data["stage"] == "published"
    assert event.data["paragraph"] == "FOA § 10-4"  # a Part II notice
    assert NoticeEvent.objects.filter(notice=notice, kind="status.cancelled").count() == 1
    # On the board: the ground and the reasons.
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Behovet har falt bort etter omorganisering." in page
    assert "FOA § 10-4" in page
    with pytest.raises(Conflict):
        procurement_cancel(notice=notice, by=officer, ground="other", reasons="Igjen.")


def test_cancel_after_a_sent_award_withdraws_it_and_tells_everyone(
        procedure: Callable[..., Procedure]) -> None:
    full = procedure(award="sent")
    assert full.decision is not None
    bidder = full.bidders[0]
    bidder.language = "en"
    bidder.save(update_fields=["language"])
    full.members[1].language = "nb"
    full.members[1].save(update_fields=["language"])
    event = procurement_cancel(notice=full.notice, by=full.officer, ground="funding",
                               reasons=REASONS)
    full.decision.refresh_from_db()
    assert full.decision.status == AwardStatus.WITHDRAWN
    assert event.data["stage"] == "award_sent"
    assert event.data["withdrawn_decisions"] == [full.decision.pk]
    letters = InboxMessage.objects.filter(notice=full.notice,
                                          kind=InboxKind.PROCUREMENT_CANCELLED)
    told = {m.user_id for m in letters}
    # Every supplier with a received, opened or rejected bid, and the committee; not the
    # supplier whose attempt came too late (nothing was received from it).
    assert told == {*(u.pk for u in full.bidders), *(m.pk for m in full.members)}
    assert full.late_bidder.pk not in told
    english = letters.get(user=bidder)
    assert english.subject.startswith("Cancelled:") and REASONS in english.body
    norwegian = letters.get(user=full.members[1])
    assert norwegian.subject.startswith("Avlyst:")
    # The protocol has it, with the ground, in its own stage, last.
    protocol = procurement_protocol(full.notice)
    assert protocol.stages[-1].code == "cancellation"
    kinds = [e.kind for e in protocol.stages[-1].entries]
    assert sorted(kinds) == ["procurement.cancelled", "status.cancelled"]
    assert protocol.header.cancellation and REASONS in protocol.header.cancellation[0]


def test_refused_after_a_contract(procedure: Callable[..., Procedure]) -> None:
    full = procedure()
    with pytest.raises(Conflict) as caught:
        procurement_cancel(notice=full.notice, by=full.officer, ground="other",
                           reasons=REASONS)
    assert caught.value.code == "contract_signed"
    full.notice.refresh_from_db()
    assert full.notice.status == NoticeStatus.PUBLISHED or full.notice.status == "closed"


def test_cancel_during_the_evaluation(procedure: Callable[..., Procedure]) -> None:
    full = procedure(award=False)
    event = procurement_cancel(notice=full.notice, by=full.officer, ground="no_acceptable",
                               reasons=REASONS)
    assert event.data["stage"] == "evaluation"


def test_permissions(make_notice: Callable[..., Notice], officer: User, other_officer: User,
                     supplier_user: User, client: Client,
                     api_for: Callable[..., Any]) -> None:
    notice = make_notice()
    url = f"/evaluation/notices/{notice.pk}/cancel/"
    api = f"/api/evaluation/notices/{notice.pk}/cancel"
    body = {"ground": "changed_needs", "reasons": REASONS, "confirm": "on"}
    for user in (other_officer, supplier_user):
        with pytest.raises(Forbidden):
            procurement_cancel(notice=notice, by=user, ground="other", reasons=REASONS)
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, body).status_code == 403
        assert api_for(user).post(api, body, format="json").status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert api_for(None).post(api, body, format="json").status_code == 401
    # A draft is not even known to others.
    draft = make_notice(publish=False)
    client.force_login(other_officer)
    assert client.get(f"/evaluation/notices/{draft.pk}/cancel/").status_code == 404
    # The officer: errors next to the fields, then the cancellation.
    client.force_login(officer)
    page = client.get(url)
    assert page.status_code == 200 and "FOA § 10-4" in page.content.decode()
    bad = client.post(url, {"ground": "", "reasons": "", "confirm": "on"})
    assert bad.status_code == 400 and 'id="id_reasons_errors"' in bad.content.decode()
    response = api_for(officer).post(api, {"ground": "changed_needs"}, format="json")
    assert response.status_code == 400 and "reasons" in str(response.json())
    done = client.post(url, body)
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CANCELLED
    assert api_for(officer).post(api, body, format="json").status_code == 409


def test_the_api_cancels(make_notice: Callable[..., Notice], officer: User,
                         api_for: Callable[..., Any]) -> None:
    notice = make_notice()
    response = api_for(officer).post(f"/api/evaluation/notices/{notice.pk}/cancel",
                                     {"ground": "errors", "reasons": REASONS}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["ground"] == "errors" and data["status"] == "cancelled"
    assert data["paragraph"] == "FOA § 10-4"
