"""The search outbox: one row per change to a notice that the public search index must follow.

Written in the same transaction as the change (notices.services._announce), so a committed
change always has its row and a rolled-back one never does. Every node's indexer reads the
rows after its own stored position (notices/search/follow.py); rows older than the retention
period are pruned (`prune_outbox`).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class SearchOutboxOp(models.TextChoices):
    UPSERT = "upsert", "upsert"
    DELETE = "delete", "delete"


class SearchOutbox(models.Model):
    id = models.BigAutoField(primary_key=True)
    notice_id = models.BigIntegerField()     # no foreign key: a deleted notice keeps its rows
    op = models.CharField(max_length=6, choices=SearchOutboxOp.choices,
                          default=SearchOutboxOp.UPSERT)
    # The database clock at the INSERT statement (PostgreSQL: statement_timestamp()), the
    # same clock on every node: used to tell a gap that will never fill (docs/search.md).
    created_at = models.DateTimeField(db_default=Now(), db_index=True)

    class Meta:
        db_table = "notices_search_outbox"

    def __str__(self) -> str:
        return f"{self.id}: {self.op} notice {self.notice_id}"
