"""The embedded default for `make run`: debug on, everything local."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")

from backend.settings.base import *  # noqa: F403
from backend.settings.base import STORAGES

STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
