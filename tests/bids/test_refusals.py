"""Replace, withdraw, and every refusal: each is a clear 4xx and changes nothing."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from bids.models import BidEvent, LogEntry, Receipt, Submission, SubmissionStatus, UploadPart
from crypto.receipts import verify_receipt
from notices import services as notice_services
from tests.bids.conftest import (
    Tender,
    base,
    put_part,
    seal_for,
    set_deadline,
    start,
    submit,
    upload_all,
)


def state(storage_root: Path) -> dict[str, Any]:
    return {
        "submissions": sorted(Submission.objects.values_list("id", "status")),
        "parts": sorted(UploadPart.objects.values_list("submission_id", "index", "sha256")),
        "log": LogEntry.objects.count(),
        "receipts": Receipt.objects.count(),
        "files": sorted(str(p) for p in storage_root.rglob("*") if p.is_file()),
    }


def error(response: Any) -> str:
    return response.json()["error"]["message"]


def test_it_supersedes_the_earlier_bid_when_replaced(tender: Tender, supplier_api: Any) -> None:
    first, r1 = submit(supplier_api, tender.notice, b"first offer")
    second, r2 = submit(supplier_api, tender.notice, b"better offer")
    assert r1.status_code == r2.status_code == 201
    assert Submission.objects.get(pk=first["id"]).status == SubmissionStatus.SUPERSEDED
    assert Submission.objects.get(pk=second["id"]).status == SubmissionStatus.SEALED
    kinds = list(LogEntry.objects.order_by("index").values_list("kind", flat=True))
    assert kinds[-2:] == ["submission.superseded", "submission.received"]
    mine = supplier_api.get(base(tender.notice)).json()["results"]
    assert {s["id"]: s["status"] for s in mine} == {first["id"]: "superseded",
                                                     second["id"]: "sealed"}


def test_it_withdraws_and_logs_it(tender: Tender, supplier_api: Any) -> None:
    started, _r = submit(supplier_api, tender.notice, b"offer")
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/withdraw")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert LogEntry.objects.order_by("-index").first().kind == "submission.withdrawn"
    again = supplier_api.post(f"{base(tender.notice)}{started['id']}/withdraw")
    assert again.status_code == 409
    assert "only the current sealed bid can be withdrawn" in error(again)


def test_it_refuses_a_late_finalisation_clearly(tender: Tender, supplier_api: Any,
                                                 bid_storage: Path) -> None:
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, b"late offer")
    upload_all(supplier_api, tender.notice, started["id"], sealed.blob)
    supplier_api.post(f"{base(tender.notice)}{started['id']}/sealed-shares", sealed.shares,
                      format="json")
    set_deadline(tender.notice, timedelta(seconds=-1))
    before = state(bid_storage)
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/finalize",
                                 sealed.digest, format="json")
    assert response.status_code == 409
    assert "has passed; nothing was submitted" in error(response)
    assert "Oslo time" in error(response)
    assert state(bid_storage) == before
    late = BidEvent.objects.get(submission_id=started["id"], kind="submission.late_refused")
    assert late.data["attempted_at"] > late.data["deadline"]
    late_start = supplier_api.post(base(tender.notice), {}, format="json")
    assert late_start.status_code == 409 and "has passed" in error(late_start)


def test_it_refuses_a_part_with_a_wrong_checksum_and_stores_nothing(
        tender: Tender, supplier_api: Any, bid_storage: Path) -> None:
    started = start(supplier_api, tender.notice)
    before = state(bid_storage)
    response = put_part(supplier_api, tender.notice, started["id"], 0, b"x" * 1000,
                        checksum=hashlib.sha256(b"y").hexdigest())
    assert response.status_code == 400
    assert "arrived damaged" in error(response)
    assert state(bid_storage) == before
    missing = supplier_api.put(f"{base(tender.notice)}{started['id']}/parts/0", data=b"x",
                               content_type="application/octet-stream")
    assert missing.status_code == 400 and "X-Content-SHA256" in error(missing)


def test_it_refuses_a_wrong_root_and_a_missing_part(tender: Tender, supplier_api: Any,
                                                     bid_storage: Path) -> None:
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, os.urandom(1_300_000))
    upload_all(supplier_api, tender.notice, started["id"], sealed.blob)
    supplier_api.post(f"{base(tender.notice)}{started['id']}/sealed-shares", sealed.shares,
                      format="json")
    before = state(bid_storage)
    wrong = {**sealed.digest, "root": "0" * 64}
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/finalize", wrong,
                                 format="json")
    assert response.status_code == 400
    assert "does not match your digest (root differ)" in error(response)
    assert state(bid_storage) == before
    UploadPart.objects.filter(submission_id=started["id"], index=1).delete()
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/finalize",
                                 sealed.digest, format="json")
    assert response.status_code == 400 and "Part 1 is missing" in error(response)
    assert Submission.objects.get(pk=started["id"]).status == SubmissionStatus.UPLOADING


def test_it_refuses_a_blob_sealed_to_another_context(tender: Tender,
                                                      supplier_api: Any) -> None:
    first = start(supplier_api, tender.notice)
    second = start(supplier_api, tender.notice)
    sealed = seal_for(first, b"offer")  # replayed into the second submission
    upload_all(supplier_api, tender.notice, second["id"], sealed.blob)
    response = supplier_api.post(f"{base(tender.notice)}{second['id']}/finalize",
                                 sealed.digest, format="json")
    assert response.status_code == 400 and "another context" in error(response)


def test_it_refuses_an_oversized_bid(make_tender: Any, supplier_api: Any,
                                     bid_storage: Path) -> None:
    tender = make_tender(max_bid_bytes=600_000)
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, os.urandom(700_000))
    assert put_part(supplier_api, tender.notice, started["id"], 0,
                    sealed.blob[:500_000]).status_code == 201
    before = state(bid_storage)
    response = put_part(supplier_api, tender.notice, started["id"], 1, sealed.blob[500_000:])
    assert response.status_code == 413
    assert "larger than this tender accepts" in error(response)
    assert state(bid_storage) == before
    server = supplier_api.post(f"{base(tender.notice)}server-sealed", data=b"x" * 700_000,
                               content_type="application/octet-stream",
                               HTTP_X_FILENAME="big.bin")
    assert server.status_code == 413
    assert state(bid_storage) == before


def test_it_refuses_bids_on_a_cancelled_tender(tender: Tender, supplier_api: Any,
                                                officer: Any, bid_storage: Path) -> None:
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, b"offer")
    upload_all(supplier_api, tender.notice, started["id"], sealed.blob)
    supplier_api.post(f"{base(tender.notice)}{started['id']}/sealed-shares", sealed.shares,
                      format="json")
    notice_services.notice_cancel(notice=tender.notice, by=officer, reason="Budget withdrawn")
    before = state(bid_storage)
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/finalize",
                                 sealed.digest, format="json")
    assert response.status_code == 409 and "cancelled" in error(response)
    again = supplier_api.post(base(tender.notice), {}, format="json")
    assert again.status_code == 409 and "cancelled" in error(again)
    assert state(bid_storage) == before


def test_it_refuses_bids_where_the_tender_takes_no_electronic_bids(
        make_notice: Any, supplier_api: Any) -> None:
    notice = make_notice()
    response = supplier_api.post(base(notice), {}, format="json")
    assert response.status_code == 400
    assert "does not take electronic bids" in error(response)


def test_it_refuses_finalising_without_the_shares(tender: Tender, supplier_api: Any) -> None:
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, b"offer")
    upload_all(supplier_api, tender.notice, started["id"], sealed.blob)
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/finalize",
                                 sealed.digest, format="json")
    assert response.status_code == 400 and "sealed shares" in error(response)
    bad = supplier_api.post(f"{base(tender.notice)}{started['id']}/sealed-shares",
                            {"sealed_shares": sealed.shares["sealed_shares"][:2]},
                            format="json")
    assert bad.status_code == 400 and "missing" in error(bad)


def test_a_receipt_survives_a_later_withdrawal(tender: Tender, supplier_api: Any) -> None:
    started, response = submit(supplier_api, tender.notice, b"offer")
    signed = response.json()
    supplier_api.post(f"{base(tender.notice)}{started['id']}/withdraw")
    key = supplier_api.get("/api/keys/").json()["public_key"]
    assert verify_receipt(signed, key)["submission"] == started["id"]


def test_a_body_that_is_not_an_object_is_a_clear_400(tender: Tender, supplier_api: Any) -> None:
    url = f"/api/notices/{tender.notice.pk}/submissions/"
    response = supplier_api.post(url, ["offer"], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_body"
    assert not Submission.objects.exists()


def test_the_refusals_are_in_bokmal_for_a_norwegian_page(
        tender: Tender, supplier_api: Any, supplier_user: Any, client: Any) -> None:
    """A late bid, a bid on a tender without electronic bids, and the wrong passphrase at the
    opening: in bokmål when the page is Norwegian (the browser sends its language)."""
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, b"sent just too late")
    upload_all(supplier_api, tender.notice, started["id"], sealed.blob)
    supplier_api.post(f"{base(tender.notice)}{started['id']}/sealed-shares", sealed.shares,
                      format="json")
    set_deadline(tender.notice, timedelta(seconds=-1))
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/finalize",
                                 sealed.digest, format="json", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 409
    assert error(response).startswith("Fristen kl. ")
    assert error(response).endswith("(norsk tid) har gått ut; ingenting ble levert.")
    client.force_login(tender.members[0].user)
    client.cookies["django_language"] = "nb"
    opening_page = client.get(f"/bids/notices/{tender.notice.pk}/opening/").content.decode()
    assert "Feil passordfrase: n\\u00f8kkelen din kunne ikke l\\u00e5ses opp." in opening_page
