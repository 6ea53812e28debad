"""The transparency log keeps a Merkle frontier on each entry, so appending and signing a
tree head read one row, not the whole log; the roots it gives are the full recomputation's."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from bids.models import LogEntry, SignedTreeHead
from bids.tlog import (
    _root_at,
    consistency_proof,
    inclusion_proof,
    log_append,
    log_append_many,
    log_verify,
    sth_after_append,
    sth_issue,
)
from crypto import merkle

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _all_leaves() -> list[bytes]:
    return [bytes.fromhex(h) for h in LogEntry.objects.order_by("index")
            .values_list("leaf_hash", flat=True)]


@pytest.mark.django_db
def test_it_gives_the_full_recomputations_root_for_sizes_1_to_100() -> None:
    start = LogEntry.objects.count()
    appended = 0
    batch = 1
    while appended < 100:
        with transaction.atomic():
            entries = [("test.entry", {"n": appended + i})
                       for i in range(min(batch, 100 - appended))]
            rows = log_append_many(entries)
        appended += len(rows)
        batch = batch % 3 + 1  # batches of 1, 2 and 3 entries
    leaves = _all_leaves()
    assert len(leaves) == start + 100
    for n in range(1, len(leaves) + 1):
        assert _root_at(n) == merkle.root_of(leaves[:n]), n
    assert log_verify().problems == []


@pytest.mark.django_db
def test_the_tree_head_after_an_append_reads_no_leaves() -> None:
    with transaction.atomic():
        for i in range(5):
            log_append(kind="test.entry", data={"n": i})
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        entry = log_append(kind="test.entry", data={"n": 5})
        head = sth_after_append(last=entry)
    reads = [q["sql"] for q in queries.captured_queries if "bids_logentry" in q["sql"]
             and q["sql"].startswith("SELECT")]
    assert len(reads) == 1 and "LIMIT 1" in reads[0], reads  # the log's last entry, only
    leaves = _all_leaves()
    assert head.size == len(leaves)
    assert head.root == merkle.root_of(leaves).hex()
    assert sth_issue().root == head.root


@pytest.mark.django_db
def test_it_recovers_entries_written_before_frontiers_were_kept() -> None:
    with transaction.atomic():
        for i in range(7):
            log_append(kind="test.entry", data={"n": i})
    LogEntry.objects.update(frontier="")  # as the log was before migration 0005
    with transaction.atomic():
        entry = log_append(kind="test.entry", data={"n": 7})
        head = sth_after_append(last=entry)
    leaves = _all_leaves()
    assert entry.frontier
    assert head.root == merkle.root_of(leaves).hex()
    with transaction.atomic():
        log_append(kind="test.entry", data={"n": 8})
    assert _root_at(len(leaves) + 1) == merkle.root_of(_all_leaves())
    assert log_verify().problems == []


@pytest.mark.django_db
def test_proofs_still_verify_against_frontier_heads() -> None:
    with transaction.atomic():
        for i in range(13):
            log_append(kind="test.entry", data={"n": i})
    head = sth_issue()
    leaves = _all_leaves()
    for index in range(head.size):
        proof = inclusion_proof(index=index, tree_size=head.size)
        merkle.verify_inclusion(leaves[index], index, head.size,
                                [bytes.fromhex(p) for p in proof["path"]],
                                bytes.fromhex(head.root))
    for first in range(1, head.size + 1):
        proof = consistency_proof(first=first, second=head.size)
        merkle.verify_consistency(first, head.size, merkle.root_of(leaves[:first]),
                                  bytes.fromhex(head.root),
                                  [bytes.fromhex(p) for p in proof["path"]])


@pytest.mark.django_db
def test_log_verify_notices_a_tampered_frontier() -> None:
    with transaction.atomic():
        for i in range(3):
            log_append(kind="test.entry", data={"n": i})
    last = LogEntry.objects.order_by("-index").first()
    assert last is not None
    LogEntry.objects.filter(pk=last.pk).update(frontier="0" * len(last.frontier))
    assert any("frontier" in p for p in log_verify().problems)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="concurrent appends need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("restore_seeded_data")
def test_concurrent_appends_keep_every_root_right() -> None:
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    rows = log_append_many([("test.entry", {"w": worker, "i": i, "part": p})
                                            for p in range(1 + (worker + i) % 2)])
                    sth_after_append(last=rows[-1])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    leaves = _all_leaves()
    assert [i for i in LogEntry.objects.order_by("index").values_list("index", flat=True)] \
        == list(range(len(leaves)))
    for n in range(1, len(leaves) + 1):
        assert _root_at(n) == merkle.root_of(leaves[:n]), n
    for head in SignedTreeHead.objects.all():
        assert head.root == merkle.root_of(leaves[:head.size]).hex()
    assert log_verify().problems == []
