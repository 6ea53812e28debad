"""Every link in every e-mail is absolute, on the configured site (ANBUD_SITE_URL)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail

from accounts.models import Role
from accounts.services import invitation_create
from backend.links import absolute_url
from notices import services as notice_services
from notices.following import services as following
from notices.following.saved_searches import saved_search_create, saved_search_send_digests

SITE = "https://anbud.example"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings: Any) -> None:
    # Not the test client's host: links must come from the setting, never from a request.
    settings.ANBUD_SITE_URL = SITE + "/"


def links(body: str) -> list[str]:
    """Every URL-looking word, and every word that is a bare path (a relative link)."""
    words = body.split()
    return [w for w in words if "://" in w or re.match(r"^/[\w-]+/", w)]


def assert_absolute(message: Any) -> None:
    found = links(message.body)
    assert found, message.body
    for link in found:
        assert link.startswith(SITE + "/"), (link, message.subject)


def test_it_builds_absolute_urls_from_the_setting() -> None:
    assert absolute_url("/notices/12/") == f"{SITE}/notices/12/"
    assert absolute_url("notices/12/") == f"{SITE}/notices/12/"


def test_it_sends_an_absolute_invitation_link_that_opens_the_invitation(
        authority_admin: Any, authority: Any, client: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = invitation_create(organization=authority, email="ny@bergen.example",
                                               role=Role.PROCUREMENT_OFFICER, by=authority_admin)
    [message] = mail.outbox
    assert_absolute(message)
    [link] = links(message.body)
    assert link == f"{SITE}/accounts/invitation/{token}/"
    assert client.get(link.removeprefix(SITE)).status_code == 200


def test_it_sends_an_absolute_password_reset_link(client: Any, officer: Any) -> None:
    client.post("/accounts/password-reset/", {"email": officer.email})
    [message] = mail.outbox
    assert_absolute(message)


def test_it_sends_absolute_links_to_followers(
        make_notice: Any, officer: Any, supplier_user: Any, now: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    notice = make_notice()
    following.follow_create(user=supplier_user, notice=notice, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        notice_services.notice_change_publish(notice=notice, by=officer, reason="Presisering.",
                                              fields={"description": "Ny beskrivelse."})
    [message] = mail.outbox
    assert_absolute(message)
    assert f"{SITE}/notices/{notice.pk}/" in message.body


def test_it_sends_absolute_links_in_the_saved_search_digest(
        make_notice: Any, supplier_user: Any, now: Any) -> None:
    saved_search_create(user=supplier_user, name="Bygg", params={"cpv": "45000000"},
                        frequency="daily", now=now)
    make_notice(at=now + timedelta(hours=1))
    assert saved_search_send_digests(now=now + timedelta(hours=2)) == 1
    [message] = mail.outbox
    assert_absolute(message)
    assert len(links(message.body)) == 3  # the notice, all results, the alert settings
