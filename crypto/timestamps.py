"""RFC 3339 UTC timestamps with exactly six fractional digits, as receipts and tree heads use."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from crypto.errors import InvalidInput

_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def format_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise InvalidInput("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: str) -> datetime:
    if not isinstance(value, str) or not _RE.fullmatch(value):
        raise InvalidInput("timestamp must look like 2026-11-21T10:15:30.123456Z")
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
