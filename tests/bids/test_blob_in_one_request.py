"""A bid in two requests: start, then PUT .../blob with the whole sealed blob and the finalise
document (issue 15 part 3).

The blob is stored, hashed and checked as it streams in (no re-read), and recorded in the
transaction that locks the tender row, reads the database clock, appends the log entry and
issues the receipt. Any refusal stores nothing; the older routes keep working.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.clock import db_now
from bids import submission as services
from bids.models import (
    BidEvent,
    BidEventKind,
    LogEntry,
    Receipt,
    SealedShare,
    SignedTreeHead,
    Submission,
    SubmissionStatus,
    UploadPart,
)
from crypto.receipts import verify_receipt
from notices.models import Notice
from tests.bids.conftest import Sealed, Tender, base, put_part, seal_for, set_deadline, start

pytestmark = pytest.mark.django_db

# The one-request route, a later bid that supersedes an earlier one, through the API. The
# three-request route costs 15 (part) + 29/30 (finalise) for the same work.
BLOB_MAX_QUERIES = {"sqlite": 24, "postgresql": 25}


def multipart(finalize: Any, blob: bytes, *, extra: bytes = b"",
              blob_field: str = "blob") -> tuple[str, bytes]:
    boundary = secrets.token_hex(12)
    head = b""
    if finalize is not None:
        text = finalize if isinstance(finalize, str) else json.dumps(finalize)
        head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"finalize\"\r\n"
                 f"Content-Type: application/json\r\n\r\n{text}\r\n").encode()
    body = head + (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{blob_field}\"; "
                   f"filename=\"bid.etb1\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                   ).encode() + blob + b"\r\n" + extra + f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", body


def put_blob(client: Any, notice: Notice, sid: str, sealed: Sealed, *,
             finalize: Any = "default", sha256: str | None = None, blob: bytes | None = None,
             **kwargs: Any) -> Any:
    blob = sealed.blob if blob is None else blob
    document = {**sealed.digest, **sealed.shares} if finalize == "default" else finalize
    content_type, body = multipart(document, blob, **kwargs)
    return client.generic("PUT", f"{base(notice)}{sid}/blob", body, content_type=content_type,
                          HTTP_X_CONTENT_SHA256=sha256 or hashlib.sha256(blob).hexdigest())


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _started_and_sealed(api: Any, notice: Notice, size: int = 300_000) -> tuple[str, Sealed]:
    started = start(api, notice)
    return started["id"], seal_for(started, os.urandom(size))


def assert_nothing_submitted(sid: str, root: Path, entries: int) -> None:
    submission = Submission.objects.get(pk=sid)
    assert submission.status == SubmissionStatus.UPLOADING
    assert not UploadPart.objects.filter(submission_id=sid).exists()
    assert not SealedShare.objects.filter(submission_id=sid).exists()
    assert not Receipt.objects.filter(submission_id=sid).exists()
    assert LogEntry.objects.count() == entries
    assert stored_files(root) == []


def test_it_issues_the_receipt_for_the_blob_and_shares_in_one_request(
        tender: Tender, supplier_api: Any, bid_storage: Path) -> None:
    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    response = put_blob(supplier_api, tender.notice, sid, sealed)
    assert response.status_code == 201, response.json()
    key = supplier_api.get("/api/keys/").json()["public_key"]
    receipt = verify_receipt(response.json(), key)
    assert {k: receipt[k] for k in sealed.digest} == sealed.digest
    submission = Submission.objects.get(pk=sid)
    assert submission.status == SubmissionStatus.SEALED
    assert submission.log_index == receipt["log_index"]
    parts = list(UploadPart.objects.filter(submission_id=sid).order_by("index"))
    assert [p.index for p in parts] == [0]
    assert parts[0].size == len(sealed.blob)
    assert parts[0].sha256 == hashlib.sha256(sealed.blob).hexdigest()
    assert stored_files(bid_storage)[0].read_bytes() == sealed.blob
    stored = dict(SealedShare.objects.filter(submission_id=sid)
                  .values_list("key_id", "sealed_share"))
    assert stored == {s["key_id"]: s["sealed_share"] for s in sealed.shares["sealed_shares"]}
    event = BidEvent.objects.get(submission_id=sid, kind=BidEventKind.SEALED)
    assert event.data["parts"] == [{"index": 0, "size": len(sealed.blob),
                                    "sha256": parts[0].sha256}]
    head = SignedTreeHead.objects.order_by("-size").first()
    assert head is not None and head.size == receipt["log_index"] + 1
    # The receipt is the one the other routes serve.
    again = supplier_api.get(f"{base(tender.notice)}{sid}/receipt").json()
    assert again == response.json()


def test_a_blob_larger_than_a_server_part_is_stored_in_several(
        tender: Tender, supplier_api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from bids import conf

    real = conf.get
    monkeypatch.setattr(conf, "get", lambda name: 128 * 1024 if name == "BID_SERVER_PART_BYTES"
                        else real(name))
    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    assert put_blob(supplier_api, tender.notice, sid, sealed).status_code == 201
    parts = list(UploadPart.objects.filter(submission_id=sid).order_by("index"))
    assert len(parts) == -(-len(sealed.blob) // (128 * 1024))
    assert sum(p.size for p in parts) == len(sealed.blob)
    # Each part's checksum is of its own bytes, so the opening checks them as ever.
    at = 0
    for part in parts:
        assert part.sha256 == hashlib.sha256(sealed.blob[at:at + part.size]).hexdigest()
        at += part.size


def test_it_replaces_parts_uploaded_before(tender: Tender, supplier_api: Any,
                                          bid_storage: Path,
                                          django_capture_on_commit_callbacks: Any) -> None:
    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    assert put_part(supplier_api, tender.notice, sid, 0, b"an earlier attempt").status_code == 201
    assert put_part(supplier_api, tender.notice, sid, 1, b"and more").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):  # the replaced files go on commit
        assert put_blob(supplier_api, tender.notice, sid, sealed).status_code == 201
    parts = list(UploadPart.objects.filter(submission_id=sid))
    assert len(parts) == 1 and parts[0].size == len(sealed.blob)
    assert [p.read_bytes() for p in stored_files(bid_storage)] == [sealed.blob]


def test_a_later_bid_supersedes_the_earlier_one(tender: Tender, supplier_api: Any) -> None:
    first, sealed = _started_and_sealed(supplier_api, tender.notice)
    assert put_blob(supplier_api, tender.notice, first, sealed).status_code == 201
    second, sealed = _started_and_sealed(supplier_api, tender.notice)
    assert put_blob(supplier_api, tender.notice, second, sealed).status_code == 201
    assert Submission.objects.get(pk=first).status == SubmissionStatus.SUPERSEDED
    assert Submission.objects.get(pk=second).status == SubmissionStatus.SEALED


@pytest.mark.parametrize(("case", "status", "code"), [
    ("wrong sha256", 400, "checksum_mismatch"),
    ("wrong digest", 400, "digest_mismatch"),
    ("damaged blob", 400, None),
    ("missing finalize", 400, "invalid_body"),
    ("finalize not json", 400, "invalid_body"),
    ("finalize without root", 400, None),
    ("missing blob", 400, "no_parts"),
    ("two files", 400, "bad_blob"),
    ("bad shares", 400, "bad_shares"),
    ("no sha256 header", 400, "checksum_required"),
])
def test_bad_input_is_a_clear_400_that_changes_nothing(
        tender: Tender, supplier_api: Any, bid_storage: Path, case: str, status: int,
        code: str | None) -> None:
    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    entries = LogEntry.objects.count()
    document = {**sealed.digest, **sealed.shares}
    url = f"{base(tender.notice)}{sid}/blob"
    if case == "wrong sha256":
        response = put_blob(supplier_api, tender.notice, sid, sealed, sha256="0" * 64)
    elif case == "wrong digest":
        response = put_blob(supplier_api, tender.notice, sid, sealed,
                            finalize={**document, "root": "ab" * 32})
    elif case == "damaged blob":
        response = put_blob(supplier_api, tender.notice, sid, sealed,
                            blob=b"NOTETB1" + sealed.blob[7:])
    elif case == "missing finalize":
        response = put_blob(supplier_api, tender.notice, sid, sealed, finalize=None)
    elif case == "finalize not json":
        response = put_blob(supplier_api, tender.notice, sid, sealed, finalize="{not json")
    elif case == "finalize without root":
        response = put_blob(supplier_api, tender.notice, sid, sealed,
                            finalize={k: v for k, v in document.items() if k != "root"})
    elif case == "missing blob":
        content_type = "multipart/form-data; boundary=xyz"
        body = (b'--xyz\r\nContent-Disposition: form-data; name="finalize"\r\n\r\n'
                + json.dumps(document).encode() + b"\r\n--xyz--\r\n")
        response = supplier_api.generic("PUT", url, body, content_type=content_type,
                                        HTTP_X_CONTENT_SHA256="0" * 64)
    elif case == "two files":
        extra = (b'--%s\r\nContent-Disposition: form-data; name="blob"; filename="b"\r\n\r\n'
                 b"more\r\n")
        content_type, body = multipart(document, sealed.blob)
        boundary = content_type.split("=")[1].encode()
        body = body.replace(b"--" + boundary + b"--", extra % boundary + b"--" + boundary
                            + b"--")
        response = supplier_api.generic("PUT", url, body, content_type=content_type,
                                        HTTP_X_CONTENT_SHA256=hashlib.sha256(
                                            sealed.blob).hexdigest())
    elif case == "bad shares":
        response = put_blob(supplier_api, tender.notice, sid, sealed, finalize={
            **sealed.digest, "sealed_shares": sealed.shares["sealed_shares"][:-1]})
    else:
        content_type, body = multipart(document, sealed.blob)
        response = supplier_api.generic("PUT", url, body, content_type=content_type)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    if code is not None:
        assert error["code"] == code, error
    assert error["message"]
    if case in ("missing finalize", "finalize not json", "finalize without root"):
        assert "finalize" in error["fields"]
    assert_nothing_submitted(sid, bid_storage, entries)


def test_a_blob_sealed_for_another_submission_is_refused(
        tender: Tender, supplier_api: Any, bid_storage: Path) -> None:
    other, sealed = _started_and_sealed(supplier_api, tender.notice)
    sid, _mine = _started_and_sealed(supplier_api, tender.notice)
    entries = LogEntry.objects.count()
    response = put_blob(supplier_api, tender.notice, sid, sealed, finalize=sealed.digest)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "context_mismatch"
    assert_nothing_submitted(sid, bid_storage, entries)
    assert Submission.objects.get(pk=other).status == SubmissionStatus.UPLOADING


def test_too_large_is_a_413_that_stores_nothing(tender: Tender, supplier_api: Any,
                                               bid_storage: Path) -> None:
    from bids.models import Committee

    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    Committee.objects.filter(notice=tender.notice).update(max_bid_bytes=len(sealed.blob) - 1)
    entries = LogEntry.objects.count()
    response = put_blob(supplier_api, tender.notice, sid, sealed)
    assert response.status_code == 413, response.content
    assert "bytes" in response.json()["error"]["message"]
    assert_nothing_submitted(sid, bid_storage, entries)


def test_a_blob_over_the_part_limit_is_told_to_use_parts(
        tender: Tender, supplier_api: Any, bid_storage: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bids import conf

    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    real = conf.get
    monkeypatch.setattr(conf, "get", lambda name: len(sealed.blob) - 1
                        if name == "BID_PART_MAX_BYTES" else real(name))
    response = put_blob(supplier_api, tender.notice, sid, sealed)
    assert response.status_code == 413
    assert "in parts" in response.json()["error"]["message"]
    assert_nothing_submitted(sid, bid_storage, LogEntry.objects.count())


def test_after_the_deadline_it_is_refused_before_the_body_and_recorded_nowhere_else(
        tender: Tender, supplier_api: Any, bid_storage: Path) -> None:
    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    set_deadline(tender.notice, timedelta(seconds=-1))
    entries = LogEntry.objects.count()
    response = put_blob(supplier_api, tender.notice, sid, sealed)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "deadline_passed"
    assert_nothing_submitted(sid, bid_storage, entries)


def test_the_deadline_is_decided_by_the_database_clock_under_the_tender_lock(
        tender: Tender, supplier_api: Any, bid_storage: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline passes while the blob streams in (after the early check): the check in
    the transaction that would issue the receipt, with the tender row locked and the
    database clock read, refuses it; the stored parts are deleted and the attempt logged."""
    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    entries = LogEntry.objects.count()
    real_close = services.BlobUpload.close

    def deadline_passes_meanwhile(self: services.BlobUpload) -> None:
        real_close(self)
        Notice.objects.filter(pk=tender.notice.pk).update(
            submission_deadline=db_now() - timedelta(microseconds=1))

    monkeypatch.setattr(services.BlobUpload, "close", deadline_passes_meanwhile)
    with CaptureQueriesContext(connection) as queries:
        response = put_blob(supplier_api, tender.notice, sid, sealed)
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "deadline_passed"
    assert_nothing_submitted(sid, bid_storage, entries)
    assert BidEvent.objects.filter(submission_id=sid, kind=BidEventKind.LATE_REFUSED).exists()
    sql = [q["sql"] for q in queries.captured_queries]
    locked = [i for i, q in enumerate(sql) if q.startswith('SELECT "notices_notice"')
              and (connection.vendor == "sqlite" or "FOR UPDATE" in q)]
    assert locked, "the tender row was not locked"
    if connection.vendor == "postgresql":
        assert any("clock_timestamp()" in q for q in sql[locked[-1]:]), \
            "the database clock was not read under the lock"


def test_it_refuses_a_bid_that_is_no_longer_uploading(tender: Tender, supplier_api: Any,
                                                     bid_storage: Path) -> None:
    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    assert put_blob(supplier_api, tender.notice, sid, sealed).status_code == 201
    files = stored_files(bid_storage)
    again = put_blob(supplier_api, tender.notice, sid, sealed)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_uploading"
    assert stored_files(bid_storage) == files


def test_other_suppliers_do_not_learn_the_submission_exists(
        tender: Tender, supplier_api: Any, api_for: Any, other_supplier_user: Any,
        bid_storage: Path) -> None:
    sid, sealed = _started_and_sealed(supplier_api, tender.notice)
    response = put_blob(api_for(other_supplier_user), tender.notice, sid, sealed)
    assert response.status_code == 404
    assert_nothing_submitted(sid, bid_storage, LogEntry.objects.count())


def test_the_one_request_route_costs_a_pinned_number_of_queries(
        tender: Tender, supplier_api: Any) -> None:
    first, sealed = _started_and_sealed(supplier_api, tender.notice)
    assert put_blob(supplier_api, tender.notice, first, sealed).status_code == 201
    second, sealed = _started_and_sealed(supplier_api, tender.notice)
    with CaptureQueriesContext(connection) as queries:
        response = put_blob(supplier_api, tender.notice, second, sealed)
    assert response.status_code == 201, response.json()
    assert Submission.objects.get(pk=first).status == SubmissionStatus.SUPERSEDED
    assert len(queries) <= BLOB_MAX_QUERIES[connection.vendor], "\n".join(
        q["sql"][:160] for q in queries.captured_queries)
