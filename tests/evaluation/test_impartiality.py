"""Impartiality first: declarations (FOA § 7-5, the Public Administration Act §§ 6-10),
external advisers, and the gate in front of opened bid content that refuses, and records,
every evaluator who is not cleared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Organization, Role, User
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from bids.opening import services as opening
from evaluation import permissions
from evaluation.impartiality.services import (
    adviser_add,
    adviser_remove,
    impartiality_declare,
)
from evaluation.models import EvaluationEvent, EvaluationEventKind, ImpartialityDeclaration
from notices.models import Notice
from tests.conftest import make_user
from tests.evaluation.conftest import Opened


def read(opened: Opened, user: Any, index: int = 0) -> bytes:
    result = opening.opened_file_read(session=opened.session, submission_id=opened.bids[0].pk,
                                      user=user, file_index=index)
    return b"".join(result.chunks)


def kinds() -> list[str]:
    return list(EvaluationEvent.objects.order_by("pk").values_list("kind", flat=True))


def test_it_records_a_declaration_of_no_conflict(opened: Opened) -> None:
    declaration = impartiality_declare(notice=opened.notice, by=opened.member,
                                       has_conflict=False)
    assert not declaration.has_conflict
    event = EvaluationEvent.objects.get()
    assert (event.kind, event.by, event.data["user"]) == (
        EvaluationEventKind.IMPARTIALITY_DECLARED, opened.member, opened.member.pk)
    assert permissions.cleared_for_bid_content(opened.member, opened.notice)
    assert read(opened, opened.member) == b"%PDF tilbud"


def test_a_conflict_needs_an_explanation_and_writes_nothing_without(opened: Opened) -> None:
    with pytest.raises(ApplicationError) as refused:
        impartiality_declare(notice=opened.notice, by=opened.member, has_conflict=True,
                             explanation="  ")
    assert "explanation" in refused.value.fields
    assert not ImpartialityDeclaration.objects.exists()
    assert not EvaluationEvent.objects.exists()


def test_a_conflict_found_later_shuts_the_person_out_for_good(opened: Opened) -> None:
    impartiality_declare(notice=opened.notice, by=opened.member, has_conflict=False)
    assert read(opened, opened.member)
    impartiality_declare(notice=opened.notice, by=opened.member, has_conflict=True,
                         explanation="Min svoger eier Nordlys Renhold AS.")
    assert permissions.has_conflict(opened.member, opened.notice)
    assert not permissions.may_work_on_evaluation(opened.member, opened.notice)
    with pytest.raises(Forbidden) as refused:
        read(opened, opened.member)
    assert refused.value.code == "conflict_of_interest"
    with pytest.raises(Conflict):  # the conflict stands
        impartiality_declare(notice=opened.notice, by=opened.member, has_conflict=False)
    assert kinds() == [EvaluationEventKind.IMPARTIALITY_DECLARED,
                       EvaluationEventKind.CONFLICT_DECLARED,
                       EvaluationEventKind.ACCESS_REFUSED]
    assert ImpartialityDeclaration.objects.get().explanation.startswith("Min svoger")


def test_declaring_twice_is_refused(opened: Opened) -> None:
    impartiality_declare(notice=opened.notice, by=opened.officer, has_conflict=False)
    with pytest.raises(Conflict) as refused:
        impartiality_declare(notice=opened.notice, by=opened.officer, has_conflict=False)
    assert refused.value.code == "already_declared"
    assert EvaluationEvent.objects.count() == 1


def test_only_evaluators_declare(opened: Opened, other_officer: User, supplier_user: User,
                                 authority: Organization) -> None:
    admin = make_user("admin@bergen.example", authority, Role.AUTHORITY_ADMIN)
    for outsider in (other_officer, supplier_user, admin):
        with pytest.raises(Forbidden):
            impartiality_declare(notice=opened.notice, by=outsider, has_conflict=False)
    assert not ImpartialityDeclaration.objects.exists()


def test_it_is_declared_after_the_deadline(make_notice: Callable[..., Notice],
                                           officer: User) -> None:
    notice = make_notice()
    with pytest.raises(Conflict) as refused:
        impartiality_declare(notice=notice, by=officer, has_conflict=False)
    assert refused.value.code == "before_deadline"


# --- the gate on opened content --------------------------------------------------------------


def test_the_gate_refuses_and_records_an_evaluator_who_has_not_declared(
        opened: Opened) -> None:
    for user in (opened.member, opened.officer):
        with pytest.raises(Forbidden) as refused:
            read(opened, user)
        assert refused.value.code == "impartiality_not_declared"
    refusals = EvaluationEvent.objects.filter(kind=EvaluationEventKind.ACCESS_REFUSED)
    assert [(e.by, e.data["reason"]) for e in refusals] == [
        (opened.member, "not_declared"), (opened.officer, "not_declared")]
    assert not opening.BidEvent.objects.filter(kind="opened.read").exists()


def test_outsiders_learn_nothing_and_are_not_recorded(
        opened: Opened, other_officer: User, supplier_user: User) -> None:
    for outsider in (other_officer, supplier_user, AnonymousUser()):
        with pytest.raises(NotFound):
            read(opened, outsider)
    assert not EvaluationEvent.objects.exists()


# --- external advisers -----------------------------------------------------------------------


def test_a_named_adviser_declares_and_then_reads_bids(opened: Opened) -> None:
    adviser_user = make_user("radgiver@konsulent.example")
    assert not permissions.is_evaluator(adviser_user, opened.notice)
    adviser = adviser_add(notice=opened.notice, by=opened.officer,
                          email="RADGIVER@konsulent.example", role="Teknisk rådgiver")
    assert permissions.is_evaluator(adviser_user, opened.notice)
    with pytest.raises(Forbidden):
        opening.opened_file_read(session=opened.session, submission_id=opened.bids[0].pk,
                                 user=adviser_user, file_index=0)
    impartiality_declare(notice=opened.notice, by=adviser_user, has_conflict=False)
    assert permissions.may_work_on_evaluation(adviser_user, opened.notice)
    assert read(opened, adviser_user) == b"%PDF tilbud"
    adviser_remove(adviser=adviser, by=opened.officer, reason="Oppdraget er ferdig.")
    assert not permissions.is_evaluator(adviser_user, opened.notice)
    with pytest.raises(NotFound):
        read(opened, adviser_user)
    assert [k for k in kinds() if k.startswith("impartiality.adviser")] == [
        EvaluationEventKind.ADVISER_NAMED, EvaluationEventKind.ADVISER_REMOVED]


def test_advisers_are_named_by_the_buyers_editors_only(opened: Opened,
                                                       other_officer: User) -> None:
    make_user("radgiver@konsulent.example")
    for who in (opened.member, other_officer):
        with pytest.raises(Forbidden):
            adviser_add(notice=opened.notice, by=who, email="radgiver@konsulent.example",
                        role="Jurist")


def test_an_adviser_must_have_an_account_and_not_act_for_a_supplier(
        opened: Opened, supplier_user: User) -> None:
    with pytest.raises(ApplicationError) as unknown:
        adviser_add(notice=opened.notice, by=opened.officer, email="ingen@example.org",
                    role="Jurist")
    assert "email" in unknown.value.fields
    with pytest.raises(ApplicationError) as supplier:
        adviser_add(notice=opened.notice, by=opened.officer, email=supplier_user.email,
                    role="Jurist")
    assert "email" in supplier.value.fields
    with pytest.raises(Conflict):  # already an evaluator
        adviser_add(notice=opened.notice, by=opened.officer, email=opened.member.email,
                    role="Jurist")
    assert not EvaluationEvent.objects.exists()
