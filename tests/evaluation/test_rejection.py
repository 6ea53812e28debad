"""Rejecting a bid with a legal ground: the submission goes to "rejected" through
bids.transitions (one event), the letter states the ground, the reasons and the complaint
options, it is kept and sent through the inbox and by e-mail, and scoring skips the bid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from backend.errors import ApplicationError, Conflict, Forbidden
from bids.models import BidEvent, BidEventKind, SubmissionStatus
from evaluation import selectors
from evaluation.models import EvaluationEvent, EvaluationEventKind, EvaluationStatus, LotEvaluation
from evaluation.qualification.grounds import grounds_with_paragraphs, paragraph_for
from evaluation.qualification.models import Rejection, RejectionGround
from evaluation.qualification.services import bid_reject
from evaluation.transitions import evaluation_flip
from notices.following.models import InboxKind, InboxMessage
from notices.models import Notice
from notices.rules.models import Regime
from tests.evaluation.conftest import Opened
from tests.transitions_check import Change, one_event_per_transition

REASONS = "Tilbudet mangler sentral godkjenning, som er et absolutt krav (punkt 4.2)."


def web(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_it_rejects_a_bid_and_sends_the_letter(cleared: Opened, other_supplier_user: User,
                                               django_capture_on_commit_callbacks: Any) -> None:
    bid = cleared.bids[1]
    with one_event_per_transition() as changes, \
            django_capture_on_commit_callbacks(execute=True):
        rejection = bid_reject(submission=bid, ground="not_qualified", reasons=REASONS,
                               by=cleared.officer)
    assert changes == [Change("submission", str(bid.pk), "opened", "rejected")]
    assert bid.status == SubmissionStatus.REJECTED
    assert BidEvent.objects.get(kind=BidEventKind.REJECTED).data["ground"] == "not_qualified"
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.BID_REJECTED)
    assert (event.data["paragraph"], event.data["reasons"]) == ("FOA § 9-5", REASONS)
    # Part II (a national notice): the paragraph of Part II; the letter in bokmål.
    assert rejection.paragraph == "FOA § 9-5"
    assert REASONS in rejection.letter
    assert "KOFA" in rejection.letter and "§ 9-5" in rejection.letter
    # In the platform's language (bokmål): the ground, and the three ways to complain.
    assert "Klagenemnda for offentlige anskaffelser" in rejection.letter
    assert "Leverandøren oppfyller ikke kvalifikasjonskravene" in rejection.letter
    assert "domstolene" in rejection.letter
    [message] = InboxMessage.objects.all()
    assert (message.user, message.kind) == (other_supplier_user, InboxKind.REJECTION)
    assert message.body == rejection.letter
    [sent] = mail.outbox
    assert sent.to == [other_supplier_user.email] and REASONS in sent.body


def test_a_rejected_bid_is_skipped_by_scoring(cleared: Opened) -> None:
    bid_reject(submission=cleared.bids[1], ground="substantial_deviation", reasons=REASONS,
               by=cleared.officer)
    evaluation = LotEvaluation.objects.get(notice=cleared.notice)
    assert list(selectors.offers_of(evaluation)) == [cleared.bids[0]]
    assert len(selectors.opened_bids(cleared.notice)) == 2
    with pytest.raises(Conflict) as again:
        bid_reject(submission=cleared.bids[1], ground="late", reasons=REASONS,
                   by=cleared.officer)
    assert again.value.code == "rejected"


@pytest.mark.parametrize(("ground", "reasons", "field"), [
    ("", REASONS, "ground"), ("bad_mood", REASONS, "ground"), ("late", "   ", "reasons")])
def test_it_needs_a_legal_ground_and_reasons(cleared: Opened, ground: str, reasons: str,
                                             field: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        bid_reject(submission=cleared.bids[0], ground=ground, reasons=reasons,
                   by=cleared.officer)
    assert field in refused.value.fields
    assert not Rejection.objects.exists()
    cleared.bids[0].refresh_from_db()
    assert cleared.bids[0].status == SubmissionStatus.OPENED


def test_only_a_cleared_officer_rejects(cleared: Opened, started: Opened,
                                        other_officer: User) -> None:
    for who in (cleared.member, other_officer, cleared.members[2]):
        with pytest.raises(Forbidden):
            bid_reject(submission=cleared.bids[0], ground="late", reasons=REASONS, by=who)
    assert not Rejection.objects.exists()


def test_an_abnormally_low_bid_is_rejected_only_after_an_explanation_was_asked(
        cleared: Opened) -> None:
    with pytest.raises(Conflict) as refused:
        bid_reject(submission=cleared.bids[0], ground="abnormally_low", reasons=REASONS,
                   by=cleared.officer)
    assert refused.value.code == "explanation_first"


def test_no_rejection_once_the_lot_is_ranked(cleared: Opened) -> None:
    from django.utils import timezone

    evaluation = LotEvaluation.objects.get(notice=cleared.notice)
    now = timezone.now()
    for old, new in (("qualification", "scoring"), ("scoring", "consensus"),
                     ("consensus", "ranked")):
        evaluation_flip(evaluation, old, new, by=cleared.officer, at=now)
    assert evaluation.status == EvaluationStatus.RANKED
    with pytest.raises(Conflict) as refused:
        bid_reject(submission=cleared.bids[0], ground="late", reasons=REASONS,
                   by=cleared.officer)
    assert refused.value.code == "ranked"


def test_every_ground_has_a_label_and_a_paragraph_for_each_regime() -> None:
    for regime in Regime.values:
        rows = grounds_with_paragraphs(regime)
        assert [value for value, _label, _p in rows] == list(RejectionGround.values)
        assert all(label and paragraph for _v, label, paragraph in rows)
    assert paragraph_for("abnormally_low", Regime.PART_III) == "FOA § 24-9"
    assert paragraph_for("substantial_deviation", Regime.PART_III) == "FOA § 24-8"
    assert paragraph_for("not_qualified", Regime.PART_III) == "FOA § 24-2"
    assert paragraph_for("late", Regime.PART_I) == "LOA § 4"


def test_a_part_iii_notice_cites_part_iii(cleared: Opened) -> None:
    Notice.objects.filter(pk=cleared.notice.pk).update(regime=Regime.PART_III)
    cleared.notice.refresh_from_db()
    rejection = bid_reject(submission=cleared.bids[0], ground="substantial_deviation",
                           reasons=REASONS, by=cleared.officer)
    assert rejection.paragraph == "FOA § 24-8"
    assert "§ 24-8" in rejection.letter


# --- the letter on the web and through the API -------------------------------------------------


def test_the_letter_is_for_the_supplier_and_the_evaluation(
        cleared: Opened, supplier_user: User, other_supplier_user: User, other_officer: User,
        api_for: Callable[[Any], Any]) -> None:
    bid = cleared.bids[1]
    bid_reject(submission=bid, ground="not_qualified", reasons=REASONS, by=cleared.officer)
    page = f"/evaluation/notices/{cleared.notice.pk}/bids/{bid.pk}/letter/"
    assert REASONS in web(other_supplier_user).get(page).content.decode()
    assert web(cleared.member).get(page).status_code == 200
    assert web(supplier_user).get(page).status_code == 404  # another bidder
    assert web(other_officer).get(page).status_code == 404
    assert web(cleared.members[2]).get(page).status_code == 403  # not declared
    api = f"/api/notices/{cleared.notice.pk}/evaluation/bids/{bid.pk}/rejection"
    body = api_for(other_supplier_user).get(api).json()
    assert (body["ground"], body["paragraph"]) == ("not_qualified", "FOA § 9-5")
    assert api_for(supplier_user).get(api).status_code == 404


def test_the_web_form_rejects_with_errors_next_to_the_fields(cleared: Opened) -> None:
    bid = cleared.bids[0]
    url = f"/evaluation/notices/{cleared.notice.pk}/bids/{bid.pk}/reject/"
    bad = web(cleared.officer).post(url, {"ground": "late", "reasons": ""})
    assert bad.status_code == 400
    assert 'id="id_reasons_errors"' in bad.content.decode()
    good = web(cleared.officer).post(url, {"ground": "late", "reasons": REASONS})
    assert good.status_code == 302
    bid.refresh_from_db()
    assert bid.status == SubmissionStatus.REJECTED
    assert web(cleared.member).post(url, {"ground": "late",
                                          "reasons": REASONS}).status_code == 403


def test_the_api_rejects_and_lists_the_grounds(cleared: Opened,
                                               api_for: Callable[[Any], Any]) -> None:
    base = f"/api/notices/{cleared.notice.pk}/evaluation"
    grounds = api_for(cleared.member).get(f"{base}/grounds").json()
    assert {g["value"] for g in grounds} == set(RejectionGround.values)
    bid = cleared.bids[0]
    response = api_for(cleared.officer).post(f"{base}/bids/{bid.pk}/reject",
                                             {"ground": "late", "reasons": REASONS},
                                             format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["letter"].startswith(cleared.notice.buyer.name)
    member = api_for(cleared.member).post(f"{base}/bids/{bid.pk}/reject",
                                          {"ground": "late", "reasons": REASONS},
                                          format="json")
    assert member.status_code == 403
