"""Write the statistics' summary tables afresh from the source tables (docs/statistics.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evaluation.statistics.services import statistics_rebuild


class Command(BaseCommand):
    help = "Rebuild the public statistics from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        counted = statistics_rebuild()
        self.stdout.write(f"statistics rebuilt: {counted} public notices")
