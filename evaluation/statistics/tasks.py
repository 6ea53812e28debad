"""The statistics' periodic work (CELERY_BEAT_SCHEDULE): the incremental refresh every minute
and a full rebuild every night. Bookkeeping only, idempotent."""

from __future__ import annotations

from celery import shared_task

from evaluation.statistics.services import statistics_rebuild, statistics_refresh


@shared_task(name="evaluation.statistics.refresh")
def refresh() -> int:
    return statistics_refresh()


@shared_task(name="evaluation.statistics.rebuild")
def rebuild() -> int:
    return statistics_rebuild()
