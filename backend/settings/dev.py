"""The embedded default for `make run`: debug on, everything local."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403
from .base import STORAGES  # noqa: E402

STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
