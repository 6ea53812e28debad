"""Full-text search of public notices behind a small backend interface (backend.py).

`get_backend()` returns the configured engine (settings.SEARCH_BACKEND, a dotted path to a
class taking the index directory; default the embedded Tantivy index). `index_notice` and
`reindex_all` are the only writers; they run in the single-writer task (notices/tasks.py)
and in the `search_reindex` command.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from .backend import IndexDoc, SearchBackend, SearchFilters, SearchHits

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


def reindex_all(batch_size: int = 2000) -> int:
    """Rebuild the whole index from the database; return the number of notices indexed."""
    qs = _public_notices().order_by("pk")
    return int(get_backend().rebuild(_docs(qs.iterator(chunk_size=batch_size))))
