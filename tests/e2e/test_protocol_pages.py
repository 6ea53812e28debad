"""The procurement protocol, the cancellation form and the officer's dashboard in a browser:
axe-core at desktop and phone sizes, and phone screenshots (tests/e2e/screenshots/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from notices.models import Notice
from tests.bids.conftest import bid_storage  # noqa: F401 (autouse fixture)
from tests.e2e import chromium
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import needs_chromium
from tests.evaluation.conftest import private_storage_dir  # noqa: F401 (autouse fixture)
from tests.evaluation.protocol.conftest import Procedure, procedure  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, needs_chromium]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_protocol_cancel_and_dashboard_pages(live_server: Any, browser: Any,
                                             procedure: Callable[..., Procedure],  # noqa: F811
                                             make_notice: Callable[..., Notice]) -> None:
    full = procedure()
    open_notice = make_notice(title="Skoleskyss 2027")
    officer: User = full.officer
    client = Client()
    client.force_login(officer)
    context = browser.new_context(locale="nb-NO", viewport=DESKTOP)
    context.set_default_timeout(60_000)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    failures = []
    for name, path in (("protocol", f"/evaluation/notices/{full.notice.pk}/protocol/"),
                       ("cancel", f"/evaluation/notices/{open_notice.pk}/cancel/"),
                       ("dashboard", "/evaluation/dashboard/")):
        for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, path
            try:
                assert_no_serious_violations(page, where=f"{path} ({size_name})")
            except AssertionError as exc:
                failures.append(str(exc))
        chromium.shot(page, f"protocol_{name}_phone")
    # The cancellation form names its errors next to the fields.
    page.goto(live_server.url + f"/evaluation/notices/{open_notice.pk}/cancel/")
    page.click("#cancel-procurement")
    assert page.locator("#id_reasons_errors").is_visible()
    context.close()
    assert not failures, "\n\n".join(failures)
