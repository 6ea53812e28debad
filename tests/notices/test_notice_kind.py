"""The officer changes the notice type of a draft without losing it: the service, the preview's
one-click conversion, the edit form and the API, each with a "notice.kind_changed" event."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from backend.errors import ApplicationError, Conflict, Forbidden
from notices import services
from notices.documents import services as documents
from notices.models import Notice, NoticeEvent, NoticeEventKind, NoticeStatus
from notices.rules import checks as rules
from tests.notices.test_web_workspace import form_data

pytestmark = pytest.mark.django_db

# Works (the fixture's default contract type): the EEA threshold is NOK 57.8 M.
LOTS = [{"title": "Nord", "cpv": "45000000", "estimated_value": Decimal("31000000")},
        {"title": "Sør", "cpv": "45000000", "estimated_value": Decimal("30000000")}]


@pytest.fixture
def above_eea(make_notice: Any, officer: Any) -> Notice:
    """A national (Part II) draft whose value crossed the EEA threshold (Part III)."""
    notice = make_notice(publish=False, estimated_value=Decimal("61000000"), lots=LOTS,
                         submission_deadline=timezone.now() + timezone.timedelta(days=40),
                         question_deadline=timezone.now() + timezone.timedelta(days=30))
    data = b"%PDF-1.4 konkurransegrunnlag"
    documents.document_upload(notice=notice, by=officer, stream=io.BytesIO(data),
                              filename="kgr.pdf", size=len(data), title="Konkurransegrunnlag")
    return notice


def test_it_changes_the_type_of_a_draft_and_keeps_everything_else(
        above_eea: Notice, officer: Any) -> None:
    problems = rules.notice_publish_problems(above_eea, at=timezone.now())
    assert any("Publish it as “Contract notice (EEA)” instead" in p for p in problems)
    before = (above_eea.title, above_eea.description, above_eea.estimated_value,
              above_eea.submission_deadline, [lot.title for lot in above_eea.lots.all()],
              [d.title for d in above_eea.documents.all()])
    changed = services.notice_kind_change(notice=above_eea, by=officer, kind="cn")
    assert changed.kind == "cn" and changed.status == NoticeStatus.DRAFT
    assert (changed.title, changed.description, changed.estimated_value,
            changed.submission_deadline, [lot.title for lot in changed.lots.all()],
            [d.title for d in changed.documents.all()]) == before
    event = NoticeEvent.objects.get(notice=above_eea, kind=NoticeEventKind.KIND_CHANGED)
    assert event.data == {"from": "national", "to": "cn"} and event.by == officer
    # The type no longer stands in the way (what is left are the TED texts and eForms data).
    assert not any("instead" in p for p in rules.notice_publish_problems(
        changed, at=timezone.now()))
    # The same type again is no change and no event.
    services.notice_kind_change(notice=changed, by=officer, kind="cn")
    assert NoticeEvent.objects.filter(kind=NoticeEventKind.KIND_CHANGED).count() == 1


def test_it_refuses_a_published_notice_an_unknown_type_and_another_authority(
        make_notice: Any, officer: Any, other_officer: Any) -> None:
    published = make_notice()
    with pytest.raises(Conflict, match="Only a draft can change its notice type"):
        services.notice_kind_change(notice=published, by=officer, kind="cn")
    draft = make_notice(publish=False)
    with pytest.raises(ApplicationError) as caught:
        services.notice_kind_change(notice=draft, by=officer, kind="tender")
    assert "kind" in caught.value.fields
    with pytest.raises(Forbidden):
        services.notice_kind_change(notice=draft, by=other_officer, kind="cn")
    assert Notice.objects.get(pk=draft.pk).kind == "national"
    assert not NoticeEvent.objects.filter(kind=NoticeEventKind.KIND_CHANGED).exists()


def test_the_preview_offers_the_conversion_it_asks_for(client: Any, above_eea: Notice,
                                                       officer: Any) -> None:
    client.force_login(officer)
    url = f"/workspace/notices/{above_eea.pk}/"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="convert-kind"' in html and "Change the type to “Contract notice (EEA)”" in html
    response = client.post(f"{url}kind/", {"kind": "cn"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Converted: the preview no longer asks for another type (the TED texts are still to fill).
    assert "Publish it as “Contract notice (EEA)” instead" not in html
    assert 'id="convert-kind"' not in html
    assert "Everything else in the draft is kept" in html
    assert Notice.objects.get(pk=above_eea.pk).lots.count() == 2


def test_the_edit_form_changes_the_type_of_a_draft(client: Any, above_eea: Notice,
                                                   officer: Any, make_notice: Any) -> None:
    client.force_login(officer)
    edit = f"/workspace/notices/{above_eea.pk}/edit/"
    assert 'name="kind"' in client.get(edit).content.decode()
    response = client.post(edit, form_data(kind="cn", estimated_value="3 000 000",
                                           next="edit"))
    assert response.status_code == 302
    assert Notice.objects.get(pk=above_eea.pk).kind == "cn"
    assert NoticeEvent.objects.filter(notice=above_eea,
                                      kind=NoticeEventKind.KIND_CHANGED).count() == 1
    # A published notice's change form has no type to choose.
    published = make_notice()
    assert 'name="kind"' not in client.get(
        f"/workspace/notices/{published.pk}/change/").content.decode()


def test_the_api_changes_the_type_of_a_draft(api_for: Any, above_eea: Notice, officer: Any,
                                             make_notice: Any) -> None:
    api = api_for(officer)
    url = f"/api/notices/{above_eea.pk}/kind/"
    bad = api.post(url, {"kind": "tender"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["fields"]
    response = api.post(url, {"kind": "cn"}, format="json")
    assert response.status_code == 200 and response.json()["kind"] == "cn"
    published = make_notice()
    refused = api.post(f"/api/notices/{published.pk}/kind/", {"kind": "cn"}, format="json")
    assert refused.status_code == 409
    assert Notice.objects.get(pk=published.pk).kind == "national"
