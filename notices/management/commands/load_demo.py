from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from backend.formatting import format_oslo
from backend.links import absolute_url
from notices.demo import DEMO_PASSWORD, PRACTICE_MINUTES, load_demo


class Command(BaseCommand):
    help = ("Load the demo data set (idempotent) and print the demo logins, the committee "
            "members' key passphrases and the practice tender.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice-minutes", type=int, default=PRACTICE_MINUTES,
                            help="minutes until the practice tender's deadline (a new round "
                                 "is published only when the last one has closed)")

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo people get their inbox messages (committee seats), but no e-mail: nobody
        # reads the demo addresses, and the console would drown the logins printed below.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        demo = load_demo(practice_minutes=options["practice_minutes"])
        self.stdout.write(self.style.SUCCESS(
            f"Demo data is loaded. Sign in at {absolute_url('/accounts/login/')} with:"))
        for login in demo.logins:
            line = f"  {login.email:<30} {login.role:<30} {login.organisation}"
            if login.passphrase:
                line += f"  (key passphrase: {login.passphrase})"
            self.stdout.write(line)
        self.stdout.write(f"  password for all demo users: {DEMO_PASSWORD}")
        practice = demo.practice
        self.stdout.write(self.style.SUCCESS(
            f"Practice tender {practice.reference}: {absolute_url(f'/notices/{practice.pk}/')}"))
        self.stdout.write(
            f"  Its deadline is {format_oslo(practice.submission_deadline, 'short')} (Oslo "
            "time). Sign in as a supplier and submit a sealed bid before it; afterwards\n"
            "  innkjop@bergen.demo starts the opening and two of the Bergen committee members "
            "open it with their key passphrases.")
