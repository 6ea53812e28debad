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
from notices.models import NoticeStatus
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
    page = client.get(f"/workspace/notices/{notice.pk}/").content.decode()
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
