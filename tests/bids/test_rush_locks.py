"""The rush on PostgreSQL: starts and parts share the tender row lock, so many run at once
without deadlocks, and a deadline change still waits for them (and they for it)."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction

from accounts.models import OrganizationKind, Role
from backend.clock import db_now
from bids.clock import lock_notice_shared
from bids.models import Submission, SubmissionStatus, UploadPart
from bids.submission import submission_part_put, submission_start
from notices.models import Notice
from tests.bids.conftest import seal_for
from tests.conftest import make_org, make_user

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks and concurrent connections: "
                       "PostgreSQL only (set DATABASE_URL)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_seeded_data"),
]

BIDDERS = 10


def test_concurrent_starts_and_parts_all_succeed(make_tender: Any) -> None:
    assert connection.vendor == "postgresql"
    tender = make_tender()
    people = []
    for i in range(BIDDERS):
        org = make_org(OrganizationKind.SUPPLIER, f"Rusher {i} AS")
        people.append((org, make_user(f"rusher{i}@example.com", org, Role.SUPPLIER_ADMIN)))
    errors: list[BaseException] = []
    go = threading.Event()

    def bid(org: Any, user: Any) -> None:
        try:
            go.wait(10)
            for _ in range(2):
                submission = submission_start(notice=tender.notice, supplier=org, by=user)
                sealed = seal_for({"manifest": submission.manifest.manifest,
                                   "context": submission.context,
                                   "manifest_hash": submission.manifest.manifest_hash},
                                  os.urandom(20_000))
                submission_part_put(submission=submission, index=0,
                                    stream=io.BytesIO(sealed.blob),
                                    sha256=hashlib.sha256(sealed.blob).hexdigest(), by=user)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=bid, args=person) for person in people]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert Submission.objects.filter(notice=tender.notice,
                                     status=SubmissionStatus.UPLOADING).count() == 2 * BIDDERS
    assert UploadPart.objects.filter(submission__notice=tender.notice).count() == 2 * BIDDERS


def test_a_deadline_change_waits_for_a_shared_lock(make_tender: Any) -> None:
    tender = make_tender()
    held = threading.Event()
    release = threading.Event()
    changed_at: list[float] = []

    def share() -> None:
        try:
            with transaction.atomic():
                lock_notice_shared(tender.notice.pk)
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    def change() -> None:
        try:
            held.wait(10)
            Notice.objects.filter(pk=tender.notice.pk).update(
                submission_deadline=db_now() + timedelta(days=30))
            changed_at.append(time.monotonic())
        finally:
            connections.close_all()

    sharer = threading.Thread(target=share)
    changer = threading.Thread(target=change)
    sharer.start()
    changer.start()
    held.wait(10)
    time.sleep(0.5)
    assert not changed_at, "the deadline changed while a start held the tender row"
    released_at = time.monotonic()
    release.set()
    sharer.join(10)
    changer.join(10)
    assert changed_at and changed_at[0] >= released_at
