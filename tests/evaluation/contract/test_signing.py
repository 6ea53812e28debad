"""Signing the contract: the standstill end by the database clock, suspensions, refusals,
the document's SHA-256."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from backend.clock import db_now
from backend.errors import ApplicationError, Conflict, Forbidden, TooLarge
from evaluation.award.models import (
    AwardEvent,
    AwardEventKind,
    AwardOutcome,
    AwardStatus,
    Contract,
    SuspensionKind,
)
from evaluation.award.transitions import award_flip
from evaluation.contract import services
from tests.evaluation.contract.conftest import Awarded, pdf, send_decision, sign_kwargs

pytestmark = pytest.mark.django_db


def test_signing_is_refused_one_second_before_the_standstill_end_and_allowed_at_it(
        cleared: Any) -> None:
    end = db_now() + timedelta(days=3)
    decision = send_decision(cleared.notice, cleared.officer, winners=[cleared.bids[0]],
                             standstill_end=end)
    awarded = Awarded(tender=cleared, decision=decision)
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(awarded), now=end - timedelta(seconds=1))
    assert refused.value.code == "standstill"
    assert "signed from" in refused.value.message
    assert "(Norwegian time)" in refused.value.message  # the end in Europe/Oslo
    assert not Contract.objects.exists()

    contract = services.contract_sign(**sign_kwargs(awarded), now=end)
    assert contract.recorded_at == end
    assert contract.supplier == cleared.bids[0].supplier


def test_the_database_clock_decides(cleared: Any) -> None:
    """No `now`: the database's clock, read with the row locked, is compared."""
    ahead = send_decision(cleared.notice, cleared.officer, winners=[cleared.bids[0]],
                          standstill_end=db_now() + timedelta(minutes=5))
    awarded = Awarded(tender=cleared, decision=ahead)
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(awarded))
    assert refused.value.code == "standstill"

    # The same decision once the database's own "now" has passed its end.
    type(ahead).objects.filter(pk=ahead.pk).update(standstill_end=db_now())
    ahead.refresh_from_db()
    contract = services.contract_sign(**sign_kwargs(awarded))
    assert contract.recorded_at >= ahead.standstill_end


def test_the_end_is_shown_in_oslo_time(cleared: Any) -> None:
    from backend.formatting import format_oslo

    end = db_now() + timedelta(days=2)
    decision = send_decision(cleared.notice, cleared.officer, winners=[cleared.bids[0]],
                             standstill_end=end)
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(Awarded(cleared, decision)))
    assert format_oslo(end, "datetime") in refused.value.message


def test_a_complaint_suspends_signing_until_it_is_lifted(awarded: Awarded) -> None:
    suspension = services.suspension_record(
        notice=awarded.notice, lot_number=0, kind=SuspensionKind.COMPLAINT,
        complainant="Nordlys Renhold AS", description="Mener evalueringen er feil.",
        received_on=db_now().date(), by=awarded.officer)
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(awarded))
    assert refused.value.code == "suspended"
    assert "Nordlys Renhold AS" in refused.value.message

    services.suspension_lift(suspension=suspension, by=awarded.officer,
                             reason="Klagen ble ikke tatt til følge.")
    assert services.contract_sign(**sign_kwargs(awarded)).pk
    kinds = list(AwardEvent.objects.filter(notice=awarded.notice).values_list("kind", flat=True))
    assert kinds.count(AwardEventKind.SUSPENDED) == 1
    assert kinds.count(AwardEventKind.SUSPENSION_LIFTED) == 1
    assert kinds.count(AwardEventKind.CONTRACT_SIGNED) == 1
    with pytest.raises(Conflict):
        services.suspension_lift(suspension=suspension, by=awarded.officer, reason="Igjen.")


def test_an_injunction_suspends_signing(awarded: Awarded) -> None:
    services.suspension_record(
        notice=awarded.notice, lot_number=0, kind=SuspensionKind.INJUNCTION,
        complainant="Bergen tingrett", description="Midlertidig forføyning.",
        received_on=db_now().date().isoformat(), by=awarded.officer)
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(awarded))
    assert refused.value.code == "suspended"


def test_a_complaint_can_be_recorded_before_the_decision_is_sent(cleared: Any) -> None:
    suspension = services.suspension_record(
        notice=cleared.notice, lot_number=0, kind=SuspensionKind.KOFA,
        complainant="Nordlys", description="Klage til KOFA.", received_on=db_now().date(),
        by=cleared.officer)
    assert suspension.lifted_at is None


@pytest.mark.parametrize("bad", [
    {"kind": "nope"}, {"complainant": " "}, {"description": ""}, {"received_on": "igår"},
    {"received_on": "2999-01-01"},
])
def test_a_suspension_with_bad_values_names_the_field(awarded: Awarded,
                                                      bad: dict[str, Any]) -> None:
    values = {"kind": "complaint", "complainant": "X", "description": "Y",
              "received_on": db_now().date(), **bad}
    with pytest.raises(ApplicationError) as refused:
        services.suspension_record(notice=awarded.notice, lot_number=0, by=awarded.officer,
                                   **values)
    assert refused.value.status_code == 400
    assert set(refused.value.fields) == {next(iter(bad))}


def test_only_the_buyers_editors_record_and_sign(awarded: Awarded) -> None:
    with pytest.raises(Forbidden):
        services.suspension_record(notice=awarded.notice, lot_number=0, kind="complaint",
                                   complainant="X", description="Y",
                                   received_on=db_now().date(), by=awarded.tender.member)
    with pytest.raises(Forbidden):
        services.contract_sign(**sign_kwargs(awarded, by=awarded.tender.member))


def test_refused_when_not_sent(cleared: Any) -> None:
    from evaluation.award.models import AwardDecision
    from evaluation.models import LotEvaluation

    draft = AwardDecision.objects.create(
        notice=cleared.notice, lot_number=0, created_by=cleared.officer,
        evaluation=LotEvaluation.objects.get(notice=cleared.notice, lot_number=0),
        created_at=db_now())
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(Awarded(cleared, draft),
                                             supplier=cleared.bids[0].supplier))
    assert refused.value.code == "not_sent"


def test_refused_when_withdrawn(awarded: Awarded) -> None:
    award_flip(awarded.decision, AwardStatus.SENT, AwardStatus.WITHDRAWN, by=awarded.officer,
               at=db_now(), withdraw_reason="Feil i evalueringen.")
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(awarded))
    assert refused.value.code == "not_sent"


def test_refused_when_no_award(cleared: Any) -> None:
    decision = send_decision(cleared.notice, cleared.officer, outcome=AwardOutcome.NO_AWARD,
                             no_award_reason="Alle tilbud over budsjett.")
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(Awarded(cleared, decision),
                                             supplier=cleared.bids[0].supplier))
    assert refused.value.code == "no_award"


def test_refused_when_not_a_winner_and_twice(awarded: Awarded) -> None:
    loser = awarded.tender.bids[1].supplier
    with pytest.raises(Conflict) as refused:
        services.contract_sign(**sign_kwargs(awarded, supplier=loser))
    assert refused.value.code == "not_winner"
    services.contract_sign(**sign_kwargs(awarded))
    with pytest.raises(Conflict) as again:
        services.contract_sign(**sign_kwargs(awarded))
    assert again.value.code == "contract_exists"
    assert Contract.objects.count() == 1


@pytest.mark.parametrize(("bad", "field"), [
    ({"value": Decimal("0")}, "value"), ({"value": "-5"}, "value"), ({"value": "mye"}, "value"),
    ({"title": ""}, "title"), ({"document": None}, "document"),
    ({"signed_on": None}, "signed_on"), ({"starts_on": "2020-13-01"}, "starts_on"),
    ({"duration_months": 0}, "duration_months"),
])
def test_bad_values_are_refused_with_the_field_named(awarded: Awarded, bad: dict[str, Any],
                                                     field: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.contract_sign(**sign_kwargs(awarded, **bad))
    assert refused.value.status_code == 400
    assert field in refused.value.fields
    assert not Contract.objects.exists()


def test_dates_must_be_in_order(awarded: Awarded) -> None:
    today = db_now().date()
    with pytest.raises(ApplicationError) as refused:
        services.contract_sign(**sign_kwargs(awarded, starts_on=today,
                                             ends_on=today - timedelta(days=1)))
    assert "ends_on" in refused.value.fields
    with pytest.raises(ApplicationError) as before:
        services.contract_sign(**sign_kwargs(awarded, signed_on=today,
                                             starts_on=today - timedelta(days=1)))
    assert "starts_on" in before.value.fields


def test_the_document_size_is_limited(awarded: Awarded, settings: Any) -> None:
    settings.CONTRACT_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(TooLarge):
        services.contract_sign(**sign_kwargs(awarded, document=pdf(b"x" * 11)))
    assert not Contract.objects.exists()


def test_the_sha256_matches_the_uploaded_bytes(awarded: Awarded,
                                               private_storage_dir: Any) -> None:
    data = b"%PDF-1.4 " + bytes(range(256)) * 50
    contract = services.contract_sign(**sign_kwargs(awarded, document=pdf(data)))
    assert contract.document_sha256 == hashlib.sha256(data).hexdigest()
    event = AwardEvent.objects.get(kind=AwardEventKind.CONTRACT_SIGNED)
    assert event.data["sha256"] == contract.document_sha256
    stored = private_storage_dir / contract.document.name
    assert stored.read_bytes() == data  # in the private storage, not the public one


def test_a_refused_signing_leaves_no_file(awarded: Awarded, private_storage_dir: Any) -> None:
    services.contract_sign(**sign_kwargs(awarded))
    files_before = sorted(p for p in private_storage_dir.rglob("*") if p.is_file()
                          and "contracts" in p.parts)
    with pytest.raises(Conflict):
        services.contract_sign(**sign_kwargs(awarded))
    files_after = sorted(p for p in private_storage_dir.rglob("*") if p.is_file()
                         and "contracts" in p.parts)
    assert files_after == files_before


def test_the_decision_row_is_locked(awarded: Awarded, django_assert_max_num_queries: Any
                                    ) -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.contract_sign(**sign_kwargs(awarded))
    if connection.vendor == "postgresql":
        assert any("FOR UPDATE" in q["sql"] and "awarddecision" in q["sql"]
                   for q in queries.captured_queries)
