"""The platform log's write lock (the database clock itself is backend/clock.py)."""

from __future__ import annotations

from django.db import connection


def lock_log() -> None:
    """Serialise appends to the platform log (PostgreSQL: a transaction advisory lock).

    Lock order everywhere: the notice row first (SELECT ... FOR UPDATE), then the log.
    SQLite serialises writers on its own.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x45544231])  # "ETB1"
