"""Starting the evaluation: one lot evaluation per lot after the opening, with its event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import Organization, User
from backend.errors import Conflict, Forbidden
from evaluation.models import EvaluationEvent, EvaluationEventKind, EvaluationStatus, LotEvaluation
from evaluation.services import evaluation_start
from notices.models import Notice
from tests.evaluation.conftest import Opened, open_tender
from tests.transitions_check import one_event_per_transition


def test_it_starts_one_evaluation_for_a_notice_without_lots(opened: Opened) -> None:
    with one_event_per_transition() as changes:
        started = evaluation_start(notice=opened.notice, by=opened.officer)
    assert changes == []  # created at qualification: no edge
    assert [(e.lot_number, e.status) for e in started] == [(0, EvaluationStatus.QUALIFICATION)]
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.STARTED)
    assert event.evaluation == started[0]
    assert event.by == opened.officer
    assert sorted(event.data["bids"]) == sorted(str(b.pk) for b in opened.bids)


def test_it_starts_one_evaluation_per_lot(officer: User, members: list[User],
                                          authority: Organization, supplier: Organization,
                                          supplier_user: User) -> None:
    lots = [{"title": "Nord", "cpv": "45000000"}, {"title": "Sør", "cpv": "45000000"}]
    tender = open_tender(officer=officer, members=members, buyer=authority, lots=lots,
                         bidders=[(supplier, supplier_user, {"a.pdf": b"a"})])
    started = evaluation_start(notice=tender.notice, by=officer)
    assert [e.lot_number for e in started] == [1, 2]
    assert EvaluationEvent.objects.filter(kind=EvaluationEventKind.STARTED).count() == 2


def test_it_refuses_before_the_opening_has_opened_the_bids(
        make_notice: Callable[..., Notice], officer: User) -> None:
    notice = make_notice()
    with pytest.raises(Conflict) as refused:
        evaluation_start(notice=notice, by=officer)
    assert refused.value.code == "not_opened"
    assert not LotEvaluation.objects.exists()


def test_it_refuses_twice_and_refuses_non_editors(opened: Opened, other_officer: User) -> None:
    with pytest.raises(Forbidden):
        evaluation_start(notice=opened.notice, by=opened.member)
    with pytest.raises(Forbidden):
        evaluation_start(notice=opened.notice, by=other_officer)
    evaluation_start(notice=opened.notice, by=opened.officer)
    with pytest.raises(Conflict) as refused:
        evaluation_start(notice=opened.notice, by=opened.officer)
    assert refused.value.code == "already_started"
    assert LotEvaluation.objects.count() == 1


def test_the_api_starts_it(opened: Opened, api_for: Callable[[Any], Any]) -> None:
    response = api_for(opened.officer).post(f"/api/notices/{opened.notice.pk}/evaluation/start")
    assert response.status_code == 201, response.json()
    assert response.json()["lots"][0]["status"] == "qualification"
