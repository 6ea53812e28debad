"""Periodic bookkeeping (unfinished uploads, tender closed, tree heads) and verify_log."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from backend.clock import db_now
from bids import tasks, tlog
from bids.models import LogEntry, SignedTreeHead, Submission, SubmissionStatus, UploadPart
from bids.submission import submissions_cleanup_unfinished, tenders_close_due
from tests.bids.conftest import Tender, base, seal_for, set_deadline, start, submit, upload_all


def test_unfinished_uploads_never_count_and_are_deleted_after_the_deadline(
        tender: Tender, supplier_api: Any, other_supplier_user: Any,
        bid_storage: Path) -> None:
    from tests.conftest import api_client_for

    done, _r = submit(supplier_api, tender.notice, b"finished offer")
    other = api_client_for(other_supplier_user)
    started = start(other, tender.notice)
    upload_all(other, tender.notice, started["id"], seal_for(started, b"unfinished").blob)
    assert submissions_cleanup_unfinished() == 0  # before the deadline nothing is touched
    set_deadline(tender.notice, timedelta(seconds=-1))
    assert submissions_cleanup_unfinished() == 1
    assert submissions_cleanup_unfinished() == 0  # idempotent
    unfinished = Submission.objects.get(pk=started["id"])
    assert unfinished.status == SubmissionStatus.ABANDONED
    assert not UploadPart.objects.filter(submission=unfinished).exists()
    assert not list((bid_storage / "bids").rglob(f"*{started['id']}*/*"))
    assert Submission.objects.get(pk=done["id"]).status == SubmissionStatus.SEALED

    assert tenders_close_due() == 1
    assert tenders_close_due() == 0
    closed = json.loads(LogEntry.objects.get(kind="tender.closed").entry)
    assert closed["entries"] == 1
    assert closed["context_hashes"] == [Submission.objects.get(pk=done["id"]).context_hash]
    sth = SignedTreeHead.objects.get(notice=tender.notice)
    assert sth.reason == "deadline" and sth.size == LogEntry.objects.count()


def test_tree_heads_are_issued_at_least_hourly(tender: Tender, settings: Any) -> None:
    assert SignedTreeHead.objects.count() == 1  # signed with the manifest, the first entry
    assert tlog.sth_periodic() is None  # one per interval
    settings.BIDS_STH_INTERVAL = 0
    assert tasks.tree_head.delay().get() is True
    settings.BIDS_STH_INTERVAL = 3600
    assert tlog.sth_periodic(now=db_now() + timedelta(hours=1, seconds=1)) is not None


def test_verify_log_finds_a_tampered_entry(tender: Tender, supplier_api: Any) -> None:
    submit(supplier_api, tender.notice, b"offer")
    tlog.sth_issue()
    out = io.StringIO()
    call_command("verify_log", stdout=out)
    assert "The log is sound" in out.getvalue()
    entry = LogEntry.objects.get(kind="submission.received")
    LogEntry.objects.filter(pk=entry.pk).update(entry=entry.entry.replace('"root":"', '"root":"0'))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_log", stdout=io.StringIO(), stderr=err)
    assert f"entry {entry.index}" in err.getvalue()


def test_the_server_sealing_route_refuses_what_it_cannot_seal(tender: Tender,
                                                               supplier_api: Any) -> None:
    url = f"{base(tender.notice)}server-sealed"
    multipart = supplier_api.post(url, {"file": io.BytesIO(b"secret")}, format="multipart")
    assert multipart.status_code == 400
    assert "request body" in multipart.json()["error"]["message"]
    no_name = supplier_api.post(url, data=b"x", content_type="application/octet-stream")
    assert no_name.status_code == 400 and "X-Filename" in no_name.json()["error"]["message"]
    folder = supplier_api.post(url, data=b"x", content_type="application/octet-stream",
                               HTTP_X_FILENAME="../etc/passwd")
    assert folder.status_code == 400
    assert Submission.objects.filter(status=SubmissionStatus.SEALED).count() == 0
    ok = supplier_api.post(url, data=b"tilbud", content_type="application/octet-stream",
                           HTTP_X_FILENAME="tilbud.txt")
    assert ok.status_code == 201 and ok.json()["receipt"]["sealing"] == "server"


def test_it_never_writes_when_reading_the_tree_head(tender: Tender, supplier_api: Any) -> None:
    from tests.conftest import api_client_for

    anonymous = api_client_for(None)
    submit(supplier_api, tender.notice, b"offer")
    signed = SignedTreeHead.objects.count()
    latest = tlog.sth_latest()
    assert latest is not None and latest.size == LogEntry.objects.count()  # signed at receipt
    # An entry no head covers yet (a withdrawal is covered by the periodic job): still a read.
    with transaction.atomic():
        tlog.log_append(kind="test.pending", data={"n": 1})
    assert LogEntry.objects.count() == latest.size + 1
    for _ in range(3):
        response = anonymous.get("/api/log/sth")
        assert response.status_code == 200
        assert response.json()["tree_head"]["size"] == latest.size
    pending = LogEntry.objects.count() - 1
    proof = anonymous.get(f"/api/log/entries/{pending}")
    assert proof.status_code == 409
    assert proof.json()["error"]["code"] == "not_yet_signed"
    assert SignedTreeHead.objects.count() == signed
    # The periodic job then covers it, and the read serves that head.
    assert tlog.sth_issue(reason="periodic").size == pending + 1
    assert anonymous.get("/api/log/sth").json()["tree_head"]["size"] == pending + 1
    assert anonymous.get(f"/api/log/entries/{pending}").status_code == 200


@pytest.mark.django_db
def test_it_answers_404_before_the_first_tree_head() -> None:
    from tests.conftest import api_client_for

    assert not SignedTreeHead.objects.exists()
    response = api_client_for(None).get("/api/log/sth")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_tree_head"
    assert not SignedTreeHead.objects.exists()
