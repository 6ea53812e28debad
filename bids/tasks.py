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


@shared_task(name="bids.tasks.notify_bid_event", autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def notify_bid_event(event_id: int) -> int:
    """Tell whoever a bid event concerns (committee, bidder, officers). Idempotent."""
    from bids.notifications import bid_event_notify

    return bid_event_notify(event_id=event_id)


@shared_task(name="bids.tasks.notify_keys_needed", autoretry_for=(Exception,),
             retry_backoff=True, max_retries=5)
def notify_keys_needed(notice_id: int) -> int:
    """Remind the committee members of a notice who have no key yet. Idempotent per day."""
    from bids.notifications import keys_needed_notify

    return keys_needed_notify(notice_id=notice_id)
