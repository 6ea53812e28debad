"""The sealed promise: after bids with a known marker are submitted by both routes, the
marker, the DEKs and the plain shares are found nowhere: not in any database column, not in
any stored file or temporary file, not in the logs, not in any task message."""

from __future__ import annotations

import base64
import io
import logging
import os
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import signals
from django.db import connection

from bids import tasks
from bids.models import SealedShare, Submission, UploadPart
from bids.storage import ConcatenatedReader
from crypto import shamir
from crypto.envelope import open_envelope
from crypto.shares import open_share
from tests.bids.conftest import Tender, base, set_deadline, submit

MARKER = b"ANBUD-SEALED-MARKER-7f3a9c1e-pris-1234567-kr"


def forms(secret: bytes) -> list[bytes]:
    """The ways a secret could leak: raw, hex (both cases), base64 (both alphabets)."""
    return [secret, secret.hex().encode(), secret.hex().upper().encode(),
            base64.b64encode(secret), base64.urlsafe_b64encode(secret),
            base64.b64encode(secret).rstrip(b"=")]


def database_dump() -> Iterator[tuple[str, bytes]]:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if value is None:
                        continue
                    if isinstance(value, memoryview | bytes | bytearray):
                        yield table, bytes(value)
                    else:
                        yield table, str(value).encode("utf-8")


def files_under(*roots: Path) -> Iterator[tuple[str, bytes]]:
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.is_file():
                yield str(path), path.read_bytes()


def plain_shares_and_dek(submission: Submission, tender: Tender) -> tuple[list[bytes], bytes]:
    ctx = bytes.fromhex(submission.context_hash)
    keys = {m.key_id: m.private_key for m in tender.members}
    shares = [open_share(bytes.fromhex(s.sealed_share), keys[s.key_id], context_hash=ctx,
                         key_id=s.key_id)
              for s in SealedShare.objects.filter(submission=submission)]
    return shares, shamir.combine(shares[: submission.context["k"]])


def assert_nowhere(secrets: list[bytes], places: Iterator[tuple[str, bytes]]) -> int:
    needles = [form for secret in secrets for form in forms(secret)]
    seen = 0
    for where, haystack in places:
        seen += 1
        for needle in needles:
            assert needle not in haystack, f"a secret was found in {where}"
    return seen


@pytest.fixture
def task_messages() -> Iterator[list[Any]]:
    captured: list[Any] = []

    def on_publish(sender: Any = None, body: Any = None, **kwargs: Any) -> None:
        captured.append(repr(body))

    def on_prerun(sender: Any = None, args: Any = None, kwargs: Any = None, **rest: Any) -> None:
        captured.append(repr((sender.name if sender else "", args, kwargs)))

    signals.before_task_publish.connect(on_publish, weak=False)
    signals.task_prerun.connect(on_prerun, weak=False)
    yield captured
    signals.before_task_publish.disconnect(on_publish)
    signals.task_prerun.disconnect(on_prerun)


@pytest.fixture
def scratch_tmp(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every temporary file of the request (Django uploads, tempfile) lands here."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(scratch)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def test_it_keeps_marker_deks_and_shares_out_of_everything(
        tender: Tender, supplier_api: Any, bid_storage: Path, scratch_tmp: Path,
        caplog: pytest.LogCaptureFixture, task_messages: list[Any], tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    plaintext = os.urandom(300_000) + MARKER + os.urandom(1_200_000)

    # Client route (sealed here, as the browser or the CLI would).
    started, response = submit(supplier_api, tender.notice, plaintext)
    assert response.status_code == 201, response.json()
    client_sub = Submission.objects.get(pk=started["id"])

    # Server route: plaintext streamed in the request body. Checked right after upload.
    response = supplier_api.post(f"{base(tender.notice)}server-sealed", data=plaintext,
                                 content_type="application/octet-stream",
                                 HTTP_X_FILENAME="tilbud.txt")
    assert response.status_code == 201, response.json()
    assert response.json()["receipt"]["sealing"] == "server"
    server_sub = Submission.objects.get(pk=response.json()["receipt"]["submission"])

    secrets = [MARKER]
    for submission in (client_sub, server_sub):
        shares, dek = plain_shares_and_dek(submission, tender)
        secrets += [dek, *shares]
    # The replaced client bid is superseded, but its secrets must not appear either.
    checked = assert_nowhere(secrets, database_dump())
    assert checked > 100
    assert assert_nowhere(secrets, files_under(bid_storage, scratch_tmp)) >= 4
    assert_nowhere(secrets, iter([("logs", caplog.text.encode()),
                                  *[("log record", repr(r.__dict__).encode())
                                    for r in caplog.records]]))

    # After the deadline the periodic jobs run (eager Celery): their messages carry ids only.
    set_deadline(tender.notice, timedelta(seconds=-1))
    tasks.close_due.delay()
    tasks.cleanup_unfinished.delay()
    tasks.tree_head.delay()
    assert task_messages, "the tasks ran and their messages were captured"
    assert_nowhere(secrets, iter([("task messages", "\n".join(task_messages).encode())]))
    assert_nowhere(secrets, database_dump())

    # And yet the server-sealed bid opens to exactly what was sent (k members, after it).
    shares, _dek = plain_shares_and_dek(server_sub, tender)
    names = list(UploadPart.objects.filter(submission=server_sub).order_by("index")
                 .values_list("storage_name", flat=True))
    out = tmp_path / "opened.tar"
    with ConcatenatedReader(names) as blob:
        open_envelope(io.BufferedReader(blob), shares[:2], context=server_sub.context,
                      out_tar=out)
    with tarfile.open(out) as tar:
        member = tar.extractfile("tilbud.txt")
        assert member is not None and member.read() == plaintext
