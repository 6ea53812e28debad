"""The officer's preview runs every check that publishing runs, the committee keys included."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from backend.errors import ApplicationError
from bids import committee as services
from bids.models import CommitteeMember
from crypto.member_keys import generate_member_key
from notices import services as notice_services
from notices.models import Notice, NoticeStatus
from notices.rules import checks as rules
from tests.bids.conftest import enrol_fake_keys, fake_wrapped


def test_it_shows_missing_committee_keys_in_the_preview_and_is_not_ready(
        client: Any, make_notice: Any, officer: Any, committee_users: list[Any]) -> None:
    notice = make_notice(publish=False)
    assert rules.check_publishable(notice, at=timezone.now()) == []  # the notice itself is fine
    services.committee_configure(notice=notice, by=officer, members=committee_users, k=2)
    first = CommitteeMember.objects.get(committee__notice=notice, user=committee_users[0])
    services.committee_member_enrol_key(member=first, by=committee_users[0],
                                        wrapped_key=fake_wrapped("alice", generate_member_key()))

    problems = rules.notice_publish_problems(notice, at=timezone.now())
    assert any("2 of 3 committee members have not enrolled a key" in p for p in problems)
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="en"
                      ).content.decode()
    assert "have not enrolled a key" in page
    assert "Klar til publisering" not in page and "Ready to publish" not in page
    assert re.search(r'id="publish-button"\s+disabled', page)
    # The preview and the publish service agree: publishing is refused with the same words.
    with pytest.raises(ApplicationError) as caught:
        notice_services.notice_publish(notice=notice, by=officer)
    assert caught.value.messages == problems


def test_it_says_ready_once_every_member_has_a_key(
        client: Any, make_notice: Any, officer: Any, committee_users: list[Any]) -> None:
    notice = make_notice(publish=False)
    services.committee_configure(notice=notice, by=officer, members=committee_users, k=2)
    enrol_fake_keys(notice, committee_users)
    assert rules.notice_publish_problems(notice, at=timezone.now()) == []
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{notice.pk}/").content.decode()
    assert "Klar til publisering" in page
    notice = notice_services.notice_publish(notice=notice, by=officer)
    assert notice.status == NoticeStatus.PUBLISHED


def test_it_warns_in_the_preview_when_the_notice_will_take_no_electronic_bids(
        client: Any, make_notice: Any, officer: Any, committee_users: list[Any]) -> None:
    notice = make_notice(publish=False)
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    # Ready (nothing stops publishing), but the officer is told bids cannot come in.
    assert "Ready to publish" in html and 'id="publish-warnings"' in html
    assert "will take no electronic bids: it has no opening committee" in html
    assert f'href="/bids/notices/{notice.pk}/committee/"' in html
    services.committee_configure(notice=notice, by=officer, members=committee_users, k=2)
    enrol_fake_keys(notice, committee_users)
    html = client.get(f"/workspace/notices/{notice.pk}/", HTTP_ACCEPT_LANGUAGE="en"
                      ).content.decode()
    assert "Ready to publish" in html and 'id="publish-warnings"' not in html
    prior = make_notice(publish=False, kind="pin")
    assert rules_warnings(prior) == []  # a prior information notice takes no bids anyway


def rules_warnings(notice: Any) -> list[str]:
    from notices.rules import publish_checks

    return publish_checks.warnings(notice, timezone.now())


def test_the_preview_and_the_refusal_name_missing_keys_in_bokmal(
        client: Any, make_notice: Any, officer: Any, committee_users: list[Any]) -> None:
    notice = make_notice(publish=False)
    services.committee_configure(notice=notice, by=officer, members=committee_users, k=2)
    client.force_login(officer)
    client.cookies["django_language"] = "nb"
    preview = client.get(f"/workspace/notices/{notice.pk}/").content.decode()
    assert "3 av 3 komitémedlemmer har ikke registrert en nøkkel" in preview
    assert "Før du kan publisere" in preview and "not enrolled" not in preview
    refused = client.post(f"/workspace/notices/{notice.pk}/publish/")
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "3 av 3 komitémedlemmer har ikke registrert en nøkkel" in html
    assert "committee members" not in html
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.DRAFT
