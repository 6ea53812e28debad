"""The statistics' periodic refresh (CELERY_BEAT_SCHEDULE): bookkeeping only, idempotent."""

from __future__ import annotations

from celery import shared_task

from evaluation.statistics.services import statistics_refresh


@shared_task(name="evaluation.statistics.refresh")
def refresh() -> int:
    return statistics_refresh()
