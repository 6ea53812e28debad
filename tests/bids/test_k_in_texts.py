"""The committee's k is shown as its number, never as a literal "k", in the texts that tell
the officer how many members open the bids (the opening page, the committee page)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import Organization, User
from notices.models import Notice
from tests.bids.test_opening import pass_deadline, setup_tender
from tests.conftest import page_as

pytestmark = pytest.mark.django_db

TEXTS = {
    "opening": {"nb": "tilbudene åpnes når 3 medlemmer har sendt sine",
                "en": "the bids open when 3 members have sent theirs"},
    "committee": {"nb": "så lenge 3 medlemmer fra manifestet deres er igjen",
                  "en": "stay openable while 3 members of their manifest remain"},
}
STRAY = {"nb": [" k medlemmer"], "en": [" k members"]}


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_committee_and_opening_pages_give_k_as_a_number(
        make_notice: Callable[..., Notice], officer: User, authority: Organization,
        language: str) -> None:
    tender = setup_tender(make_notice, officer, authority, n=4, k=3)
    committee = page_as(officer, f"/bids/notices/{tender.notice.pk}/committee/", language)
    assert TEXTS["committee"][language] in committee
    pass_deadline(tender)
    opening = page_as(officer, f"/bids/notices/{tender.notice.pk}/opening/", language)
    assert TEXTS["opening"][language] in opening
    for stray in STRAY[language]:
        assert stray not in committee and stray not in opening
