"""Standstill (FOA § 25-2): the arithmetic (pure, and through award_send with a fixed now),
and the dated rule rows per regime deciding whether it applies and how long it is."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.errors import ApplicationError
from evaluation.award import selectors, services
from evaluation.award.models import AwardDecision, StandstillRule
from evaluation.award.standstill import standstill_end, standstill_last_day
from notices.models import Notice
from tests.evaluation.award.conftest import Lot

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)  # type: ignore[misc]


@pytest.mark.parametrize(("sent", "end"), [
    # An ordinary day in winter: sent 3 Feb, ten days 4-13 Feb, signing from 14 Feb 00:00.
    (oslo(2027, 2, 3, 10, 0), oslo(2027, 2, 14, 0, 0)),
    # Across a month end (January has 31 days; February 28).
    (oslo(2027, 1, 25, 14, 0), oslo(2027, 2, 5, 0, 0)),
    (oslo(2027, 2, 22, 9, 0), oslo(2027, 3, 5, 0, 0)),
    (oslo(2028, 2, 22, 9, 0), oslo(2028, 3, 4, 0, 0)),  # 2028 is a leap year
    # Across the March change (28 March 2027, 02:00 -> 03:00): the end is midnight Oslo time,
    # summer time (+02:00), even though a day of the period had 23 hours.
    (oslo(2027, 3, 20, 23, 30), oslo(2027, 3, 31, 0, 0)),
    # Sent late in the evening Oslo time in winter: in UTC it is still the same date, and
    # 00:30 Oslo on 21 March is 23:30 UTC on the 20th: the Oslo date counts.
    (oslo(2027, 3, 21, 0, 30), oslo(2027, 4, 1, 0, 0)),
    # Across the October change (31 October 2027, 03:00 -> 02:00): a 25-hour day.
    (oslo(2027, 10, 25, 23, 45), oslo(2027, 11, 5, 0, 0)),
    (oslo(2027, 10, 30, 23, 59), oslo(2027, 11, 10, 0, 0)),
    # Across a year end.
    (oslo(2026, 12, 28, 15, 0), oslo(2027, 1, 8, 0, 0)),
    (oslo(2026, 12, 31, 23, 30), oslo(2027, 1, 11, 0, 0)),
])
def test_the_end_is_oslo_midnight_after_ten_full_days(sent: datetime, end: datetime) -> None:
    got = standstill_end(sent.astimezone(UTC), 10)
    assert got == end
    assert got.utcoffset() == end.utcoffset()
    assert (got.hour, got.minute) == (0, 0) and got.tzinfo is not None
    assert got.astimezone(OSLO).date() == standstill_last_day(sent.astimezone(UTC), 10) \
        + timedelta(days=1)


def test_the_offsets_around_the_daylight_saving_changes() -> None:
    march = standstill_end(oslo(2027, 3, 20, 23, 30).astimezone(UTC), 10)
    assert march.astimezone(UTC) == datetime(2027, 3, 30, 22, 0, tzinfo=UTC)  # +02:00
    october = standstill_end(oslo(2027, 10, 25, 23, 45).astimezone(UTC), 10)
    assert october.astimezone(UTC) == datetime(2027, 11, 4, 23, 0, tzinfo=UTC)  # +01:00
    # Sent 23:45 Oslo summer time = 21:45 UTC the same date.
    assert oslo(2027, 10, 25, 23, 45).astimezone(UTC).date() == date(2027, 10, 25)


def test_no_period_ends_at_sending() -> None:
    sent = datetime(2027, 5, 3, 8, 0, tzinfo=UTC)
    assert standstill_end(sent, 0) == sent


# --- through award_send with a fixed now -------------------------------------------------------


def _send(lot: Lot, at: datetime) -> AwardDecision:
    decision = services.award_draft(evaluation=lot.evaluation, by=lot.officer, now=at)
    return services.award_send(decision=decision, by=lot.officer, now=at)


@pytest.mark.parametrize(("sent", "end"), [
    (oslo(2027, 3, 20, 23, 30), oslo(2027, 3, 31, 0, 0)),
    (oslo(2027, 10, 25, 23, 45), oslo(2027, 11, 5, 0, 0)),
    (oslo(2026, 12, 31, 23, 30), oslo(2027, 1, 11, 0, 0)),
    (oslo(2027, 1, 25, 22, 0), oslo(2027, 2, 5, 0, 0)),
])
def test_award_send_stores_the_end(ranked: Lot, sent: datetime, end: datetime) -> None:
    decision = _send(ranked, sent.astimezone(UTC))
    decision.refresh_from_db()
    assert decision.standstill_days == 10
    assert decision.standstill_end == end
    assert decision.sent_at == sent


# --- the dated rule rows -------------------------------------------------------------------------


def _regime(lot: Lot, regime: str) -> None:
    Notice.objects.filter(pk=lot.notice.pk).update(regime=regime)
    lot.notice.refresh_from_db()
    lot.evaluation.notice = lot.notice


@pytest.mark.parametrize(("regime", "days"), [("part3", 10), ("part2", 10), ("part1", 0)])
def test_the_rule_of_the_regime_decides(ranked: Lot, regime: str, days: int) -> None:
    _regime(ranked, regime)
    at = datetime(2027, 4, 6, 9, 0, tzinfo=UTC)
    decision = _send(ranked, at)
    decision.refresh_from_db()
    assert decision.standstill_days == days
    if days:
        assert decision.standstill_end == oslo(2027, 4, 17, 0, 0)
    else:  # Part I: no standstill period; the contract may be signed at once
        assert decision.standstill_end == at
        letter = decision.letters.first()
        assert letter is not None
        assert "Det gjelder ingen karensperiode for denne anskaffelsen" in letter.text


def test_a_new_dated_row_changes_the_result_from_its_date(ranked: Lot) -> None:
    _regime(ranked, "part3")
    StandstillRule.objects.filter(regime="part3").update(valid_to=date(2027, 6, 30))
    StandstillRule.objects.create(regime="part3", applies=True, days=15,
                                  valid_from=date(2027, 7, 1), source="Test: lovendring")
    assert selectors.standstill_rule_for("part3", date(2027, 6, 30)).days == 10  # type: ignore[union-attr]
    assert selectors.standstill_rule_for("part3", date(2027, 7, 1)).days == 15  # type: ignore[union-attr]
    # 30 June 23:30 Oslo is 21:30 UTC: the old row still applies.
    decision = _send(ranked, oslo(2027, 6, 30, 23, 30).astimezone(UTC))
    decision.refresh_from_db()
    assert decision.standstill_days == 10
    services.award_withdraw(decision=decision, by=ranked.officer,
                            reason="Feil i poengberegningen av pris, sendes på nytt.",
                            now=oslo(2027, 7, 1, 0, 30).astimezone(UTC))
    # 1 July 00:30 Oslo is 30 June 22:30 UTC: the Oslo date decides, the new row applies.
    again = _send(ranked, oslo(2027, 7, 1, 0, 30).astimezone(UTC))
    again.refresh_from_db()
    assert again.standstill_days == 15
    assert again.standstill_end == oslo(2027, 7, 17, 0, 0)


def test_no_rule_in_force_refuses_sending(ranked: Lot) -> None:
    _regime(ranked, "part3")
    StandstillRule.objects.filter(regime="part3").update(valid_from=date(2030, 1, 1))
    decision = services.award_draft(evaluation=ranked.evaluation, by=ranked.officer)
    with pytest.raises(ApplicationError) as caught:
        services.award_send(decision=decision, by=ranked.officer,
                            now=datetime(2027, 4, 6, 9, 0, tzinfo=UTC))
    assert caught.value.status_code == 409 and caught.value.code == "no_rule"
    decision.refresh_from_db()
    assert decision.status == "draft" and not decision.letters.exists()


# --- exceptions -------------------------------------------------------------------------------


def _with_exception(lot: Lot, exception: str, justification: str) -> AwardDecision:
    decision = services.award_draft(evaluation=lot.evaluation, by=lot.officer)
    return services.award_update_draft(
        decision=decision, by=lot.officer, outcome="winner",
        winners=[str(lot.offers[0].pk)], letter_text=decision.letter_text,
        price_justification=decision.price_justification, standstill_exception=exception,
        standstill_justification=justification)


def test_an_exception_needs_a_justification(ranked: Lot) -> None:
    decision = _with_exception(ranked, "call_off", "")
    with pytest.raises(ApplicationError) as caught:
        services.award_send(decision=decision, by=ranked.officer)
    assert "standstill_justification" in caught.value.fields
    decision = services.award_update_draft(
        decision=decision, by=ranked.officer, outcome="winner",
        winners=[str(ranked.offers[0].pk)], letter_text=decision.letter_text,
        price_justification=decision.price_justification, standstill_exception="call_off",
        standstill_justification="Avrop på rammeavtale 2025/14 etter fornyet konkurranse.")
    sent = services.award_send(decision=decision, by=ranked.officer)
    sent.refresh_from_db()
    assert sent.standstill_days == 0 and sent.standstill_end == sent.sent_at
    letter = sent.letters.first()
    assert letter is not None and "Avrop på rammeavtale 2025/14" in letter.text


def test_the_single_bidder_exception_needs_one_bidder(ranked: Lot) -> None:
    decision = _with_exception(ranked, "single_bidder",
                               "Bare én leverandør leverte tilbud i konkurransen.")
    with pytest.raises(ApplicationError) as caught:
        services.award_send(decision=decision, by=ranked.officer)
    assert "standstill_exception" in caught.value.fields
    decision.refresh_from_db()
    assert decision.status == "draft"
