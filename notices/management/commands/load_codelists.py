"""Load the CPV 2008 and NUTS 2024 code lists from the official-format files (or URLs).

    python manage.py load_codelists                     # both, from ../shared/standards/codelists/
    python manage.py load_codelists --cpv PATH --nuts PATH
    python manage.py load_codelists --only cpv

Loading the same files again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from notices.codelists.services import LoadResult, cpv_load, nuts_load, read_cpv, read_nuts

DEFAULT_DIR = Path(settings.BASE_DIR).parent / "shared" / "standards" / "codelists"


class Command(BaseCommand):
    help = "Load the CPV 2008 and NUTS 2024 code lists (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cpv", default=str(DEFAULT_DIR / "cpv_2008.csv"),
                            help="CPV 2008 CSV (path or URL)")
        parser.add_argument("--nuts", default=str(DEFAULT_DIR / "nuts_2024_lvl3.csv"),
                            help="NUTS 2024 level-3 CSV (path or URL)")
        parser.add_argument("--only", choices=["cpv", "nuts"], help="load one list only")

    def handle(self, *args: Any, **options: Any) -> None:
        # Each reader's entries go to the matching loader; Any joins the CPV and NUTS pairs.
        jobs: list[tuple[str, Callable[[str], Sequence[Any]], Callable[[Any], LoadResult]]] = [
            ("cpv", read_cpv, cpv_load), ("nuts", read_nuts, nuts_load)]
        for name, read, load in jobs:
            if options["only"] and options["only"] != name:
                continue
            source = options[name]
            try:
                entries = read(source)
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(
                    f"Cannot read the {name.upper()} list from {source}: {exc}") from exc
            result = load(entries)
            self.stdout.write(f"{name.upper()}: {len(entries)} codes in {source}; "
                              f"{result.created} added, {result.updated} updated, "
                              f"{result.unchanged} unchanged")
