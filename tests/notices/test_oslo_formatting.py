"""One Europe/Oslo formatter (backend/formatting.py) for pages, e-mails, messages and exports."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from backend.formatting import format_day, format_oslo, to_oslo

# Summer time starts 2026-03-29 at 01:00 UTC (02:00 -> 03:00 in Oslo) and ends 2026-10-25 at
# 01:00 UTC (03:00 -> 02:00).
BEFORE_SPRING = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
AFTER_SPRING = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
BEFORE_AUTUMN = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
AFTER_AUTUMN = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
MONTH_END = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # already February in Oslo
YEAR_END = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)  # already 2027 in Oslo


@pytest.mark.parametrize(("moment", "short", "iso", "eforms_date", "eforms_time"), [
    (BEFORE_SPRING, "29.03.2026 01:59", "2026-03-29T01:59:00+01:00", "2026-03-29+01:00",
     "01:59:00+01:00"),
    (AFTER_SPRING, "29.03.2026 03:00", "2026-03-29T03:00:00+02:00", "2026-03-29+02:00",
     "03:00:00+02:00"),
    # The same wall-clock time twice in the autumn; the offset tells them apart.
    (BEFORE_AUTUMN, "25.10.2026 02:30", "2026-10-25T02:30:00+02:00", "2026-10-25+02:00",
     "02:30:00+02:00"),
    (AFTER_AUTUMN, "25.10.2026 02:30", "2026-10-25T02:30:00+01:00", "2026-10-25+01:00",
     "02:30:00+01:00"),
    (MONTH_END, "01.02.2026 00:30", "2026-02-01T00:30:00+01:00", "2026-02-01+01:00",
     "00:30:00+01:00"),
    (YEAR_END, "01.01.2027 00:00", "2027-01-01T00:00:00+01:00", "2027-01-01+01:00",
     "00:00:00+01:00"),
])
def test_it_formats_in_oslo_time_across_dst_and_month_ends(moment, short, iso, eforms_date,
                                                            eforms_time):
    assert format_oslo(moment, "short") == short
    assert format_oslo(moment, "seconds") == short + ":00"
    assert format_oslo(moment, "input") == iso[:16]
    assert format_oslo(moment, "iso") == iso
    assert format_oslo(moment, "eforms_date") == eforms_date
    assert format_oslo(moment, "eforms_time") == eforms_time
    assert format_oslo(moment, "iso_utc") == moment.isoformat()


def test_it_names_the_oslo_day_in_both_languages():
    with translation.override("nb"):
        assert format_oslo(MONTH_END, "date") == "1. februar 2026"
        assert format_oslo(MONTH_END, "datetime").startswith("1. februar 2026")
        assert "00:30" in format_oslo(MONTH_END, "datetime")
    with translation.override("en"):
        assert format_oslo(MONTH_END, "date") == "1 February 2026"
        assert format_oslo(MONTH_END, "datetime") == (
            "1 February 2026 at 00:30 (Norwegian time)")
        assert format_oslo(YEAR_END, "deadline") == "00:00:00 on 01.01.2027 (Oslo time)"


def test_it_renders_the_template_filters_with_the_same_formatter():
    template = Template("{% load anbud following_tags %}{{ t|oslo }}|{{ t|oslo_date }}|"
                        "{{ t|oslo_time }}|{{ t|iso }}|{{ none|oslo }}|{{ none|iso }}")
    with translation.override("en"):
        text = template.render(Context({"t": AFTER_AUTUMN, "none": None}))
        assert text == "|".join([format_oslo(AFTER_AUTUMN), format_oslo(AFTER_AUTUMN, "date"),
                                 format_oslo(AFTER_AUTUMN, "short"),
                                 AFTER_AUTUMN.isoformat(), "—", ""])


def test_it_reads_a_naive_time_as_oslo_time_and_shows_a_placeholder_for_none():
    naive = datetime(2026, 7, 1, 12, 0)
    assert to_oslo(naive).utcoffset().total_seconds() == 7200
    assert format_oslo(naive, "short") == "01.07.2026 12:00"
    assert format_oslo(None, "short") == "—"
    assert format_oslo(None, "seconds", empty="-") == "-"


def test_it_shows_a_calendar_day_as_that_day_not_as_midnight_utc():
    day = date(2026, 7, 1)
    template = Template("{% load anbud %}{{ d|oslo_date }}")
    with translation.override("en"):
        assert format_oslo(day, "date") == format_day(day) == "1 July 2026"
        assert template.render(Context({"d": day})) == "1 July 2026"
        # Before: the day went through parse_moment as 00:00 UTC, i.e. 02:00 in Oslo.
        assert format_oslo(day, "short") == "01.07.2026 12:00"
    with translation.override("nb"):
        assert template.render(Context({"d": day})) == "1. juli 2026"
