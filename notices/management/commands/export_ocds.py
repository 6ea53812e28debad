"""python manage.py export_ocds --since DATE --out DIR — bulk OCDS release packages.

Writes every release dated on or after DATE (midnight, Oslo time; without --since: all) as
release packages of at most --per-file releases each (releases-00001.json, ...), streamed
release by release, so memory stays flat however many notices there are.
"""

from __future__ import annotations

from datetime import datetime, time
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from backend.formatting import OSLO
from backend.links import absolute_url
from notices.exports.ocds_releases import iter_releases, write_release_package


class Command(BaseCommand):
    help = "Export OCDS release packages of every public release since a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", default="", help="YYYY-MM-DD (Oslo time); default: all")
        parser.add_argument("--out", required=True, type=Path, help="output directory")
        parser.add_argument("--per-file", type=int, default=10_000,
                            help="releases per package file (default 10000)")

    def handle(self, *args: Any, since: str, out: Path, per_file: int, **options: Any) -> None:
        start = None
        if since:
            day = parse_date(since)
            if day is None:
                raise CommandError(f"--since {since!r}: use the form 2026-03-01.")
            start = datetime.combine(day, time.min, tzinfo=OSLO)
        if per_file < 1:
            raise CommandError("--per-file must be at least 1.")
        out.mkdir(parents=True, exist_ok=True)
        releases = iter_releases(since=start)
        total = files = 0
        now = timezone.now()
        while True:
            chunk = islice(releases, per_file)
            first = next(chunk, None)
            if first is None:
                break
            files += 1
            name = f"releases-{files:05d}.json"
            with (out / name).open("w", encoding="utf-8") as handle:
                total += write_release_package(
                    handle, _chain(first, chunk), uri=absolute_url(f"/open-data/bulk/{name}"),
                    published=now)
        self.stdout.write(f"{total} releases in {files} file(s) in {out}.")


def _chain(first: dict[str, Any], rest: Any) -> Any:
    yield first
    yield from rest
