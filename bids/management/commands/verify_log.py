"""manage.py verify_log: recompute every log leaf and check every signed tree head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bids.tlog import log_verify


class Command(BaseCommand):
    help = "Verify the transparency log: leaf hashes, indices and every signed tree head."

    def handle(self, *args: Any, **options: Any) -> None:
        report = log_verify()
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(f"The log has {len(report.problems)} problem(s).")
        self.stdout.write(f"The log is sound: {report.entries} entries, "
                          f"{report.tree_heads} signed tree heads verified.")
