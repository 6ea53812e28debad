"""Search tasks: the outbox pruning (periodic) and a by-hand repair of one notice.

Index updates do not go through Celery: every change writes a search outbox row in its own
transaction, and every node's follower applies the rows to that node's index
(notices/search/follow.py; `manage.py search_follow` per node in production, in-process in the
embedded profile).
"""

from __future__ import annotations

from celery import shared_task

from notices.search import index_notice
from notices.search.follow import prune_outbox


@shared_task(name="notices.tasks.search_index_notice", acks_late=True,
             autoretry_for=(OSError, ValueError), retry_backoff=True, max_retries=5)
def search_index_notice(notice_id: int) -> str:
    """Re-index one notice in the index of the process that runs it (a repair tool)."""
    return index_notice(int(notice_id))


@shared_task(name="notices.tasks.search_prune_outbox")
def search_prune_outbox() -> int:
    """Delete outbox rows older than SEARCH_OUTBOX_RETENTION (every node has read them, or
    is so far behind that it rebuilds its index)."""
    return prune_outbox()
