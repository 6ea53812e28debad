from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notices.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo data set (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in at "
                                             "http://127.0.0.1:8000/accounts/login/ with:"))
        for email, role, org in logins:
            self.stdout.write(f"  {email:<34} {role:<32} {org}")
        self.stdout.write(f"  password for all demo users: {DEMO_PASSWORD}")
