"""Localised formats (backend/formatting.py): numbers and sizes in the page's language, every
time in Europe/Oslo, the same on pages, in the PDF protocol and in the browser's scripts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from backend.formatting import format_number, format_oslo, format_size
from bids.opening.models import OpeningSession
from bids.opening.protocol import _size
from tests.bids.test_opening import Tender, opened, plain_shares, tender  # noqa: F401

NBSP = "\u00a0"


@pytest.mark.parametrize(("size", "nb", "en"), [
    (0, "0 B", "0 B"),
    (1023, "1 023 B", "1,023 B"),
    (1536, "2 KiB", "2 KiB"),
    (26 * 1024 * 1024, "26,0 MiB", "26.0 MiB"),
    (int(1.25 * 2**30), "1,25 GiB", "1.25 GiB"),
    (3 * 2**40, "3,00 TiB", "3.00 TiB"),
])
def test_it_writes_sizes_in_the_pages_language(size: int, nb: str, en: str) -> None:
    with translation.override("nb"):
        assert format_size(size) == nb.replace(" ", NBSP)
    with translation.override("en"):
        assert format_size(size) == en.replace(" ", NBSP)


def test_it_writes_numbers_and_amounts_in_the_pages_language() -> None:
    with translation.override("nb"):
        assert format_number(1_300_000) == f"1{NBSP}300{NBSP}000"
        assert format_number(2.5, 1) == "2,5"
        html = Template("{% load anbud %}{{ v|nok }} · {{ n|number }} · {{ s|filesize }}").render(
            Context({"v": 1_300_000, "n": 12345, "s": 26 * 2**20}))
        assert html == f"NOK 1{NBSP}300{NBSP}000 · 12{NBSP}345 · 26,0{NBSP}MiB"
    with translation.override("en"):
        assert format_number(1_300_000) == "1,300,000"
        assert format_number(2.5, 1) == "2.5"


def test_it_shows_signed_utc_timestamps_in_oslo_time() -> None:
    signed = "2026-07-01T10:00:00.123Z"  # summer: UTC+2
    assert format_oslo(signed, "seconds") == "01.07.2026 12:00:00"
    assert format_oslo("2026-12-01T11:00:00+00:00", "short") == "01.12.2026 12:00"
    assert format_oslo("", "seconds") == "—" and format_oslo("not a time", "short") == "—"
    moment = datetime(2026, 7, 1, 10, 0, 0, 5, tzinfo=UTC)
    assert format_oslo(moment, "precise") == "01.07.2026 12:00:00.000005"


def test_the_protocol_pdf_writes_sizes_the_same_way() -> None:
    with translation.override("nb"):
        assert _size(26 * 2**20) == f"26,0{NBSP}MiB (27{NBSP}262{NBSP}976 B)"
        assert _size(10) == f"10{NBSP}B"


def test_the_opening_page_shows_the_tree_head_time_in_oslo_time(
        tender: Tender, opened: OpeningSession) -> None:  # noqa: F811
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    client.force_login(tender.officer)
    check: dict[str, Any] = opened.log_check
    stamp = check["timestamp"]
    oslo = format_oslo(stamp, "seconds")
    page = client.get(f"/bids/notices/{tender.notice.pk}/opening/").content.decode()
    assert f">{oslo}</time> (norsk tid)" in page
    assert f">{stamp}<" not in page and f", {stamp}," not in page
    protocol = client.get(f"/bids/notices/{tender.notice.pk}/opening/protocol/").content.decode()
    assert f">{oslo}</time> (norsk tid)" in protocol and f"<code>{stamp}</code> (UTC)" in protocol
