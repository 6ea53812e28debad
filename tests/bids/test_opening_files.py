"""Opened bids and scratch files are the service user's only, and what a killed opening leaves
behind is removed at resume and by the cleanup job (issue 8, part 5)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from bids import tasks
from bids.opening import services as opening
from bids.opening.models import OpeningStatus
from tests.bids.test_opening import Tender, browser_shares, send, tender  # noqa: F401

pytestmark = pytest.mark.django_db

# Writes a decrypted-scratch file the way the opening job does, then hangs until killed.
WRITER = textwrap.dedent("""
    import os, sys, tempfile, time
    folder, prefix = sys.argv[1], sys.argv[2]
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".partial", dir=folder)
    os.write(fd, b"PLAINTEXT-SO-FAR " * 4096)
    print(name, flush=True)
    time.sleep(600)
""")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def killed_writer(session_pk: Any) -> Path:
    """A worker killed with SIGKILL mid-decrypt: no finally block runs, the file stays."""
    folder = opening.private_dir(opening.scratch_dir())
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), f".open-{session_pk}-"],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    name = Path(proc.stdout.readline().strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert name.exists()
    return name


def test_it_keeps_opened_bids_and_scratch_private(
        tender: Tender, django_capture_on_commit_callbacks: Any) -> None:  # noqa: F811
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    session = send(session, tender, tender.members[1], django_capture_on_commit_callbacks)
    assert session.status == OpeningStatus.OPENED, session.error
    private = Path(settings.DATA_DIR) / "private"
    stored = [p for p in private.rglob("*") if p.is_file()]
    assert stored, "the opened bids are in private storage"
    assert all(mode(p) == 0o600 for p in stored), {str(p): oct(mode(p)) for p in stored}
    folders = [private, *[p for p in private.rglob("*") if p.is_dir()]]
    assert all(mode(p) == 0o700 for p in folders), {str(p): oct(mode(p)) for p in folders}
    assert mode(opening.scratch_dir()) == 0o700
    assert not list(opening.scratch_dir().glob("*.partial"))  # nothing left after success


def test_it_removes_a_killed_workers_scratch_file_at_resume(
        tender: Tender, django_capture_on_commit_callbacks: Any) -> None:  # noqa: F811
    session = opening.opening_start(notice=tender.notice, by=tender.officer)
    send(session, tender, tender.members[0], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):  # the worker dies: the job never ends
        opening.opening_add_shares(session=session, by=tender.members[1],
                                   shares=browser_shares(session, tender, tender.members[1]))
    leftover = killed_writer(session.pk)
    other_session_file = killed_writer("another-session")
    later = timezone.now() + timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_resume(session=session, by=tender.officer, now=later)
    session.refresh_from_db()
    assert session.status == OpeningStatus.OPENED, session.error
    assert not leftover.exists()
    assert other_session_file.exists()  # fresh, and not this session's: left alone
    other_session_file.unlink()


def test_it_removes_idle_scratch_files_in_the_cleanup_job(db: Any) -> None:
    leftover = killed_writer(41)
    assert tasks.cleanup_unfinished() == 0  # still fresh: could be a live worker's
    assert leftover.exists()
    old = time.time() - opening.STALE_AFTER.total_seconds() - 60
    os.utime(leftover, (old, old))
    assert tasks.cleanup_unfinished() == 1
    assert not leftover.exists()
