"""Full-text search of public notices behind a small backend interface (backend.py).

`get_backend()` returns the configured engine (settings.SEARCH_BACKEND, a dotted path to a
class taking the index directory; default the embedded Tantivy index). Changes reach the index
through the search outbox: each node's follower (follow.py, `search_follow`) applies them to its
own index; `rebuild_index` (the `search_reindex` command) rebuilds it from the database, and
`index_notice` repairs one notice by hand.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

from notices.search.backend import IndexDoc, SearchBackend, SearchFilters, SearchHits, Suggestion

__all__ = ["IndexDoc", "SearchBackend", "SearchFilters", "SearchHits", "Suggestion", "get_backend",
           "index_dir", "index_notice", "public_docs", "rebuild_index", "reindex_all"]

DEFAULT_BACKEND = "notices.search.tantivy_backend.TantivyBackend"
_backends: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


def index_dir() -> Path:
    configured = getattr(settings, "SEARCH_INDEX_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "search"


def get_backend() -> Any:
    """The engine for the configured index directory (one instance per process and path)."""
    dotted = getattr(settings, "SEARCH_BACKEND", "") or DEFAULT_BACKEND
    key = (dotted, str(index_dir()))
    with _lock:
        if key not in _backends:
            _backends[key] = import_string(dotted)(index_dir())
        return _backends[key]


def index_notice(notice_id: int) -> str:
    """Bring one notice's index entry in step with the database: index it if it is public,
    remove it otherwise (a draft, a deleted notice). Idempotent. A repair tool: changes
    normally reach the index through the outbox (follow.py)."""
    docs = list(public_docs([notice_id]))
    if not docs:
        get_backend().delete([notice_id])
        return "deleted"
    get_backend().index(docs)
    return "indexed"


COLUMNS = ("pk", "reference", "title", "description", "buyer_id", "cpv_main", "cpv_additional",
           "nuts", "kind", "status", "published_at", "submission_deadline", "estimated_value")
_STATUS = COLUMNS.index("status")


def _when(value: datetime | None) -> datetime | None:
    """A datetime as the driver returns it: aware (PostgreSQL) or naive UTC (SQLite)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _codes(value: list[str] | str | None) -> list[str]:
    """A JSON list column as the driver returns it: decoded (psycopg) or text (SQLite)."""
    if not isinstance(value, str):
        return value or []
    return [] if value == "[]" else list(json.loads(value))


def _raw_rows(query: Any) -> list[tuple[Any, ...]]:
    """A values_list query's rows as the database driver returns them, without Django's
    converter per value (two datetimes and a JSON list per notice: a fifth of the time of
    an index build). `_docs_of_rows` reads them with `_when` and `_codes`."""
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _docs_of_rows(rows: list[tuple[Any, ...]], lots: dict[int, list[tuple[str, str]]],
                  buyers: dict[int, str]) -> Iterator[IndexDoc]:
    """IndexDocs of raw rows (`_raw_rows` of COLUMNS)."""
    for (pk, reference, title, description, buyer_id, cpv_main, cpv_additional, nuts,
         kind, status, published_at, deadline, value) in rows:
        notice_lots = lots.get(pk, [])
        codes = [cpv_main, *_codes(cpv_additional), *(cpv for _t, cpv in notice_lots)]
        yield IndexDoc(
            id=pk, reference=reference, title=title, description=description,
            buyer_name=buyers.get(buyer_id, ""), buyer_id=buyer_id,
            lot_titles=[t for t, _c in notice_lots],
            cpv_codes=[c for c in dict.fromkeys(codes) if c], nuts=nuts, kind=kind,
            status=status, published_at=_when(published_at), deadline=_when(deadline),
            estimated_value=value)


def _lots_of(query: Any) -> dict[int, list[tuple[str, str]]]:
    lots: dict[int, list[tuple[str, str]]] = {}
    for notice_id, title, cpv in query.order_by("notice_id", "number").values_list(
            "notice_id", "title", "cpv"):
        lots.setdefault(notice_id, []).append((title, cpv))
    return lots


def public_docs(notice_ids: Iterable[int], batch_size: int = 1000) -> Iterator[IndexDoc]:
    """These notices as IndexDocs, those that are public (the others are left out), read
    in bulk as plain values: three queries per batch whatever the number of notices."""
    from accounts.models import Organization
    from notices.models import Lot, Notice
    from notices.selectors import PUBLIC_STATUSES

    ids = sorted(set(notice_ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        public = frozenset(PUBLIC_STATUSES)   # applied here, not in SQL: see _docs_bulk
        rows = [row for row in _raw_rows(Notice.objects.filter(pk__in=chunk).order_by("pk")
                                         .values_list(*COLUMNS)) if row[_STATUS] in public]
        if not rows:
            continue
        buyers = dict(Organization.objects.filter(pk__in={r[4] for r in rows})
                      .values_list("pk", "name"))
        lots = _lots_of(Lot.objects.filter(notice_id__in=[r[0] for r in rows]))
        yield from _docs_of_rows(rows, lots, buyers)


def _docs_bulk(batch_size: int) -> Iterator[IndexDoc]:
    """Every public notice as an IndexDoc, read in keyset-paginated batches of plain values
    (no model instances): fast enough for a million notices."""
    from accounts.models import Organization
    from notices.models import Lot, Notice
    from notices.selectors import PUBLIC_STATUSES

    buyers = dict(Organization.objects.values_list("pk", "name"))
    public = frozenset(PUBLIC_STATUSES)
    last = 0
    while True:
        # Keyset by primary key alone, the visibility rule applied here: with `status IN`
        # in the query SQLite walks the status index and sorts every batch (0.45 s per
        # 5,000 rows at a million notices, against 0.05 s by the primary key).
        batch = _raw_rows(Notice.objects.filter(pk__gt=last).order_by("pk")
                          .values_list(*COLUMNS)[:batch_size])
        if not batch:
            return
        rows = [row for row in batch if row[_STATUS] in public]
        lots = _lots_of(Lot.objects.filter(notice_id__gte=batch[0][0],
                                           notice_id__lte=batch[-1][0]))
        yield from _docs_of_rows(rows, lots, buyers)
        last = batch[-1][0]


def reindex_all(batch_size: int = 5000, backend: Any = None) -> int:
    """Rebuild the whole index from the database; return the number of notices indexed.
    (`rebuild_index` also records the outbox position the rebuild reflects.)"""
    return int((backend or get_backend()).rebuild(_docs_bulk(batch_size)))


def rebuild_index(*, wait: float | None = None) -> int:
    """What `search_reindex` runs: rebuild this node's index under its follow lock (the
    follower waits) and store the outbox position it reflects."""
    from notices.search.follow import Follower, follow_lock

    with follow_lock(index_dir(), wait=wait) as locked:
        if not locked:
            raise TimeoutError("another process is rebuilding or following this index")
        return Follower(get_backend(), index_dir()).rebuild()
