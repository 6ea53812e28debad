"""Prices: entered once per offer and price criterion with the file of the bid they were
read from, or read from the bid's structured price form; every entry an event."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.errors import ApplicationError, Conflict, Forbidden
from bids.models import BidEvent
from evaluation.models import EvaluationEvent, EvaluationEventKind
from evaluation.scores import price_form, services
from evaluation.scores.models import PriceEntry, PriceSource
from tests.evaluation.scores.conftest import Lot, declare
from tests.evaluation.scores.helpers import agree, prices, score_all


def record(lot: Lot, offer: int = 1, amount: object = "1 100 000", **kwargs: object) -> PriceEntry:
    values: dict[str, object] = {"document": "tilbud.pdf", "by": lot.officer, **kwargs}
    return services.price_record(evaluation=lot.evaluation, submission_id=lot.offers[offer].pk,
                                 criterion_id=lot.price.pk, amount=amount, **values)


def test_it_records_a_price_with_the_document_it_was_read_from(lot: Lot) -> None:
    entry = record(lot, amount="1 100 000,50", location="side 3, tabell 2")
    assert entry.amount == Decimal("1100000.50") and entry.document == "tilbud.pdf"
    assert entry.source == PriceSource.ENTERED and entry.entered_by == lot.officer
    event = EvaluationEvent.objects.get(kind=EvaluationEventKind.PRICE_RECORDED)
    assert event.by == lot.officer and event.evaluation == lot.evaluation
    assert event.data["amount"] == "1100000.50" and event.data["document"] == "tilbud.pdf"
    assert event.data["location"] == "side 3, tabell 2"


def test_a_committee_member_enters_prices_too(lot: Lot) -> None:
    assert record(lot, by=lot.members[2]).entered_by == lot.members[2]


def test_it_refuses_a_document_that_is_not_a_file_of_the_bid(lot: Lot) -> None:
    with pytest.raises(ApplicationError) as caught:
        record(lot, document="annet-tilbud.pdf")
    assert "document" in caught.value.fields
    assert "tilbud.pdf" in caught.value.fields["document"][0]
    assert not PriceEntry.objects.exists() and not EvaluationEvent.objects.filter(
        kind=EvaluationEventKind.PRICE_RECORDED).exists()


@pytest.mark.parametrize("amount", ["", "abc", "-5", "0", "1,250,000", "12.345", "1e5", True,
                                    None, "99999999999999"])
def test_it_refuses_an_amount_that_is_not_a_price(lot: Lot, amount: object) -> None:
    with pytest.raises(ApplicationError) as caught:
        record(lot, amount=amount)
    assert "amount" in caught.value.fields
    assert not PriceEntry.objects.exists()


def test_it_refuses_a_criterion_that_is_not_a_price_criterion(lot: Lot) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.price_record(evaluation=lot.evaluation, submission_id=lot.offers[0].pk,
                              criterion_id=lot.quality.pk, amount="100", document="tilbud.pdf",
                              by=lot.officer)
    assert "criterion" in caught.value.fields


def test_changing_a_price_needs_a_reason_and_keeps_the_old_value_in_the_record(lot: Lot) -> None:
    record(lot, amount="1100000")
    with pytest.raises(ApplicationError) as caught:
        record(lot, amount="1200000")
    assert "reason" in caught.value.fields
    assert PriceEntry.objects.get().amount == Decimal("1100000")
    record(lot, amount="1200000", reason="Feil avlest: riktig sum står på side 4.")
    assert PriceEntry.objects.get().amount == Decimal("1200000")
    events = list(EvaluationEvent.objects.filter(kind=EvaluationEventKind.PRICE_RECORDED))
    assert [e.data["amount"] for e in events] == ["1100000.00", "1200000.00"]
    assert events[1].data["previous"]["amount"] == "1100000.00"
    assert events[1].data["reason"].startswith("Feil avlest")
    # The same price again changes nothing and records nothing.
    record(lot, amount="1200000")
    assert EvaluationEvent.objects.filter(kind=EvaluationEventKind.PRICE_RECORDED).count() == 2


def test_it_reads_the_prices_from_the_bids_price_form(lot: Lot) -> None:
    result = services.prices_import_from_bid(evaluation=lot.evaluation,
                                             submission_id=lot.offers[0].pk, by=lot.members[1])
    assert result.document == "prices.json" and result.kept == []
    entry = PriceEntry.objects.get()
    assert entry.submission_id == lot.offers[0].pk and entry.criterion == lot.price
    assert entry.amount == Decimal("1250000.00") and entry.source == PriceSource.PRICE_FORM
    assert entry.document == "prices.json" and entry.location == "prices[0]"
    # Reading opened content is logged like every other read.
    read = BidEvent.objects.get(kind="opened.read", by=lot.members[1])
    assert read.data["file"] == "prices.json"
    assert EvaluationEvent.objects.get(kind=EvaluationEventKind.PRICE_RECORDED).data[
        "source"] == "price_form"


def test_the_price_form_does_not_overwrite_an_entered_price(lot: Lot) -> None:
    record(lot, offer=0, amount="1240000")
    result = services.prices_import_from_bid(evaluation=lot.evaluation,
                                             submission_id=lot.offers[0].pk, by=lot.officer)
    assert result.recorded == [] and len(result.kept) == 1
    assert PriceEntry.objects.get().amount == Decimal("1240000")


def test_a_bid_without_a_price_form_says_so(lot: Lot) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.prices_import_from_bid(evaluation=lot.evaluation,
                                        submission_id=lot.offers[1].pk, by=lot.officer)
    assert "price form" in caught.value.message


def test_it_refuses_prices_from_someone_not_cleared(make_lot: object) -> None:
    lot = make_lot(declare_all=False)  # type: ignore[operator]
    declare(lot.notice, lot.members[0], conflict=True)
    for person in (lot.members[0], lot.members[1]):
        with pytest.raises(Forbidden):
            record(lot, by=person)
    assert not PriceEntry.objects.exists()


def test_prices_are_frozen_once_ranked(lot: Lot) -> None:
    prices(lot, ["1000000", "1100000", "900000"])
    score_all(lot)
    agree(lot, {})
    services.evaluation_rank(evaluation=lot.evaluation, by=lot.officer)
    with pytest.raises(Conflict):
        record(lot, amount="1", reason="Dette er en lang nok begrunnelse for endring.")


# --- the price form format (docs/price-form.md) ------------------------------------------------


def test_it_reads_a_csv_price_form_with_norwegian_numbers() -> None:
    data = b"lot;criterion;amount;currency\n1;1;1 250 000,50;NOK\n2;Pris;99000;\n"
    lines = price_form.parse("tilbud/price-form.csv", data)
    assert [(x.lot, x.criterion, x.amount) for x in lines] == [
        (1, 1, Decimal("1250000.50")), (2, "Pris", Decimal("99000.00"))]


def test_it_reads_a_comma_separated_form_with_only_an_amount() -> None:
    lines = price_form.parse("price-form.csv", b"\xef\xbb\xbfamount\n1250000.5\n\n")
    assert [(x.lot, x.criterion, x.amount) for x in lines] == [(0, None, Decimal("1250000.50"))]


@pytest.mark.parametrize(("name", "data", "where"), [
    ("price-form.csv", b"pris;sum\n1;2\n", "line 1"),
    ("price-form.csv", b"amount\n12,345.00\n", "line 2"),
    ("price-form.csv", b"lot;amount;currency\n1;100;EUR\n", "line 2"),
    ("price-form.csv", b"\xff\xfe", "price-form.csv"),
    ("prices.json", b"{not json", "prices.json"),
    ("prices.json", b'{"format": "other", "prices": [{"amount": 1}]}', "prices.json"),
    ("prices.json", b'{"prices": [{"amount": 1}, {"amount": "x"}]}', "prices[1]"),
    ("prices.json", b'{"prices": [{"lot": "to", "amount": 1}]}', "prices[0]"),
    ("prices.json", b'{"prices": []}', "prices.json"),
])
def test_a_malformed_price_form_is_refused_naming_the_line(name: str, data: bytes,
                                                            where: str) -> None:
    with pytest.raises(price_form.PriceFormError) as caught:
        price_form.parse(name, data)
    assert where in str(caught.value)


def test_price_scores_follow_the_published_method_once_every_price_is_in(lot: Lot) -> None:
    from evaluation.scores import selectors
    from tests.conftest import api_client_for

    record(lot, offer=0, amount="1000000")
    record(lot, offer=1, amount="1100000")
    assert selectors.price_scores_of(lot.evaluation) == {}  # a relative formula needs all
    record(lot, offer=2, amount="900000")
    # Linear: 10 - 10 * (P - Pmin) / Pmin with Pmin = 900 000.
    body = api_client_for(lot.members[0]).get(
        f"/api/notices/{lot.notice.pk}/evaluation/lots/0/prices").json()
    scores = {row["submission"]: round(row["score"], 3) for row in body["scores"]}
    assert scores == {str(lot.offers[0].pk): 8.889, str(lot.offers[1].pk): 7.778,
                      str(lot.offers[2].pk): 10.0}
