"""Test profile: the base settings with fast hashing and an isolated data directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("ANBUD_DATA_DIR", tempfile.mkdtemp(prefix="anbud-test-"))

from backend.settings.base import *  # noqa: F403
from backend.settings.base import DATA_DIR, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
DATA_DIR = Path(DATA_DIR)

# Tests call services directly; tasks run in the calling process even when REDIS_URL points
# the cache and broker at a real Redis (CI's second pass).
CELERY_TASK_ALWAYS_EAGER = True
# Parallel test workers (pytest-xdist) share one Redis in CI's second pass: each keeps its
# cache keys apart.
if "default" in CACHES:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405
# E-mail links are absolute on this site (backend/links.py); the test client's host, so a
# test can follow them.
ANBUD_SITE_URL = "http://testserver"

# The compiled eForms Schematron (about 10 s per subtype to compile) is kept between test runs;
# its cache key is the Schematron file's path, size and modification time.
EFORMS_SCHEMATRON_CACHE = str(Path(tempfile.gettempdir()) / "anbud-eforms-schematron")
