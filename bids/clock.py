"""The platform log's write lock (the database clock itself is backend/clock.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection

if TYPE_CHECKING:
    from notices.models import Notice


def lock_log() -> None:
    """Serialise appends to the platform log (PostgreSQL: a transaction advisory lock).

    Lock order everywhere: the notice row first (SELECT ... FOR UPDATE), then the log.
    SQLite serialises writers on its own.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x45544231])  # "ETB1"


def lock_notice_shared(notice_id: int) -> Notice:
    """The notice row, locked against changes (PostgreSQL: SELECT ... FOR SHARE) until commit.

    For the requests that only read the deadline under the lock (starting a submission,
    recording a part): a deadline change, the tender-closed job and a finalisation
    (SELECT ... FOR UPDATE) wait for them, as they wait for those; but they do not wait
    for one another, so a rush of starts and parts is not serialised on the tender row.
    The receipt-issuing finalisation keeps the exclusive lock.
    """
    from notices.models import Notice

    if connection.vendor != "postgresql":
        return Notice.objects.select_for_update().get(pk=notice_id)
    table = Notice._meta.db_table
    found = list(Notice.objects.raw(
        f'SELECT * FROM "{table}" WHERE "id" = %s FOR SHARE', [notice_id]))  # noqa: S608
    if not found:
        raise Notice.DoesNotExist
    return found[0]
