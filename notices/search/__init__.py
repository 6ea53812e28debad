"""Full-text search of public notices behind a small backend interface (backend.py).

`get_backend()` returns the configured engine (settings.SEARCH_BACKEND, a dotted path to a
class taking the index directory; default the embedded Tantivy index). `index_notice` and
`reindex_all` are the only writers; they run in the single-writer task (notices/search/tasks.py)
and in the `search_reindex` command.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from notices.search.backend import IndexDoc, SearchBackend, SearchFilters, SearchHits

__all__ = ["IndexDoc", "SearchBackend", "SearchFilters", "SearchHits", "get_backend",
           "index_dir", "index_notice", "reindex_all"]

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


def _docs(notices: Iterable[Any]) -> Iterator[IndexDoc]:
    for notice in notices:
        lots = list(notice.lots.all())
        codes = [notice.cpv_main, *(notice.cpv_additional or []), *(lot.cpv for lot in lots)]
        yield IndexDoc(
            id=notice.pk, reference=notice.reference, title=notice.title,
            description=notice.description, buyer_name=notice.buyer.name,
            buyer_id=notice.buyer_id, lot_titles=[lot.title for lot in lots],
            cpv_codes=[c for c in dict.fromkeys(codes) if c], nuts=notice.nuts,
            kind=notice.kind, status=notice.status, published_at=notice.published_at,
            deadline=notice.submission_deadline, estimated_value=notice.estimated_value)


def _public_notices() -> Any:
    from notices.models import Notice
    from notices.selectors import PUBLIC_STATUSES

    return (Notice.objects.filter(status__in=PUBLIC_STATUSES)
            .select_related("buyer").prefetch_related("lots"))


def index_notice(notice_id: int) -> str:
    """Bring one notice's index entry in step with the database: index it if it is public,
    remove it otherwise (a draft, a deleted notice). Idempotent."""
    notice = _public_notices().filter(pk=notice_id).first()
    if notice is None:
        get_backend().delete([notice_id])
        return "deleted"
    get_backend().index(_docs([notice]))
    return "indexed"


def _docs_bulk(batch_size: int) -> Iterator[IndexDoc]:
    """Every public notice as an IndexDoc, read in keyset-paginated batches of plain values
    (no model instances): fast enough for a million notices."""
    from accounts.models import Organization
    from notices.models import Lot, Notice
    from notices.selectors import PUBLIC_STATUSES

    buyers = dict(Organization.objects.values_list("pk", "name"))
    columns = ("pk", "reference", "title", "description", "buyer_id", "cpv_main",
               "cpv_additional", "nuts", "kind", "status", "published_at",
               "submission_deadline", "estimated_value")
    last = 0
    while True:
        rows = list(Notice.objects.filter(status__in=PUBLIC_STATUSES, pk__gt=last)
                    .order_by("pk").values_list(*columns)[:batch_size])
        if not rows:
            return
        lots: dict[int, list[tuple[str, str]]] = {}
        for notice_id, title, cpv in (Lot.objects.filter(notice_id__gte=rows[0][0],
                                                         notice_id__lte=rows[-1][0])
                                      .order_by("notice_id", "number")
                                      .values_list("notice_id", "title", "cpv")):
            lots.setdefault(notice_id, []).append((title, cpv))
        for (pk, reference, title, description, buyer_id, cpv_main, cpv_additional, nuts,
             kind, status, published_at, deadline, value) in rows:
            notice_lots = lots.get(pk, [])
            codes = [cpv_main, *(cpv_additional or []), *(cpv for _t, cpv in notice_lots)]
            yield IndexDoc(
                id=pk, reference=reference, title=title, description=description,
                buyer_name=buyers.get(buyer_id, ""), buyer_id=buyer_id,
                lot_titles=[t for t, _c in notice_lots],
                cpv_codes=[c for c in dict.fromkeys(codes) if c], nuts=nuts, kind=kind,
                status=status, published_at=published_at, deadline=deadline,
                estimated_value=value)
        last = rows[-1][0]


def reindex_all(batch_size: int = 5000) -> int:
    """Rebuild the whole index from the database; return the number of notices indexed."""
    return int(get_backend().rebuild(_docs_bulk(batch_size)))
