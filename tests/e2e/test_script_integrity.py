"""In real Chromium: a changed ETB-1 script is refused, whether the page loads it or a module
imports it (SRI on the script tag; the import map's "integrity" for imported modules)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import Role
from bids import committee as committee_services
from tests.conftest import make_user
from tests.e2e.chromium import needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]


def _enrol_page(live_server: Any, browser: Any, make_notice: Any, officer: Any,
                authority: Any, tamper: str | None) -> tuple[Any, list[str]]:
    notice = make_notice(publish=False)
    members = [make_user(f"m{i}@bergen.example", authority, Role.COMMITTEE_MEMBER)
               for i in range(3)]
    committee = committee_services.committee_configure(
        notice=notice, by=officer, members=members, k=2).committee
    seat = committee.members.order_by("pk").first()
    client = Client()
    client.force_login(members[0])
    context = browser.new_context(locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.on("pageerror", lambda exc: messages.append(str(exc)))
    if tamper:
        def swap(route: Any) -> None:
            original = route.fetch()
            route.fulfill(response=original, body=original.text() + "\n// changed\n")
        page.route(f"**/static/{tamper}", swap)
    page.goto(f"{live_server.url}/bids/notices/{notice.pk}/committee/{seat.pk}/key/")
    page.wait_for_load_state("networkidle")
    return page, messages


def _ran(page: Any) -> bool:
    # enrol.js wires the form up; a page whose module graph failed leaves it untouched.
    return page.evaluate("() => document.querySelector('#enrol-status') !== null && "
                         "performance.getEntriesByType('resource').some("
                         "e => e.name.endsWith('/static/etb1/util.js'))")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_loads_the_untouched_scripts_without_complaint(live_server, browser, make_notice,
                                                          officer, authority):
    page, messages = _enrol_page(live_server, browser, make_notice, officer, authority, None)
    assert _ran(page)
    assert not [m for m in messages if "integrity" in m or "Content Security Policy" in m]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("tamper", ["bids/enrol.js", "etb1/util.js", "bids/common.js"])
def test_it_refuses_a_changed_script(live_server, browser, make_notice, officer, authority,
                                     tamper):
    _page, messages = _enrol_page(live_server, browser, make_notice, officer, authority, tamper)
    refused = [m for m in messages if "integrity" in m and tamper.split("/")[-1] in m]
    assert refused, messages
