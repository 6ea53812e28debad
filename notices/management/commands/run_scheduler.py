"""The periodic tick for the embedded profile, where there is no Celery beat.

`python manage.py run_scheduler` calls every periodic service once a minute (each is
idempotent bookkeeping, so a tick that overlaps beat or another scheduler is harmless);
`--once` runs one tick and exits (tests, cron). Production runs Celery beat with
CELERY_BEAT_SCHEDULE instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Dotted paths of periodic services: plain functions taking `now=` and returning a count.
PERIODIC = [
    "notices.services.notice_close_due",
    "notices.saved_searches.saved_search_send_digests",
    "notices.following.notification_retry_unsent",
]


def tick(*, now: Any = None) -> dict[str, int]:
    """Run every periodic service once. A failing service is logged and does not stop the
    others."""
    results: dict[str, int] = {}
    for path in PERIODIC:
        service: Callable[..., int] = import_string(path)
        try:
            results[path] = int(service(now=now) or 0)
        except Exception:
            logger.exception("periodic service %s failed", path)
            results[path] = -1
    return results


class Command(BaseCommand):
    help = "Run the periodic bookkeeping (digests, deadline flips, notification retries)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")
        parser.add_argument("--interval", type=float, default=60.0,
                            help="Seconds between ticks (default 60).")

    def handle(self, *args: Any, once: bool = False, interval: float = 60.0,
               **options: Any) -> None:
        while True:
            if not once:
                # A long-lived loop must not keep a broken or stale connection.
                close_old_connections()
            started = time.monotonic()
            results = tick()
            summary = ", ".join(f"{path.rsplit('.', 1)[-1]}={count}"
                                for path, count in results.items())
            if once:
                self.stdout.write(summary)
                return
            logger.info("scheduler tick: %s", summary)
            try:
                time.sleep(max(1.0, interval - (time.monotonic() - started)))
            except KeyboardInterrupt:
                return
