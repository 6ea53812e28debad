"""Standstill arithmetic (FOA § 25-2): pure functions, no database.

The period is counted in whole days in Norwegian time from the day after the letters are
sent: letters sent on day D with a period of N days end with day D+N, so the contract may be
signed from midnight (00:00 Europe/Oslo) at the start of day D+N+1. Computing through the
local calendar date and `zoneinfo` keeps the instant right across month ends and both
daylight-saving changes (a day there has 23 or 25 hours).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def standstill_last_day(sent_at: datetime, days: int) -> date:
    """The last calendar day (Oslo) of the period."""
    return sent_at.astimezone(OSLO).date() + timedelta(days=days)


def standstill_end(sent_at: datetime, days: int) -> datetime:
    """The first instant at which the contract may be signed (aware, Europe/Oslo).
    With no standstill period (days == 0) that is the moment of sending."""
    if days <= 0:
        return sent_at.astimezone(OSLO)
    first_free_day = standstill_last_day(sent_at, days) + timedelta(days=1)
    return datetime.combine(first_free_day, time(0, 0), tzinfo=OSLO)
