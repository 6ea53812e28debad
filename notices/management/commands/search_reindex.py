"""Rebuild the search index from the database (the source of truth).

Safe to run while the site is up: searches keep answering from the old index until the
rebuild commits; this node's follower (search_follow) waits for the rebuild, which records the
outbox position it reflects, and then goes on from there.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from notices.search import index_dir, rebuild_index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of public notices from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = rebuild_index()
        self.stdout.write(f"Indexed {count} notices in {time.perf_counter() - started:.1f} s "
                          f"({index_dir()})")
