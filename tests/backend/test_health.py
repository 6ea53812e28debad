"""Health checks (backend/health.py): liveness, readiness, beat's heartbeat.

The whole profile with its real servers is checked by tests/deploy/test_production_profile.py;
these run everywhere, on the embedded defaults.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from backend import health

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_touching_anything() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_checks_database_cache_broker_and_storage() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "cache": "ok", "broker": "in-process", "storage": "ok"}}
    assert Client().post("/readyz").status_code == 405


def test_readiness_names_a_failed_part_without_its_message(settings: Any) -> None:
    # A Redis cache nobody listens on: a real connection failure, answered at once.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] not in ("ok", "")
    assert "127.0.0.1" not in response.content.decode()  # the class name only


def test_beats_heartbeat_is_run_by_a_worker_and_goes_stale(
        capsys: pytest.CaptureFixture[str], settings: Any) -> None:
    from backend.celery import heartbeat

    cache.delete(health.HEARTBEAT_KEY)
    assert health.main(["beat"]) == 1
    assert "never" in capsys.readouterr().out
    heartbeat.delay()  # eager here; a worker runs it in production
    age = health.heartbeat_age()
    assert age is not None and 0 <= age < 5
    assert health.main(["beat"]) == 0
    assert "ok   beat heartbeat" in capsys.readouterr().out
    entry = settings.CELERY_BEAT_SCHEDULE["backend-heartbeat"]
    assert entry["task"] == "backend.heartbeat"
    assert health.heartbeat_max_age() == 3 * float(entry["schedule"])


def test_the_embedded_scheduler_runs_the_heartbeat_too() -> None:
    from notices.management.commands.run_scheduler import tick

    cache.delete(health.HEARTBEAT_KEY)
    tick(due={"backend-heartbeat"})
    assert health.heartbeat_age() is not None


def test_the_command_line_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert health.main(["ready"]) == 0
    assert "ok   ready: database=ok cache=ok broker=in-process storage=ok" in \
        capsys.readouterr().out
    assert health.main(["http", "http://127.0.0.1:1/healthz"]) == 1
    assert "FAIL http://127.0.0.1:1/healthz" in capsys.readouterr().out
    assert health.main(["nonsense"]) == 2
