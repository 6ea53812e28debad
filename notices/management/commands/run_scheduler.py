"""The periodic tick for the embedded profile, where there is no Celery beat.

`python manage.py run_scheduler` runs every task in settings.CELERY_BEAT_SCHEDULE in this
process, each at its own interval (or, for a crontab entry such as the nightly statistics
rebuild, at its next time of day: not at start), so the embedded profile and production
(Celery beat) share one schedule. Each task is idempotent bookkeeping, so a tick that
overlaps beat or another scheduler is harmless. `--once` runs every task once and exits
(tests, cron).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _interval(entry: dict[str, Any]) -> float:
    """Seconds from now to the entry's next run: its interval, or for a crontab the time left
    until its next time of day (CELERY_TIMEZONE)."""
    schedule = entry["schedule"]
    if _is_crontab(entry):
        return max(1.0, schedule.remaining_estimate(schedule.now()).total_seconds())
    return float(schedule.total_seconds() if hasattr(schedule, "total_seconds") else schedule)


def _is_crontab(entry: dict[str, Any]) -> bool:
    """A time-of-day entry (celery's crontab), as against a fixed interval."""
    return hasattr(entry["schedule"], "remaining_estimate")


def run_task(name: str) -> Any:
    """Run one scheduled task synchronously; a failure is logged and does not stop the rest."""
    try:
        return current_app.tasks[name].apply(throw=True).result
    except Exception:
        logger.exception("periodic task %s failed", name)
        return None


def tick(*, due: set[str] | None = None) -> dict[str, Any]:
    """Run the scheduled tasks (all of them, or the `due` entry names) once."""
    schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    # Outside a worker nothing has imported the apps' tasks modules yet.
    current_app.loader.import_default_modules()
    return {key: run_task(entry["task"]) for key, entry in schedule.items()
            if due is None or key in due}


class Command(BaseCommand):
    help = "Run the periodic bookkeeping of CELERY_BEAT_SCHEDULE in-process (embedded profile)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run every task once and exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if once:
            results = tick()
            self.stdout.write(", ".join(f"{key}={value}" for key, value in results.items()))
            return
        schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
        start = time.monotonic()
        # Interval tasks run at once; a crontab task waits for its time of day.
        next_run = {key: start + _interval(entry) if _is_crontab(entry) else 0.0
                    for key, entry in schedule.items()}
        self.stdout.write(f"Scheduler running {len(schedule)} periodic tasks.")
        while True:
            # A long-lived loop must not keep a broken or stale connection.
            close_old_connections()
            now = time.monotonic()
            due = {key for key, at in next_run.items() if at <= now}
            for key in due:
                next_run[key] = now + _interval(schedule[key])
            if due:
                tick(due=due)
            try:
                time.sleep(max(0.5, min(next_run.values()) - time.monotonic()))
            except KeyboardInterrupt:
                return
