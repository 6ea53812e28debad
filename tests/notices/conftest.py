"""Search index fixtures for the notices tests (each test has its own index: tests/conftest.py).

Under pytest-django's `db` fixture nothing commits, so the after-commit `notice_changed`
signal (which feeds the index) never fires; the fixture below also indexes a notice at once
whenever a service announces a change, as the commit would. Tests of the real after-commit
path use `django_capture_on_commit_callbacks(execute=True)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def index_on_announce(monkeypatch: pytest.MonkeyPatch, search_index_dir: Path) -> None:
    from notices import services
    from notices.search import index_notice

    announce = services._announce

    def announce_and_index(notice: Any, change: str, **kwargs: Any) -> None:
        announce(notice, change, **kwargs)
        index_notice(notice.pk)

    monkeypatch.setattr(services, "_announce", announce_and_index)


@pytest.fixture
def english_site(settings: Any) -> None:
    """Pages and e-mails in English: the site's default language is Norwegian, and these
    tests read message texts (tests/conftest.py switches only the test's own thread)."""
    settings.LANGUAGE_CODE = "en"
