"""A crash mid-upload: the uploader is killed halfway through a part. Nothing half-stored
counts; the "which parts do you have" call tells the resumed upload what to send."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from backend.errors import ApplicationError
from bids.models import Submission, SubmissionStatus, UploadPart
from bids.submission import submission_part_put
from tests.bids.conftest import PART, Tender, base, seal_for, start, upload_all
from tests.conftest import api_token_for

pytestmark = pytest.mark.usefixtures("restore_seeded_data")

UPLOADER = textwrap.dedent("""
    import hashlib, http.client, sys, time, urllib.parse
    url, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
    data = open(path, "rb").read()
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port)
    conn.putrequest("PUT", parsed.path)
    conn.putheader("Authorization", "Token " + token)
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(len(data)))
    conn.putheader("X-Content-SHA256", hashlib.sha256(data).hexdigest())
    conn.endheaders()
    conn.send(data[: len(data) // 2])
    print("half sent", flush=True)
    time.sleep(600)
""")


def part_files(root: Path, index: int) -> list[Path]:
    return [p for p in root.rglob(f"part-{index:06d}-*") if p.is_file()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_forgets_a_part_whose_uploader_was_killed_and_resumes(
        make_tender: Any, supplier_user: Any, supplier_api: Any, live_server: Any,
        bid_storage: Path, tmp_path: Path) -> None:
    tender: Tender = make_tender()
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, os.urandom(1_400_000))
    parts = [sealed.blob[i:i + PART] for i in range(0, len(sealed.blob), PART)]
    assert len(parts) >= 3  # padded to whole MiB chunks
    sid = started["id"]
    response = supplier_api.put(f"{base(tender.notice)}{sid}/parts/0", data=parts[0],
                                content_type="application/octet-stream",
                                HTTP_X_CONTENT_SHA256=hashlib.sha256(parts[0]).hexdigest())
    assert response.status_code == 201

    part_path = tmp_path / "part1.bin"
    part_path.write_bytes(parts[1])
    token = api_token_for(supplier_user)
    url = f"{live_server.url}{base(tender.notice)}{sid}/parts/1"
    uploader = subprocess.Popen([sys.executable, "-c", UPLOADER, url, token, str(part_path)],
                                stdout=subprocess.PIPE, text=True)
    try:
        assert uploader.stdout is not None
        assert uploader.stdout.readline().strip() == "half sent"
        time.sleep(0.3)
    finally:
        uploader.send_signal(signal.SIGKILL)
        uploader.wait(timeout=10)

    # The server notices the broken request and throws the half part away.
    deadline = time.time() + 10
    while time.time() < deadline and part_files(bid_storage, 1):
        time.sleep(0.1)
    assert part_files(bid_storage, 1) == []
    assert list(UploadPart.objects.filter(submission_id=sid).values_list("index", flat=True)) \
        == [0]
    assert Submission.objects.get(pk=sid).status == SubmissionStatus.UPLOADING

    # Resume: ask which parts the server has, send the rest, finalise.
    have = supplier_api.get(f"{base(tender.notice)}{sid}/parts").json()
    assert [p["index"] for p in have["parts"]] == [0]
    assert have["parts"][0]["sha256"] == hashlib.sha256(parts[0]).hexdigest()
    for index in range(len(parts)):
        if index not in {p["index"] for p in have["parts"]}:
            response = supplier_api.put(
                f"{base(tender.notice)}{sid}/parts/{index}", data=parts[index],
                content_type="application/octet-stream",
                HTTP_X_CONTENT_SHA256=hashlib.sha256(parts[index]).hexdigest())
            assert response.status_code == 201
    supplier_api.post(f"{base(tender.notice)}{sid}/sealed-shares", sealed.shares, format="json")
    response = supplier_api.post(f"{base(tender.notice)}{sid}/finalize", sealed.digest,
                                 format="json")
    assert response.status_code == 201, response.json()


class Broken(io.RawIOBase):
    """A request body whose connection drops after `after` bytes."""

    def __init__(self, data: bytes, after: int) -> None:
        self._data = io.BytesIO(data[:after])

    def read(self, size: int = -1) -> bytes:
        chunk = self._data.read(size)
        if not chunk:
            raise OSError("connection reset by peer")
        return chunk


def test_an_aborted_part_leaves_nothing_and_a_retry_replaces_it(
        tender: Tender, supplier_user: Any, supplier_api: Any, bid_storage: Path) -> None:
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, os.urandom(700_000))
    submission = Submission.objects.get(pk=started["id"])
    digest = hashlib.sha256(sealed.blob).hexdigest()
    with pytest.raises(OSError):
        submission_part_put(submission=submission, index=0, stream=Broken(sealed.blob, 300_000),
                            sha256=digest, by=supplier_user, content_length=len(sealed.blob))
    assert not UploadPart.objects.filter(submission=submission).exists()
    assert part_files(bid_storage, 0) == []
    with pytest.raises(ApplicationError, match="ended after"):
        submission_part_put(submission=submission, index=0,
                            stream=io.BytesIO(sealed.blob[:1000]), sha256=digest,
                            by=supplier_user, content_length=len(sealed.blob))
    assert part_files(bid_storage, 0) == []
    # A retried part (same index) replaces whatever was there; finalising still works.
    upload_all(supplier_api, tender.notice, started["id"], sealed.blob)
    upload_all(supplier_api, tender.notice, started["id"], sealed.blob)
    assert len(part_files(bid_storage, 0)) == 1
    supplier_api.post(f"{base(tender.notice)}{started['id']}/sealed-shares", sealed.shares,
                      format="json")
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/finalize",
                                 sealed.digest, format="json")
    assert response.status_code == 201, response.json()


def test_a_part_left_by_a_killed_worker_never_counts_and_is_deleted_after_the_deadline(
        tender: Tender, supplier_api: Any, bid_storage: Path) -> None:
    from datetime import timedelta

    from bids.storage import new_part_name, storage
    from bids.submission import submissions_cleanup_unfinished
    from tests.bids.conftest import set_deadline

    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, os.urandom(100_000))
    # What a worker killed between writing the part and recording it leaves behind.
    orphan = storage().save(new_part_name(tender.notice.pk, started["id"], 0),
                            io.BytesIO(sealed.blob[:50_000]))
    have = supplier_api.get(f"{base(tender.notice)}{started['id']}/parts").json()
    assert have["parts"] == [] and have["total_bytes"] == 0
    response = supplier_api.post(f"{base(tender.notice)}{started['id']}/finalize",
                                 sealed.digest, format="json")
    assert response.status_code == 400 and "No parts" in response.json()["error"]["message"]
    set_deadline(tender.notice, timedelta(seconds=-1))
    assert submissions_cleanup_unfinished() == 1
    assert not storage().exists(orphan)
    assert not list(bid_storage.rglob("part-*"))
