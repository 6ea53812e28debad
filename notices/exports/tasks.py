"""Periodic task of the open-data feature (a thin wrapper; the name is pinned)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notices.exports.open_data_daily")
def open_data_daily() -> int:
    """Write the open-data exports of every finished day that has none yet (idempotent)."""
    from notices.exports.opendata import open_data_export_due

    return open_data_export_due()
