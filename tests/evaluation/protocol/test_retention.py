"""Records of a procurement are not deleted until 3 years after the (latest) contract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from accounts.models import User
from evaluation.award.models import Contract
from evaluation.protocol.retention import (
    OPEN_ENDED,
    RetentionProtected,
    refuse_delete,
    retained_until,
)
from notices import services
from notices.models import Notice
from tests.evaluation.protocol.conftest import Procedure

pytestmark = pytest.mark.django_db


def test_a_draft_is_not_retained(make_notice: Callable[..., Notice], officer: User) -> None:
    draft = make_notice(publish=False)
    assert retained_until(draft) is None
    services.notice_delete_draft(notice=draft, by=officer)
    assert not Notice.objects.filter(pk=draft.pk).exists()


def test_a_published_notice_is_kept_until_a_contract(make_notice: Callable[..., Notice]
                                                     ) -> None:
    notice = make_notice()
    assert retained_until(notice) == OPEN_ENDED
    with pytest.raises(ProtectedError), transaction.atomic():
        Notice.objects.filter(pk=notice.pk).delete()


def test_three_years_after_the_latest_contract(procedure: Callable[..., Procedure]) -> None:
    full = procedure()
    assert full.contract is not None
    signed = full.contract.signed_on
    until = retained_until(full.notice)
    assert until == signed.replace(year=signed.year + 3)
    # The award notice is kept as long as its procurement.
    assert full.award_notice is not None
    full.award_notice.refresh_from_db()
    assert retained_until(full.award_notice) == until
    # The notice and its bids: refused within the period (by their PROTECT keys first; the
    # guard says the same on its own).
    for record in (full.notice, full.bids[0], full.rejected):
        with pytest.raises(ProtectedError), transaction.atomic():
            record.delete()
        with pytest.raises(RetentionProtected):
            refuse_delete(record)
    with pytest.raises(RetentionProtected):
        refuse_delete(full.contract, today=until - timedelta(days=1))
    # After the period the guard no longer blocks (PROTECT keys may still).
    refuse_delete(full.contract, today=until)
    refuse_delete(full.bids[0], today=until + timedelta(days=400))
    # A later contract moves the date.
    Contract.objects.filter(pk=full.contract.pk).update(signed_on=date(2030, 1, 15))
    assert retained_until(full.notice) == date(2033, 1, 15)


def test_documents_of_a_published_notice(make_notice: Callable[..., Notice],
                                         officer: User) -> None:
    from django.core.files.base import ContentFile

    from notices.documents import services as documents

    draft = make_notice(publish=False)
    version, _warnings = documents.document_upload(
        notice=draft, by=officer, stream=ContentFile(b"%PDF-1.4 grunnlag"),
        filename="grunnlag.pdf", size=17, title="Konkurransegrunnlag")
    services.notice_publish(notice=draft, by=officer)
    with pytest.raises(RetentionProtected), transaction.atomic():
        version.delete()
    with pytest.raises(RetentionProtected), transaction.atomic():
        version.document.delete()


def test_a_cancelled_procurement_three_years_after_the_cancellation(
        make_notice: Callable[..., Notice], officer: User) -> None:
    from evaluation.cancellation.services import procurement_cancel

    notice = make_notice()
    procurement_cancel(notice=notice, by=officer, ground="changed_needs",
                       reasons="Behovet er borte.")
    notice.refresh_from_db()
    until = retained_until(notice)
    assert until is not None and until.year == notice.cancelled_at.year + 3  # type: ignore
