"""The committee's k is shown as its number, never as a literal "k", in the texts that tell
the officer how many members open the bids (the opening page, the committee page)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import Organization, User
from notices.models import Notice
from tests.bids.test_opening import pass_deadline, setup_tender

pytestmark = pytest.mark.django_db

TEXTS = {
    "opening": {"nb": "tilbudene åpnes når 3 medlemmer har sendt sine",
                "en": "the bids open when 3 members have sent theirs"},
    "committee": {"nb": "så lenge 3 medlemmer fra manifestet deres er igjen",
                  "en": "stay openable while 3 members of their manifest remain"},
}
STRAY = {"nb": [" k medlemmer"], "en": [" k members"]}


def _page(user: User, path: str, language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_committee_and_opening_pages_give_k_as_a_number(
        make_notice: Callable[..., Notice], officer: User, authority: Organization,
        language: str) -> None:
    tender = setup_tender(make_notice, officer, authority, n=4, k=3)
    committee = _page(officer, f"/bids/notices/{tender.notice.pk}/committee/", language)
    assert TEXTS["committee"][language] in committee
    pass_deadline(tender)
    opening = _page(officer, f"/bids/notices/{tender.notice.pk}/opening/", language)
    assert TEXTS["opening"][language] in opening
    for stray in STRAY[language]:
        assert stray not in committee and stray not in opening
