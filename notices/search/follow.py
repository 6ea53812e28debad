"""Every node's index follows the database through the search outbox (notices/search/models.py).

A change to a notice writes an outbox row in its own transaction (`record_change`). Each node
runs one follower for its own index directory: it reads the rows after the position it stored
beside that index, re-reads those notices from the database in bulk, applies them to the
index (index what is public, remove what is not), commits the index and only then stores the
new position. So N nodes each answer from their own index, and a node that was down
continues from its stored position when it comes back.

- Production: `manage.py search_follow` on every node (a loop, polling every
  SEARCH_FOLLOW_INTERVAL seconds).
- Embedded profile (SEARCH_FOLLOW_INLINE, the default without a broker): the web process
  follows right after each commit that wrote a row, and before a search reads the index
  (which picks up changes other processes made, e.g. `run_scheduler`). No extra process.

Gaps. Ids come from a sequence (PostgreSQL) at INSERT time, but transactions commit in any
order: row 11 may become visible after row 12. The follower applies every row it sees, but
advances its stored position only over consecutive ids; a missing id blocks the position (not
the applying) until the first row after the gap is older than SEARCH_OUTBOX_GAP_SECONDS by
the database clock. Then the missing id is taken for a rolled-back transaction (its id is
burnt and will never appear) and skipped. Rows above the position that were already applied
are remembered in memory and not applied twice; after a restart they are applied again,
which is harmless (applying re-reads the notice: idempotent).

Retention. `prune_outbox` (a periodic task) deletes rows older than SEARCH_OUTBOX_RETENTION_DAYS.
A node whose last successful read is older than that (its position file says when), or that
has no position file at all (a new node, a lost index), rebuilds its index from the
database and starts from the position the rebuild recorded.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Min, Q
from django.db.models.functions import Now

log = logging.getLogger(__name__)

POSITION_FILE = "anbud_outbox_position"
LOCK_FILE = "anbud_follow.lock"
BATCH = 5000
DEFAULT_GAP_SECONDS = 60.0
DEFAULT_RETENTION = timedelta(days=7)
# Changes that do not touch what the index holds (documents, answers to questions).
NOT_INDEXED = frozenset({"document", "answer"})


def gap_seconds() -> float:
    return float(getattr(settings, "SEARCH_OUTBOX_GAP_SECONDS", DEFAULT_GAP_SECONDS))


def retention() -> timedelta:
    days = getattr(settings, "SEARCH_OUTBOX_RETENTION_DAYS", None)
    return DEFAULT_RETENTION if days is None else timedelta(days=float(days))


def inline() -> bool:
    return bool(getattr(settings, "SEARCH_FOLLOW_INLINE", True))


# --- the writing side ---------------------------------------------------------------------

def record_change(notice_id: int, change: str = "changed") -> None:
    """Write the outbox row for a change to a notice, in the caller's transaction (call it
    inside the transaction that changes the notice). In the embedded profile the index
    follows right after the commit."""
    from notices.search.models import SearchOutbox, SearchOutboxOp

    if change in NOT_INDEXED:
        return
    op = SearchOutboxOp.DELETE if change == "deleted" else SearchOutboxOp.UPSERT
    SearchOutbox.objects.create(notice_id=notice_id, op=op)
    if inline():
        transaction.on_commit(follow_inline)


def prune_outbox(*, older_than: timedelta | None = None) -> int:
    """Delete the rows every node has had time to read (SEARCH_OUTBOX_RETENTION, by the
    database clock). A node further behind rebuilds its index."""
    from notices.search.models import SearchOutbox

    cutoff = ExpressionWrapper(Now() - (older_than or retention()),
                               output_field=SearchOutbox._meta.get_field("created_at"))
    deleted, _ = SearchOutbox.objects.filter(created_at__lt=cutoff).delete()
    return int(deleted)


# --- the position beside the index --------------------------------------------------------

@dataclass
class Position:
    """What this node's index holds: every outbox row up to `last`, and the rows `above` it
    (applied while a gap below them is still open). `synced_at`: when the follower last
    read the outbox successfully (this machine's clock; compared with the retention of
    days, so clock skew does not matter). `token` changes with every write."""

    last: int = 0
    synced_at: float = 0.0
    token: str = ""
    above: set[int] = field(default_factory=set)


def read_position(index_path: Path) -> Position | None:
    try:
        data = json.loads((index_path / POSITION_FILE).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.warning("unreadable search position file in %s: the index is rebuilt", index_path)
        return None
    return Position(last=int(data["last"]), synced_at=float(data["synced_at"]),
                    token=str(data.get("token", "")), above=set(data.get("above", [])))


def write_position(index_path: Path, position: Position) -> None:
    """Atomically: a temporary file, fsync, rename. Called after the index commit."""
    index_path.mkdir(parents=True, exist_ok=True)
    position.token = uuid.uuid4().hex
    target = index_path / POSITION_FILE
    temporary = index_path / f".{POSITION_FILE}.{os.getpid()}.tmp"
    with temporary.open("w") as out:
        json.dump({"last": position.last, "synced_at": position.synced_at,
                   "token": position.token, "above": sorted(position.above)}, out)
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(target)


@contextlib.contextmanager
def follow_lock(index_path: Path, *, wait: float | None) -> Iterator[bool]:
    """One follower (or rebuild) per index directory across processes and threads.
    Yields False if the lock was not had within `wait` seconds (None: wait forever)."""
    index_path.mkdir(parents=True, exist_ok=True)
    with (index_path.parent / f".{index_path.name}.{LOCK_FILE}").open("a") as handle:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.02)
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- the reading side ---------------------------------------------------------------------

@dataclass
class FollowResult:
    applied: int = 0          # outbox rows applied
    notices: int = 0          # distinct notices re-read
    position: int = 0
    rebuilt: int | None = None   # notices indexed, if the index was rebuilt
    skipped_gaps: int = 0


class Follower:
    """Keeps one index directory in step with the outbox. One per node (per index)."""

    def __init__(self, backend: Any, index_path: Path | str, *, batch: int = BATCH) -> None:
        self.backend = backend
        self.path = Path(index_path)
        self.batch = batch

    def rebuild(self) -> int:
        """Rebuild the index from the database and record the position it reflects (callers
        hold the follow lock)."""
        from notices.search import reindex_all

        start = self._settled_max()
        count = reindex_all(backend=self.backend)
        write_position(self.path, Position(last=start, synced_at=time.time()))
        return count

    def _settled_max(self) -> int:
        """The position a rebuild starting now may record: the newest row older than the gap
        time (any older transaction has committed or never will, so the rebuild's read sees
        its change). Newer rows are applied again after the rebuild: harmless."""
        from notices.search.models import SearchOutbox

        cutoff = ExpressionWrapper(Now() - timedelta(seconds=gap_seconds()),
                                   output_field=SearchOutbox._meta.get_field("created_at"))
        settled = SearchOutbox.objects.filter(created_at__lte=cutoff).aggregate(last=Max("id"))
        if settled["last"] is not None:
            return int(settled["last"])
        # Every row is recent (a new installation): start just below the oldest. (Ids below
        # it were burnt or pruned, or belong to a transaction that began before it and has
        # not committed within the gap time: the same assumption as skipping a gap.)
        first = SearchOutbox.objects.aggregate(first=Min("id"))["first"]
        return int(first) - 1 if first is not None else 0

    def needs_rebuild(self, position: Position | None) -> bool:
        if position is None:
            return True
        return time.time() - position.synced_at > retention().total_seconds()

    def follow_once(self, *, rebuild: bool = True) -> FollowResult:
        """Read and apply every outbox row after the stored position (in batches), then
        store the new position. Callers hold the follow lock."""
        from notices.search.models import SearchOutbox

        # Open the index first: one of another format is set aside, its position with it,
        # and then rebuilt below (never patched from the outbox into a partial index).
        self.backend.num_docs()
        position = read_position(self.path)
        result = FollowResult()
        if self.needs_rebuild(position):
            if not rebuild:
                return result
            result.rebuilt = self.rebuild()
            position = read_position(self.path)
        assert position is not None
        settled = ExpressionWrapper(
            Q(created_at__lte=ExpressionWrapper(
                Now() - timedelta(seconds=gap_seconds()),
                output_field=SearchOutbox._meta.get_field("created_at"))),
            output_field=BooleanField())
        cursor, blocked = position.last, False
        while True:
            rows = list(SearchOutbox.objects.filter(id__gt=cursor).order_by("id")
                        .annotate(settled=settled)
                        .values_list("id", "notice_id", "settled")[: self.batch])
            fresh = [(i, n) for i, n, _s in rows if i not in position.above]
            if fresh:
                notice_ids = sorted({n for _i, n in fresh})
                self.apply(notice_ids)
                result.applied += len(fresh)
                result.notices += len(notice_ids)
            last, above = position.last, position.above | {i for i, _n in fresh}
            for row_id, _notice_id, row_settled in rows:
                if blocked:
                    break
                if row_id != last + 1:
                    if not row_settled:
                        blocked = True   # an open gap: keep the position below it
                        break
                    result.skipped_gaps += row_id - last - 1
                    log.info("search outbox ids %s-%s never appeared; skipped", last + 1,
                             row_id - 1)
                last = row_id
            position = Position(last=last, synced_at=time.time(),
                                above={i for i in above if i > last})
            write_position(self.path, position)
            if len(rows) < self.batch:
                break
            cursor = rows[-1][0]
        result.position = position.last
        return result

    def apply(self, notice_ids: list[int]) -> None:
        """Bring these notices' index entries in step with the database, in one go."""
        from notices.search import public_docs

        docs = list(public_docs(notice_ids))
        if docs:
            self.backend.index(docs)
        found = {doc.id for doc in docs}
        gone = [i for i in notice_ids if i not in found]
        if gone:
            self.backend.delete(gone)


def follow_forever(follower: Follower, *, should_stop: Callable[[], bool], interval: float,
                   report: Callable[[FollowResult], None] | None = None) -> None:
    """The follower's loop (`search_follow`): a round under the directory's lock, then a
    pause. A failing round (the database away for a moment) is logged and retried."""
    while not should_stop():
        if not connection.in_atomic_block:   # (a test's transaction: keep its connection)
            close_old_connections()
        try:
            # The lock per round: `search_reindex` on this node runs between rounds, and a
            # second follower of the same directory would only take turns.
            with follow_lock(follower.path, wait=None):
                result = follower.follow_once()
        except Exception:
            log.exception("search follow round failed; retrying")
        else:
            if report is not None:
                report(result)
        deadline = time.monotonic() + interval
        while not should_stop() and time.monotonic() < deadline:
            time.sleep(min(0.05, interval))


# --- the embedded profile: following in the web process ------------------------------------

_inline_guard = threading.local()


def follow_inline(*, wait: float = 5.0) -> FollowResult | None:
    """Follow the outbox in this process, for the configured index (SEARCH_FOLLOW_INLINE).
    Returns None if another thread or process is following right now (it will see the
    rows), or if following failed (logged: the search then answers from the index as it is,
    and the next call retries)."""
    if not inline() or getattr(_inline_guard, "active", False):
        return None
    from notices.search import get_backend, index_dir

    path = index_dir()
    _inline_guard.active = True
    try:
        with follow_lock(path, wait=wait) as locked:
            if not locked:
                return None
            return Follower(get_backend(), path).follow_once()
    except Exception:
        log.exception("following the search outbox failed; the next search retries")
        return None
    finally:
        _inline_guard.active = False


def before_search() -> None:
    """Before a search reads the index (embedded profile): catch up without waiting."""
    follow_inline(wait=0.0)
