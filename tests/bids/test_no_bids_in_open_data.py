"""Nothing about bids appears in the open data before the award: not in OCDS, not in eForms,
not in the releases API, however many sealed bids a tender has."""

from __future__ import annotations

import json
from typing import Any

from notices.exports import eforms, ocds
from notices.exports.ocds_releases import releases_page
from tests.bids.conftest import Tender, submit

BID_WORDS = ("bids", "awards", "contracts", "tenderers", "numberOfTenderers")


def test_it_publishes_no_bid_information_before_the_award(tender: Tender, supplier_api: Any,
                                                          supplier: Any) -> None:
    _started, finalized = submit(supplier_api, tender.notice, b"Tilbud: 1 234 567 kr")
    assert finalized.status_code in (200, 201)
    notice = tender.notice
    notice.refresh_from_db()
    text = json.dumps(ocds.release_package(notice, uri="https://anbud.example/x"))
    text += json.dumps(releases_page(since=None, cursor=None, limit=100).releases)
    text += json.dumps(ocds.record_package([notice], uri="https://anbud.example/r"))
    for word in BID_WORDS:
        assert f'"{word}"' not in text
    assert supplier.name not in text and supplier.org_number not in text
    xml = eforms.notice_xml(notice, base_url="https://anbud.example/").decode()
    for element in ("NoticeResult", "LotTender", "TenderingParty", "ReceivedSubmissionsStatistics",
                    "SettledContract"):
        assert element not in xml
    assert supplier.name not in xml and supplier.org_number not in xml
