"""The database clock: deadlines are decided by it, in the transaction that does the write."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection


def db_now() -> datetime:
    """The database server's current time (not the transaction start), timezone-aware UTC."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clock_timestamp()")
            value = cursor.fetchone()[0]
            return value.astimezone(UTC)
        cursor.execute("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")
        text = cursor.fetchone()[0]
    # SQLite keeps milliseconds; the receipt format pads them to microseconds.
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


def lock_log() -> None:
    """Serialise appends to the platform log (PostgreSQL: a transaction advisory lock).

    Lock order everywhere: the notice row first (SELECT ... FOR UPDATE), then the log.
    SQLite serialises writers on its own.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x45544231])  # "ETB1"
