"""python manage.py import_eforms FILE_OR_DIR [...] — import eForms notices onto the board.

Each file is imported on its own, all or nothing; a refused file is reported with the
element and the rule, and the command exits with an error if any file was refused. Files
that change another notice (efac:Changes) are imported after the others, so a directory with
a notice and its change notice imports in the right order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organization
from notices.exports.eforms_import import ImportRefused, eforms_import


class Command(BaseCommand):
    help = "Import eForms notices (PIN, CN, CAN; EU subtypes and Norwegian E2, E3, E4)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="XML files or directories")
        parser.add_argument("--buyer", default="", help=(
            "Only import notices of this buyer (organisation number); refuse the others."))

    def handle(self, *args: Any, paths: list[Path], buyer: str, **options: Any) -> None:
        organization = None
        if buyer:
            organization = Organization.objects.filter(org_number=buyer).first()
            if organization is None:
                raise CommandError(f"No organisation with the number {buyer}.")
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*.xml") if p.is_file()))
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or directory.")
        # Notices first, then the change notices that point at them.
        contents = [(p, p.read_bytes()) for p in files]
        contents.sort(key=lambda item: b"ChangedNoticeIdentifier" in item[1])
        refused = 0
        for path, data in contents:
            try:
                result = eforms_import(data=data, source_name=path.name, buyer=organization)
            except ImportRefused as exc:
                refused += 1
                self.stderr.write(f"{path}: refused")
                for message in exc.messages:
                    self.stderr.write(f"  - {message}")
                continue
            notice = result.notice
            self.stdout.write(f"{path}: {result.action} {notice.reference} "
                              f"({notice.get_kind_display()}, version {result.version.number}, "
                              f"{notice.get_status_display().lower()})")
        self.stdout.write(f"{len(contents) - refused} imported, {refused} refused.")
        if refused:
            raise CommandError(f"{refused} file(s) refused.")
