"""The deadline race, on PostgreSQL: concurrent finalisations straddle the deadline.

Every bid that got a receipt was received before the deadline; every later one is refused
and left unsealed; none is lost or doubled; the tender-closed entry and the deadline tree
head list exactly the receipted bids."""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections

from accounts.models import OrganizationKind, Role
from backend.clock import db_now
from backend.errors import ApplicationError
from bids.keys import platform_public_key_hex
from bids.models import LogEntry, Receipt, SignedTreeHead, Submission, SubmissionStatus
from bids.submission import (
    DeadlinePassed,
    submission_finalize,
    submission_part_put,
    submission_shares_put,
    submission_start,
    tender_close,
)
from crypto.receipts import verify_receipt
from crypto.timestamps import parse_timestamp
from notices.models import Notice
from tests.bids.conftest import seal_for
from tests.conftest import make_org, make_user

BIDDERS = 16

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

# Skipped at collection on SQLite, so no transactional setup or flush happens there.
# serialized_rollback: the flush after a transactional test would drop the seeded rules data.
pytestmark = [
    pytest.mark.skipif(not ON_POSTGRESQL, reason=(
        "The deadline race needs row locks and concurrent connections: it runs on PostgreSQL "
        "(set DATABASE_URL); SQLite serialises writers instead.")),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_seeded_data"),
]


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    assert connection.vendor == "postgresql"


def prepare(tender: Any, i: int) -> tuple[Submission, dict[str, Any], Any]:
    org = make_org(OrganizationKind.SUPPLIER, f"Racer {i} AS")
    user = make_user(f"racer{i}@example.com", org, Role.SUPPLIER_ADMIN)
    submission = submission_start(notice=tender.notice, supplier=org, by=user)
    started = {"manifest": submission.manifest.manifest, "context": submission.context,
               "manifest_hash": submission.manifest.manifest_hash}
    sealed = seal_for(started, f"offer {i}".encode() * 100)
    submission_part_put(submission=submission, index=0, stream=io.BytesIO(sealed.blob),
                        sha256=hashlib.sha256(sealed.blob).hexdigest(), by=user)
    submission_shares_put(submission=submission, by=user, document=sealed.shares)
    return submission, sealed.digest, user


def test_finalisations_straddling_the_deadline(make_tender: Any) -> None:
    tender = make_tender()
    prepared = [prepare(tender, i) for i in range(BIDDERS)]
    deadline = db_now() + timedelta(seconds=3)
    Notice.objects.filter(pk=tender.notice.pk).update(submission_deadline=deadline)
    # Finalisations start from 1.5 s before the deadline to 0.5 s after it.
    start_at = time.time() + (deadline - db_now()).total_seconds() - 1.5
    results: dict[str, Any] = {}

    def run(i: int, submission: Submission, digest: dict[str, Any], user: Any) -> None:
        try:
            # Connect first, so the staggered start measures finalisation, not connecting.
            submission = Submission.objects.select_related("notice", "supplier",
                                                           "manifest").get(pk=submission.pk)
            time.sleep(max(0.0, start_at + i * (2.0 / BIDDERS) - time.time()))
            done = submission_finalize(submission=submission, by=user, claimed=digest)
            results[str(submission.pk)] = {"receipt": done.receipt.receipt,
                                           "signature": done.receipt.signature}
        except DeadlinePassed as exc:
            results[str(submission.pk)] = exc
        except ApplicationError as exc:  # pragma: no cover - reported below
            results[str(submission.pk)] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *item)) for i, item in enumerate(prepared)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == BIDDERS, "every finalisation answered"
    receipts = {sid: r for sid, r in results.items() if isinstance(r, dict)}
    refused = {sid: r for sid, r in results.items() if not isinstance(r, dict)}
    assert all(isinstance(r, DeadlinePassed) for r in refused.values()), refused
    assert receipts and refused, "the run straddled the deadline"
    for sid, signed in receipts.items():
        receipt = verify_receipt(signed, platform_public_key_hex())
        assert parse_timestamp(receipt["received_at"]) < deadline
        assert Submission.objects.get(pk=sid).status == SubmissionStatus.SEALED
    for sid in refused:
        submission = Submission.objects.get(pk=sid)
        assert submission.status == SubmissionStatus.UPLOADING
        assert not Receipt.objects.filter(submission_id=sid).exists()
    assert Receipt.objects.count() == len(receipts)

    received = [json.loads(e) for e in LogEntry.objects.filter(kind="submission.received")
                .values_list("entry", flat=True)]
    hashes = [e["context_hash"] for e in received]
    assert len(hashes) == len(set(hashes)) == len(receipts), "none lost or doubled"
    indices = list(LogEntry.objects.order_by("index").values_list("index", flat=True))
    assert indices == list(range(len(indices)))

    sth = tender_close(notice=tender.notice)
    assert sth is not None and SignedTreeHead.objects.filter(notice=tender.notice).count() == 1
    closed = json.loads(LogEntry.objects.get(kind="tender.closed").entry)
    expected = sorted(Submission.objects.get(pk=sid).context_hash for sid in receipts)
    assert closed["context_hashes"] == expected and closed["entries"] == len(receipts)
    assert tender_close(notice=tender.notice) is None  # idempotent
