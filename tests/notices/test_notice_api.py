"""Notice endpoints with four actors: the owner, another supplier, another authority, anonymous."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notices.models import DocumentVersion, Notice, NoticeStatus

pytestmark = pytest.mark.django_db

ACTORS = ["owner", "supplier", "other_authority", "anonymous"]


@pytest.fixture
def actor_client(api_for, officer, supplier_user, other_officer):
    users = {"owner": officer, "supplier": supplier_user, "other_authority": other_officer,
             "anonymous": None}
    return lambda name: api_for(users[name])


def _create_body(now, **overrides):
    body = {
        "kind": "national", "title": "Vask av arbeidstøy", "description": "Vask og leie.",
        "contract_type": "services", "procedure_type": "open", "cpv_main": "98310000",
        "nuts": "NO0A2", "estimated_value": "1500000.00",
        "submission_deadline": (now + timedelta(days=20)).isoformat(),
        "question_deadline": (now + timedelta(days=10)).isoformat(),
        "lots": [{"title": "Sykehjem", "cpv": "98310000", "estimated_value": "700000"}],
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 201), ("supplier", 403), ("other_authority", 403), ("anonymous", 401)])
def test_create_for_the_authority(actor_client, actor, expected, authority, now):
    response = actor_client(actor).post("/api/notices/", _create_body(now, buyer=authority.pk),
                                        format="json")
    assert response.status_code == expected, response.content
    assert Notice.objects.count() == (1 if expected == 201 else 0)
    if expected == 201:
        data = response.json()
        assert data["status"] == "draft" and data["lots"][0]["title"] == "Sykehjem"
    else:
        assert "error" in response.json()


def test_another_authority_creates_for_itself_only(actor_client, other_authority, now):
    response = actor_client("other_authority").post("/api/notices/", _create_body(now),
                                                    format="json")
    assert response.status_code == 201
    assert Notice.objects.get().buyer == other_authority


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 200), ("supplier", 404), ("other_authority", 404), ("anonymous", 404)])
def test_read_a_draft(actor_client, make_notice, actor, expected):
    notice = make_notice(publish=False)
    assert actor_client(actor).get(f"/api/notices/{notice.pk}/").status_code == expected
    assert actor_client(actor).get(f"/api/notices/{notice.pk}/versions/").status_code == expected
    assert actor_client(actor).get(f"/api/notices/{notice.pk}/documents/").status_code == expected


@pytest.mark.parametrize("actor", ACTORS)
def test_read_a_published_notice(actor_client, make_notice, actor):
    notice = make_notice()
    response = actor_client(actor).get(f"/api/notices/{notice.pk}/")
    assert response.status_code == 200
    assert response.json()["reference"] == notice.reference
    assert actor_client(actor).get(f"/api/notices/{notice.pk}/versions/").json()[0]["number"] == 1


@pytest.mark.parametrize("actor", ACTORS)
def test_the_public_list_never_shows_drafts(actor_client, make_notice, actor):
    published = make_notice()
    make_notice(publish=False, title="Hemmelig utkast")
    data = actor_client(actor).get("/api/notices/").json()
    assert data["count"] == 1
    assert [item["reference"] for item in data["results"]] == [published.reference]


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 200), ("supplier", 404), ("other_authority", 404), ("anonymous", 401)])
def test_edit_a_draft(actor_client, make_notice, actor, expected):
    notice = make_notice(publish=False)
    response = actor_client(actor).patch(f"/api/notices/{notice.pk}/", {"title": "Endret"},
                                         format="json")
    assert response.status_code == expected
    notice.refresh_from_db()
    assert (notice.title == "Endret") == (expected == 200)


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 200), ("supplier", 404), ("other_authority", 404), ("anonymous", 401)])
def test_publish(actor_client, make_notice, actor, expected):
    notice = make_notice(publish=False)
    response = actor_client(actor).post(f"/api/notices/{notice.pk}/publish/")
    assert response.status_code == expected
    notice.refresh_from_db()
    assert (notice.status == NoticeStatus.PUBLISHED) == (expected == 200)


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 204), ("supplier", 404), ("other_authority", 404), ("anonymous", 401)])
def test_delete_a_draft(actor_client, make_notice, actor, expected):
    notice = make_notice(publish=False)
    assert actor_client(actor).delete(f"/api/notices/{notice.pk}/").status_code == expected
    assert Notice.objects.filter(pk=notice.pk).exists() == (expected != 204)


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 201), ("supplier", 403), ("other_authority", 403), ("anonymous", 401)])
def test_publish_a_change_notice(actor_client, make_notice, actor, expected):
    notice = make_notice()
    response = actor_client(actor).post(f"/api/notices/{notice.pk}/changes/", {
        "reason": "Rettet tittel", "title": "Vask og leie av arbeidstøy"}, format="json")
    assert response.status_code == expected
    notice.refresh_from_db()
    assert notice.versions.count() == (2 if expected == 201 else 1)
    if expected == 201:
        assert response.json()["diff"][0]["field"] == "title"


def test_the_notice_alone_is_not_cancelled_through_the_api(actor_client, make_notice):
    """A cancellation needs its legal ground and letters to everyone who took part: it is
    `POST /api/evaluation/notices/{id}/cancel` (evaluation.cancellation), not a notice route."""
    notice = make_notice()
    response = actor_client("owner").post(f"/api/notices/{notice.pk}/cancel/",
                                          {"reason": "Behovet er borte"}, format="json")
    assert response.status_code == 404
    response = actor_client("owner").post(
        f"/api/evaluation/notices/{notice.pk}/cancel",
        {"ground": "changed_needs", "reasons": "Behovet er falt bort etter omorganisering."},
        format="json")
    assert response.status_code == 201, response.content
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CANCELLED


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 201), ("supplier", 403), ("other_authority", 403), ("anonymous", 401)])
def test_upload_a_document(actor_client, make_notice, actor, expected):
    notice = make_notice()
    upload = SimpleUploadedFile("kravspesifikasjon.pdf", b"%PDF-1.4 test\n" * 100)
    response = actor_client(actor).post(f"/api/notices/{notice.pk}/documents/",
                                        {"file": upload, "title": "Kravspesifikasjon"},
                                        format="multipart")
    assert response.status_code == expected, response.content
    assert DocumentVersion.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize("actor", ACTORS)
def test_download_a_published_document_without_an_account(actor_client, make_notice, officer,
                                                          actor):
    import hashlib

    notice = make_notice()
    content = b"Konkurransegrunnlag\n" * 1000
    owner = actor_client("owner")
    created = owner.post(f"/api/notices/{notice.pk}/documents/",
                         {"file": SimpleUploadedFile("grunnlag.pdf", content)}, format="multipart")
    assert created.status_code == 201
    response = actor_client(actor).get(created.json()["download_url"])
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == content
    assert hashlib.sha256(body).hexdigest() == created.json()["sha256"]
    assert response["ETag"] == f'"{created.json()["sha256"]}"'


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 200), ("supplier", 404), ("other_authority", 404), ("anonymous", 404)])
def test_download_a_draft_document(actor_client, make_notice, actor, expected):
    notice = make_notice(publish=False)
    created = actor_client("owner").post(
        f"/api/notices/{notice.pk}/documents/",
        {"file": SimpleUploadedFile("utkast.pdf", b"%PDF draft")}, format="multipart")
    assert created.status_code == 201
    assert actor_client(actor).get(created.json()["download_url"]).status_code == expected


def test_bad_input_gets_a_clear_message_and_changes_nothing(actor_client, now):
    response = actor_client("owner").post("/api/notices/", _create_body(now, cpv_main="4500"),
                                          format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "CPV" in error["message"] and "cpv_main" in error["fields"]
    assert Notice.objects.count() == 0


def test_publishing_problems_are_listed_in_plain_words(actor_client, make_notice, now):
    notice = make_notice(publish=False, kind="cn", estimated_value="5000000",
                         submission_deadline=now + timedelta(days=12, hours=1),
                         question_deadline=now + timedelta(days=5))
    response = actor_client("owner").post(f"/api/notices/{notice.pk}/publish/")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "not_publishable"
    assert "12 days after publication" in error["message"]
    assert "at least 30 days" in error["message"]


@pytest.mark.parametrize("query", ["cpv=abc", "nuts=1", "kind=nope", "deadline_after=tomorrow",
                                   "value_min=x", "ordering=evil"])
def test_bad_search_parameters_are_refused(actor_client, query):
    response = actor_client("anonymous").get(f"/api/notices/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_search_filters(actor_client, make_notice):
    make_notice(title="Brøyting av skolegårder", cpv_main="90620000", nuts="NO081")
    make_notice(title="Vedlikehold av sykehjem", cpv_main="45453000", nuts="NO0A2")
    client = actor_client("anonymous")

    def refs(query: str) -> list[str]:
        return [item["title"] for item in client.get(f"/api/notices/?{query}").json()["results"]]

    assert refs("q=brøyting") == ["Brøyting av skolegårder"]
    assert refs("cpv=45000000") == ["Vedlikehold av sykehjem"]
    assert refs("nuts=NO08") == ["Brøyting av skolegårder"]
