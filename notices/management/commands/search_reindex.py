"""Rebuild the search index from the database (the source of truth).

Safe to run while the site is up: searches keep answering from the old index until the
rebuild commits; index updates from the indexing task wait for the writer lock.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from notices.search import index_dir, reindex_all


class Command(BaseCommand):
    help = "Rebuild the full-text search index of public notices from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = reindex_all()
        self.stdout.write(f"Indexed {count} notices in {time.perf_counter() - started:.1f} s "
                          f"({index_dir()})")
