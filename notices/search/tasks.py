"""The search index task: a thin wrapper that takes an id and calls the indexer.

Search indexing has a single writer. In the embedded default the task runs in-process
(CELERY_TASK_ALWAYS_EAGER) right after the commit that changed the notice. In production it is
routed to its own queue, consumed by exactly one worker process:

    CELERY_TASK_ROUTES = {"notices.tasks.search_index_notice": {"queue": "search"}}
    celery -A backend worker -Q search --concurrency 1

so index writes never contend for Tantivy's writer lock and are applied in order. The task
reads the notice from the database when it runs, so a late or repeated run is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from notices.search import index_notice

log = logging.getLogger(__name__)


@shared_task(name="notices.tasks.search_index_notice", acks_late=True,
             autoretry_for=(OSError, ValueError), retry_backoff=True, max_retries=5)
def search_index_notice(notice_id: int) -> str:
    return index_notice(int(notice_id))


def on_notice_changed(sender: Any, notice_id: int, **kwargs: Any) -> None:
    """notice_changed receiver (sent after commit): queue the index update.

    The change is already committed; a failing index update must not turn the user's
    successful request into an error. It is logged, and `search_reindex` repairs the index.
    """
    try:
        search_index_notice.delay(notice_id)
    except Exception:
        log.exception("search index update for notice %s failed; run search_reindex", notice_id)
