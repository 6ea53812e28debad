"""Thin Celery wrappers: periodic bookkeeping only (ids, never objects or secrets)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="bids.tasks.close_due")
def close_due() -> int:
    """Tenders past their deadline: 'tender closed' log entry and the deadline tree head."""
    from bids.submission import tenders_close_due

    return tenders_close_due()


@shared_task(name="bids.tasks.cleanup_unfinished")
def cleanup_unfinished() -> int:
    """Unfinished uploads past their deadline, and scratch files of killed openings."""
    from bids.opening.services import opening_scratch_cleanup
    from bids.submission import submissions_cleanup_unfinished

    return submissions_cleanup_unfinished() + opening_scratch_cleanup()


@shared_task(name="bids.tasks.tree_head")
def tree_head() -> bool:
    from bids.tlog import sth_periodic

    return sth_periodic() is not None
