"""Search on every node: the outbox, per-node followers, catching up, gaps and pruning.

Two "nodes" on one machine: two index directories, each with its own engine instance and its
own follower, reading one database. Runs on SQLite and, with DATABASE_URL set, on PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from notices import services
from notices.models import Notice, NoticeStatus
from notices.search.backend import SearchFilters
from notices.search.follow import (
    Follower,
    Position,
    follow_forever,
    follow_lock,
    prune_outbox,
    read_position,
    write_position,
)
from notices.search.models import SearchOutbox
from notices.search.tantivy_backend import TantivyBackend
from notices.selectors import NoticeFilters, notice_search_public

pytestmark = pytest.mark.django_db

BOUND_SECONDS = 10.0   # generous for a machine shared with other jobs; typically well under 1 s


class Node:
    """One web machine's search: its own index directory, engine and follower."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.backend = TantivyBackend(path)
        self.follower = Follower(self.backend, path)

    def follow(self) -> Any:
        with follow_lock(self.path, wait=None):
            return self.follower.follow_once()

    def ids(self, q: str, **filters: Any) -> list[int]:
        return sorted(self.backend.search(q, SearchFilters(**filters), limit=100).ids)

    def restart(self) -> Node:
        return Node(self.path)


@pytest.fixture
def nodes(tmp_path: Path, settings: Any) -> tuple[Node, Node]:
    settings.SEARCH_FOLLOW_INLINE = False   # only the nodes' followers write their indexes
    return Node(tmp_path / "node-a" / "search"), Node(tmp_path / "node-b" / "search")


def _outbox() -> list[tuple[int, str]]:
    return list(SearchOutbox.objects.order_by("id").values_list("notice_id", "op"))


# --- the outbox ---------------------------------------------------------------------------

def test_every_public_change_writes_one_outbox_row_in_its_transaction(make_notice, officer):
    draft = make_notice(title="Utkast", publish=False)
    assert _outbox() == []                       # drafts are never public: nothing to follow
    notice = services.notice_publish(notice=draft, by=officer)
    services.notice_change_publish(notice=notice, by=officer, reason="Ny tittel.",
                                   fields={"title": "Brøyting"})
    services.notice_cancel(notice=notice, by=officer, reason="Avlyst.")
    assert _outbox() == [(notice.pk, "upsert")] * 3


def test_a_rolled_back_change_leaves_no_outbox_row(make_notice, officer):
    draft = make_notice(title="Utkast", publish=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notice_publish(notice=draft, by=officer)
        raise RuntimeError("the request failed after the publication")
    assert _outbox() == []
    assert Notice.objects.get(pk=draft.pk).status == NoticeStatus.DRAFT


# --- two nodes ----------------------------------------------------------------------------

def test_a_new_node_builds_its_index_and_stores_its_position(make_notice, nodes):
    a, _b = nodes
    first = make_notice(title="Snørydding")
    result = a.follow()
    assert result.rebuilt == 1                   # no position yet: built from the database
    assert a.ids("snørydding") == [first.pk]
    position = read_position(a.path)
    assert position is not None
    # The rebuild recorded the position it reflects; the rows of the last gap time (here:
    # all of them) were applied again on top, harmlessly.
    assert position.last == SearchOutbox.objects.latest("id").id and result.applied == 1
    assert a.follow().rebuilt is None            # from now on: from its position


@pytest.mark.django_db(transaction=True)
def test_a_notice_published_through_node_a_is_found_on_node_b_in_bounded_time(
        make_notice, officer, nodes):
    a, b = nodes
    a.follow()
    b.follow()
    stop = threading.Event()

    def run_b() -> None:      # node B's `search_follow`, in a thread with its own connection
        try:
            follow_forever(b.follower, should_stop=stop.is_set, interval=0.05)
        finally:
            connection.close()

    thread = threading.Thread(target=run_b, daemon=True)
    thread.start()
    try:
        published_at = time.monotonic()
        notice = make_notice(title="Vinterdrift av fylkesveier")   # committed: node A's request
        while b.ids("vinterdrift") != [notice.pk]:
            assert time.monotonic() - published_at < BOUND_SECONDS, "node B did not follow"
            time.sleep(0.02)
        found_after = time.monotonic() - published_at
        cancelled_at = time.monotonic()
        services.notice_cancel(notice=notice, by=officer, reason="Avlyst.")
        while b.ids("vinterdrift", statuses=("published",)):
            assert time.monotonic() - cancelled_at < BOUND_SECONDS, "node B did not follow"
            time.sleep(0.02)
        # bench/RESULTS.md records these (pytest -s)
        print(f"node B: publication found after {found_after * 1000:.0f} ms (including the "
              f"publishing request), cancellation after "
              f"{(time.monotonic() - cancelled_at) * 1000:.0f} ms")
    finally:
        stop.set()
        thread.join(timeout=BOUND_SECONDS)
    assert not thread.is_alive()
    assert b.ids("vinterdrift", statuses=("cancelled",)) == [notice.pk]
    assert a.ids("vinterdrift") == []            # node A has not followed yet: its own index
    a.follow()
    assert a.ids("vinterdrift", statuses=("cancelled",)) == [notice.pk]


def test_a_node_that_was_down_catches_up_from_its_stored_position(make_notice, officer, nodes):
    a, b = nodes
    kept = make_notice(title="Renhold av skoler")
    changed = make_notice(title="Kantinedrift")
    cancelled = make_notice(title="Skoleskyss")
    a.follow()
    b.follow()
    down_at = read_position(b.path)
    # Node B is down; node A's users go on.
    services.notice_change_publish(notice=changed, by=officer, reason="Ny tittel.",
                                   fields={"title": "Kantinedrift og matlevering"})
    services.notice_cancel(notice=cancelled, by=officer, reason="Avlyst.")
    new = make_notice(title="Vinduspuss")
    with transaction.atomic():   # no longer public (as a withdrawal to draft would be)
        Notice.objects.filter(pk=kept.pk).update(status=NoticeStatus.DRAFT)
        SearchOutbox.objects.create(notice_id=kept.pk)
    a.follow()
    assert b.ids("vinduspuss") == [] and b.ids("matlevering") == []   # B is behind
    # Node B starts again: a new process, the same directory, its stored position.
    b = b.restart()
    started = time.monotonic()
    result = b.follow()
    assert time.monotonic() - started < BOUND_SECONDS
    assert result.rebuilt is None                # caught up from the position, no rebuild
    assert result.applied == 4 and read_position(b.path).last > down_at.last
    for q in ("vinduspuss", "matlevering", "renhold", "skoleskyss"):
        assert b.ids(q) == a.ids(q), q
    assert b.ids("vinduspuss") == [new.pk]
    assert b.ids("matlevering") == [changed.pk]
    assert b.ids("renhold") == []
    assert b.ids("skoleskyss", statuses=("cancelled",)) == [cancelled.pk]
    assert b.follow().applied == 0               # nothing twice


def test_the_search_follow_command_keeps_the_configured_index(make_notice, settings, tmp_path,
                                                               capsys):
    settings.SEARCH_FOLLOW_INLINE = False
    settings.SEARCH_INDEX_DIR = tmp_path / "node" / "search"
    make_notice(title="Asfaltering")
    call_command("search_follow", "--once")
    assert "rebuilt the index: 1 notices" in capsys.readouterr().out
    make_notice(title="Feiing og tilsyn")
    call_command("search_follow", "--once")
    assert "applied 1 changes (1 notices)" in capsys.readouterr().out
    result = notice_search_public(filters=NoticeFilters(q="feiing"))
    assert [n.title for n in result.notices] == ["Feiing og tilsyn"] and result.engine == "index"


# --- gaps: ids that commit out of order ------------------------------------------------

def test_a_gap_holds_the_position_until_it_fills_or_settles(make_notice, nodes):
    a, _b = nodes
    first = make_notice(title="Brøyting")
    second = make_notice(title="Strøing")
    a.follow()
    base = read_position(a.path).last
    # Row base+2 commits while base+1 (an earlier, slower transaction) has not yet.
    SearchOutbox.objects.create(id=base + 2, notice_id=second.pk)
    Notice.objects.filter(pk=second.pk).update(title="Strøing og sandstrøing")
    result = a.follow()
    assert result.applied == 1 and a.ids("sandstrøing") == [second.pk]   # applied at once
    position = read_position(a.path)
    assert position.last == base and position.above == {base + 2}       # not skipped
    assert a.follow().applied == 0                                      # nor applied twice
    # The slower transaction commits.
    SearchOutbox.objects.create(id=base + 1, notice_id=first.pk)
    Notice.objects.filter(pk=first.pk).update(title="Brøyting av gang- og sykkelveier")
    assert a.follow().applied == 1
    assert a.ids("sykkelveier") == [first.pk]
    position = read_position(a.path)
    assert position.last == base + 2 and position.above == set()


def test_a_gap_that_never_fills_is_skipped_after_the_gap_time(make_notice, nodes):
    a, _b = nodes
    notice = make_notice(title="Brøyting")
    a.follow()
    base = read_position(a.path).last
    SearchOutbox.objects.create(id=base + 3, notice_id=notice.pk)   # base+1, base+2 burnt
    a.follow()
    assert read_position(a.path).last == base
    SearchOutbox.objects.filter(id=base + 3).update(
        created_at=timezone.now() - timedelta(minutes=5))   # older than the gap time
    result = a.follow()
    assert result.skipped_gaps == 2 and result.applied == 0
    assert read_position(a.path).last == base + 3


# --- retention ----------------------------------------------------------------------------

def test_pruning_keeps_what_nodes_still_need(make_notice, settings):
    settings.SEARCH_OUTBOX_RETENTION_DAYS = 7
    old = make_notice(title="Gammel")
    make_notice(title="Ny")
    SearchOutbox.objects.filter(notice_id=old.pk).update(
        created_at=timezone.now() - timedelta(days=8))
    assert prune_outbox() == 1
    assert [n for n, _op in _outbox()] != [old.pk] and len(_outbox()) == 1


def test_a_node_further_behind_than_the_retention_rebuilds(make_notice, nodes, settings):
    settings.SEARCH_OUTBOX_RETENTION_DAYS = 7
    a, _b = nodes
    notice = make_notice(title="Brøyting")
    a.follow()
    stale = read_position(a.path)
    write_position(a.path, Position(last=stale.last,
                                    synced_at=time.time() - 8 * 24 * 3600))
    Notice.objects.filter(pk=notice.pk).update(title="Snørydding")   # its row was pruned
    result = a.follow()
    assert result.rebuilt == 1
    assert a.ids("snørydding") == [notice.pk]


# --- the embedded profile: no broker, no extra process ------------------------------------

def test_embedded_searches_catch_up_with_changes_of_other_processes(make_notice, settings):
    settings.SEARCH_FOLLOW_INLINE = True
    notice = make_notice(title="Brøyting")
    assert [n.pk for n in notice_search_public(filters=NoticeFilters(q="brøyting")).notices] \
        == [notice.pk]
    # Another process (run_scheduler, an import) changes the notice and writes its row.
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(title="Snørydding")
        SearchOutbox.objects.create(notice_id=notice.pk)
    result = notice_search_public(filters=NoticeFilters(q="snørydding"))
    assert [n.pk for n in result.notices] == [notice.pk] and result.engine == "index"
