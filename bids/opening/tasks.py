"""Thin Celery wrappers for the opening: ids only, never shares or keys."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="bids.opening_tasks.open_bids", acks_late=True)
def open_bids(session_id: str) -> str:
    from bids.opening.services import opening_run

    return str(opening_run(session_id=session_id).status)
