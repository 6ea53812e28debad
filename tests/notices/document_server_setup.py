"""Prepare a data directory for a real server in a subprocess (test_document_streaming).

Run with ANBUD_DATA_DIR set: migrates the SQLite database there, creates an authority, a
procurement officer with an API token and a draft notice, and prints them as JSON.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    assert os.environ.get("ANBUD_DATA_DIR"), "set ANBUD_DATA_DIR to a scratch directory"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import BuyerType, OrganizationKind, Role
    from notices import services
    from tests.conftest import api_token_for, make_org, make_user, notice_fields

    call_command("migrate", verbosity=0, interactive=False)
    authority = make_org(OrganizationKind.AUTHORITY, "Bergen kommune", BuyerType.OTHER)
    officer = make_user("officer@bergen.example", authority, Role.PROCUREMENT_OFFICER)
    notice = services.notice_create(buyer=authority, by=officer, kind="national",
                                    fields=notice_fields())
    print(json.dumps({"token": api_token_for(officer), "notice": notice.pk}))


if __name__ == "__main__":
    main()
