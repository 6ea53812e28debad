"""The database clock: deadlines are decided by it, in the transaction that does the write.

Application servers' clocks drift and differ between machines; the database is the one clock
every writer shares, so every deadline check reads it (after locking the notice row).
"""

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
