"""Health checks of the production profile (docs/operations.md, "Health checks").

- `GET /healthz` (liveness): the web process answers. Touches nothing else, so a database
  outage never makes a supervisor restart healthy web processes.
- `GET /readyz` (readiness): the database, the cache, the Celery broker and object storage
  answer; 503 naming the failed part otherwise. The proxy takes a web process out of rotation
  while it fails. Public, no data: each part is "ok", "in-process" or the exception's class
  name, never its message (which could carry a host name or a credential).
- Beat's heartbeat: beat schedules `backend.heartbeat` every ANBUD_HEARTBEAT_SECONDS; a worker
  runs it and writes the time into the cache. `python -m backend.health beat` exits 0 while it
  is fresh, which proves that beat schedules and a worker runs what it schedules.
- `python -m backend.health ready` runs the readiness checks from the command line,
  `python -m backend.health worker` pings the Celery workers over the broker, `http URL...`
  asks health endpoints, and `all URL...` does the last three at once (`deploy/prod.sh check`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

HEARTBEAT_KEY = "anbud:health:beat-heartbeat"
# A name that is never stored: asking whether it exists proves the bucket answers.
STORAGE_PROBE = "health/readiness-probe"
BROKER_TIMEOUT = 3.0


def _database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = "anbud:health:probe"
    cache.set(key, "1", 30)
    if cache.get(key) != "1":
        raise RuntimeError("cache")
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    from backend.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    return "ok"


def _storage() -> str:
    default_storage.exists(STORAGE_PROBE)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database, "cache": _cache, "broker": _broker, "storage": _storage}


def readiness() -> tuple[bool, dict[str, str]]:
    """(all ok, {part: "ok" | "in-process" | the exception's class name})."""
    results: dict[str, str] = {}
    ok = True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a failed part is reported, never raised
            results[name] = type(exc).__name__
            ok = False
    return ok, results


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    ok, results = readiness()
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": results},
                        status=200 if ok else 503)


def heartbeat_record() -> str:
    """The beat task: the time it ran, kept in the cache for twice the staleness limit."""
    at = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, at, timeout=int(2 * heartbeat_max_age()))
    return at


def heartbeat_max_age() -> float:
    entry: dict[str, Any] = settings.CELERY_BEAT_SCHEDULE["backend-heartbeat"]
    return 3 * float(entry["schedule"])


def heartbeat_age() -> float | None:
    """Seconds since a worker last ran beat's heartbeat; None when never (or expired)."""
    value = cache.get(HEARTBEAT_KEY)
    if not value:
        return None
    from datetime import datetime

    return (timezone.now() - datetime.fromisoformat(value)).total_seconds()


def ping_workers(timeout: float = 2.0) -> list[str]:
    """Names of the Celery workers that answered a ping over the broker."""
    from backend.celery import app

    replies = app.control.ping(timeout=timeout) or []
    return sorted(name for reply in replies for name in reply)


def http_ok(url: str, timeout: float = 15.0) -> bool:
    """True when `url` (a local health endpoint) answers 200."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _check_lines(what: str, urls: list[str]) -> list[tuple[bool, str]]:
    """(passed, line) for each check of `what`: ready, worker, beat, http or all."""
    lines: list[tuple[bool, str]] = []
    if what in ("http", "all"):
        lines += [(ok, f"{url}: {'200' if ok else 'no answer or not 200'}")
                  for url in urls for ok in [http_ok(url)]]
    if what == "ready":
        ok, results = readiness()
        lines.append((ok, "ready: " + " ".join(f"{k}={v}" for k, v in results.items())))
    if what in ("worker", "all"):
        names: list[str] = []
        for _attempt in range(3):
            names = ping_workers()
            if names:
                break
            time.sleep(1)
        lines.append((bool(names), "workers: " + (", ".join(names) or "none answered")))
    if what in ("beat", "all"):
        age, limit = heartbeat_age(), heartbeat_max_age()
        lines.append((age is not None and age <= limit, "beat heartbeat: " + (
            "never" if age is None else f"{age:.0f} s ago") + f" (limit {limit:.0f} s)"))
    return lines


def main(argv: list[str]) -> int:
    """`python -m backend.health ready|worker|beat|http URL...|all URL...`: exit 0 when every
    check passes, 1 otherwise; one line per check."""
    import os

    what, urls = (argv[0], argv[1:]) if argv else ("ready", [])
    if what not in ("ready", "worker", "beat", "http", "all"):
        print("usage: python -m backend.health ready|worker|beat|http URL...|all URL...",
              file=sys.stderr)
        return 2
    if what != "http":
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.base")
        django.setup()
    lines = _check_lines(what, urls)
    for ok, line in lines:
        print(("ok   " if ok else "FAIL ") + line)
    return 0 if lines and all(ok for ok, _line in lines) else 1


def _run() -> Any:
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    _run()
