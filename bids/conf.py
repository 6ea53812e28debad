"""Settings of the bids app, with defaults (an operator overrides them in the environment)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


DEFAULTS: dict[str, Any] = {
    # The largest sealed bid a tender takes unless its committee settings say otherwise.
    "BID_MAX_BYTES": _env_int("ANBUD_BID_MAX_BYTES", 10 * 1024**3),
    # The largest single upload part (the client picks its part size up to this).
    "BID_PART_MAX_BYTES": _env_int("ANBUD_BID_PART_MAX_BYTES", 64 * 1024**2),
    # Server-side sealing writes the sealed blob to storage in parts of this size.
    "BID_SERVER_PART_BYTES": _env_int("ANBUD_BID_SERVER_PART_BYTES", 8 * 1024**2),
    # A plain upload endpoint for bench/rush.py (no sealing, no receipt). Off by default.
    "BIDS_BENCH_PLAIN_UPLOAD": os.environ.get("ANBUD_BENCH_PLAIN_UPLOAD", "") == "1",
    # Seconds between periodic signed tree heads.
    "BIDS_STH_INTERVAL": _env_int("ANBUD_STH_INTERVAL", 3600),
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
