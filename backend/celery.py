"""The Celery app. Without REDIS_URL tasks run eagerly in the calling process."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.base")

app = Celery("anbud")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="backend.heartbeat")
def heartbeat() -> str:
    """Scheduled by beat, run by a worker: the liveness of both (backend/health.py)."""
    from backend.health import heartbeat_record

    return heartbeat_record()
