"""Celery tasks of the notice aggregate itself: thin wrappers that call its services.

Feature tasks live beside their feature (`notices/following/tasks.py`, `notices/search/tasks.py`);
every task name is pinned, so moving a module never orphans a queued message or a beat entry.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notices.following_tasks.close_due")
def close_due() -> int:
    """Periodic: mark notices whose deadline has passed as closed (bookkeeping)."""
    from notices.services import notice_close_due

    return notice_close_due()
