"""The award notice: created and published with the first concluded lot, a new version for
a lot concluded later, the officer's manual publication when no lot has a contract, and the
public pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import CompanySize
from backend.clock import db_now
from backend.errors import Conflict, Forbidden
from evaluation.award.models import AwardEvent, AwardEventKind, AwardOutcome
from evaluation.contract import services
from evaluation.contract.selectors import AWARD_RESULTS_KEY
from evaluation.services import evaluation_start
from notices.models import Notice, NoticeKind, NoticeStatus, NoticeVersion, VersionKind
from notices.selectors import NoticeFilters, notice_search_public
from tests.evaluation.conftest import declare, open_tender
from tests.evaluation.contract.conftest import Awarded, send_decision, sign_kwargs

pytestmark = pytest.mark.django_db


def _award_notice(contract_notice: Notice) -> Notice:
    return Notice.objects.get(award_for=contract_notice, kind=NoticeKind.AWARD)


def test_the_award_notice_is_published_when_the_contract_is_recorded(awarded: Awarded) -> None:
    bids = awarded.tender.bids
    bids[0].supplier.company_size = CompanySize.SMALL
    bids[0].supplier.save()
    bids[1].supplier.company_size = CompanySize.LARGE
    bids[1].supplier.save()
    contract = services.contract_sign(**sign_kwargs(awarded))

    award = _award_notice(awarded.notice)
    assert award.status == NoticeStatus.PUBLISHED and award.version == 1
    assert award.buyer == awarded.notice.buyer
    for name in ("title", "cpv_main", "nuts", "contract_type", "procedure_type"):
        assert getattr(award, name) == getattr(awarded.notice, name)
    assert award.submission_deadline is None
    version = award.versions.get()
    assert version.kind == VersionKind.ORIGINAL
    [lot] = version.snapshot[AWARD_RESULTS_KEY]
    assert lot["lot_number"] == 0 and lot["outcome"] == AwardOutcome.WINNER
    assert lot["offers_received"] == 2
    assert lot["offers_sme"] == 1
    assert lot["offers_electronic"] == 2
    [winner] = lot["winners"]
    assert winner["name"] == bids[0].supplier.name
    assert winner["org_number"] == bids[0].supplier.org_number
    assert winner["value"] == str(contract.value)
    event = AwardEvent.objects.get(kind=AwardEventKind.AWARD_NOTICE_PUBLISHED)
    assert event.notice_id == awarded.notice.pk
    assert event.data["award_notice"] == award.pk
    # On the public board (the database path of the search) like any published notice.
    found = notice_search_public(filters=NoticeFilters()).notices
    assert award in found


def test_a_lot_concluded_later_publishes_a_new_version_not_a_second_notice(
        officer: Any, members: Any, authority: Any, supplier: Any, supplier_user: Any,
        other_supplier: Any, other_supplier_user: Any) -> None:
    tender = open_tender(officer=officer, members=members, buyer=authority, bidders=[
        (supplier, supplier_user, {"tilbud.pdf": b"%PDF a"}),
        (other_supplier, other_supplier_user, {"tilbud.pdf": b"%PDF b"}),
    ], lots=[{"title": "Snekker", "cpv": "45000000"}, {"title": "Maler", "cpv": "45000000"}])
    evaluation_start(notice=tender.notice, by=officer)
    declare(tender.notice, officer)
    first = send_decision(tender.notice, officer, lot_number=1, winners=[tender.bids[0]])
    second = send_decision(tender.notice, officer, lot_number=2, winners=[tender.bids[1]])

    services.contract_sign(**sign_kwargs(Awarded(tender, first)))
    award = _award_notice(tender.notice)
    assert [lot["lot_number"] for lot in
            award.versions.get().snapshot[AWARD_RESULTS_KEY]] == [1]
    assert [lot.title for lot in award.lots.all()] == ["Snekker", "Maler"]

    services.contract_sign(**sign_kwargs(Awarded(tender, second)))
    assert Notice.objects.filter(award_for=tender.notice).count() == 1
    award.refresh_from_db()
    assert award.version == 2
    latest = award.versions.get(number=2)
    assert latest.kind == VersionKind.CHANGE
    assert [lot["lot_number"] for lot in latest.snapshot[AWARD_RESULTS_KEY]] == [1, 2]
    assert "Lot 2" in latest.reason
    assert [c["field"] for c in latest.diff] == [AWARD_RESULTS_KEY]
    # Nothing new: the officer's action is refused.
    with pytest.raises(Conflict) as refused:
        services.award_notice_publish(notice=tender.notice, by=officer)
    assert refused.value.code == "up_to_date"


def test_no_award_is_published_by_the_officer(cleared: Any) -> None:
    with pytest.raises(Conflict) as early:
        services.award_notice_publish(notice=cleared.notice, by=cleared.officer)
    assert early.value.code == "nothing_concluded"
    send_decision(cleared.notice, cleared.officer, outcome=AwardOutcome.NO_AWARD,
                  no_award_reason="Alle tilbud oversteg budsjettet.")
    with pytest.raises(Forbidden):
        services.award_notice_publish(notice=cleared.notice, by=cleared.member)
    award = services.award_notice_publish(notice=cleared.notice, by=cleared.officer)
    [lot] = award.versions.get().snapshot[AWARD_RESULTS_KEY]
    assert lot["outcome"] == AwardOutcome.NO_AWARD
    assert lot["no_award_reason"] == "Alle tilbud oversteg budsjettet."
    assert lot["winners"] == []
    with pytest.raises(Conflict):
        services.award_notice_publish(notice=cleared.notice, by=cleared.officer)


def test_an_unconcluded_framework_lot_waits_for_every_contract(cleared: Any) -> None:
    decision = send_decision(cleared.notice, cleared.officer, outcome=AwardOutcome.FRAMEWORK,
                             winners=cleared.bids)
    awarded = Awarded(cleared, decision)
    services.contract_sign(**sign_kwargs(awarded, supplier=cleared.bids[0].supplier))
    assert not Notice.objects.filter(award_for=cleared.notice).exists()
    services.contract_sign(**sign_kwargs(awarded, supplier=cleared.bids[1].supplier))
    [lot] = _award_notice(cleared.notice).versions.get().snapshot[AWARD_RESULTS_KEY]
    assert len(lot["winners"]) == 2


def test_the_public_pages(awarded: Awarded, supplier_user: Any) -> None:
    services.contract_sign(**sign_kwargs(awarded))
    award = _award_notice(awarded.notice)
    winner = awarded.winner
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(reverse("notices:detail", args=[award.pk])).content.decode()
    assert "Results per lot" in page
    assert winner.name in page and winner.org_number in page
    assert "NOK 1" in page  # 1 200 000,00
    assert "Offers received" in page and "small and medium-sized" in page
    assert reverse("notices:detail", args=[awarded.notice.pk]) in page
    contract_page = client.get(reverse("notices:detail", args=[awarded.notice.pk]))
    assert reverse("notices:detail", args=[award.pk]) in contract_page.content.decode()
    # No bids and no questions on an award notice, even for a supplier.
    client.force_login(supplier_user)
    page = client.get(reverse("notices:detail", args=[award.pk])).content.decode()
    assert "Submit a bid" not in page
    assert reverse("bids:bid", args=[award.pk]) not in page
    assert "Ask a question" not in page
    norwegian = Client(HTTP_ACCEPT_LANGUAGE="nb").get(
        reverse("notices:detail", args=[award.pk])).content.decode()
    assert "Resultat per delkontrakt" in norwegian


def test_an_award_notice_takes_no_questions(awarded: Awarded, supplier_user: Any) -> None:
    from notices.questions.services import question_ask, questions_open

    services.contract_sign(**sign_kwargs(awarded))
    award = _award_notice(awarded.notice)
    assert not questions_open(notice=award)
    with pytest.raises(Conflict):
        question_ask(notice=award, by=supplier_user, text="Hvorfor?")


def test_other_snapshots_carry_no_results(awarded: Awarded) -> None:
    version = NoticeVersion.objects.filter(notice=awarded.notice).first()
    assert version is not None
    from notices.fields import snapshot

    assert snapshot(awarded.notice)[AWARD_RESULTS_KEY] is None


def test_signing_at_the_end_publishes_with_the_same_clock(cleared: Any) -> None:
    end = db_now() + timedelta(hours=1)
    decision = send_decision(cleared.notice, cleared.officer, winners=[cleared.bids[0]],
                             standstill_end=end)
    services.contract_sign(**sign_kwargs(Awarded(cleared, decision)), now=end)
    assert _award_notice(cleared.notice).published_at == end
