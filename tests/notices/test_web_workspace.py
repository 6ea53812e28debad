"""The authority workspace: drafts, preview, publish, documents, change notices, cancel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from notices.forms import local_input
from notices.models import Notice, NoticeStatus

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    start = timezone.now()
    data = {
        "kind": "national", "title": "Vedlikehold av kommunale bygg",
        "description": "Rammeavtale om snekkerarbeid.", "contract_type": "works",
        "procedure_type": "open", "cpv_main": "45000000", "cpv_additional": "",
        "nuts": "NO0A2", "estimated_value": "1 800 000",
        "submission_deadline": local_input(start + timedelta(days=25)),
        "question_deadline": local_input(start + timedelta(days=15)),
        "accelerated_reason": "", "duration_months": "24", "tender_validity_days": "90",
        "lots-TOTAL_FORMS": "3", "lots-INITIAL_FORMS": "0",
        "lots-MIN_NUM_FORMS": "0", "lots-MAX_NUM_FORMS": "1000",
        "next": "preview",
    }
    for n in range(3):
        for name in ("title", "description", "cpv", "estimated_value"):
            data[f"lots-{n}-{name}"] = ""
    data.update(overrides)
    return data


def test_it_requires_sign_in_for_the_workspace(client):
    response = client.get("/workspace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_lists_the_authoritys_notices_in_the_workspace(client, officer, make_notice):
    make_notice(title="Mitt utkast", publish=False)
    client.force_login(officer)
    page = client.get("/workspace/").content.decode()
    assert "Mitt utkast" in page and "Utkast" in page


def test_it_creates_a_draft_from_the_form(client, officer, authority):
    client.force_login(officer)
    assert client.get("/workspace/notices/new/").status_code == 200
    data = form_data()
    data["lots-0-title"] = "Snekker"
    data["lots-0-cpv"] = "45420000"
    data["lots-0-estimated_value"] = "900000"
    response = client.post("/workspace/notices/new/", data)
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/notices/{notice.pk}/"
    assert notice.status == NoticeStatus.DRAFT and notice.buyer == authority
    assert notice.estimated_value == 1800000
    assert [lot.title for lot in notice.lots.all()] == ["Snekker"]
    # Datetime-local input is Oslo time.
    assert local_input(notice.submission_deadline) == data["submission_deadline"]


def test_it_explains_service_errors_next_to_the_field_and_in_a_summary(client, officer):
    client.force_login(officer)
    response = client.post("/workspace/notices/new/", form_data(cpv_main="4500"))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in page
    assert "er ikke en CPV-kode" in page
    assert 'href="#id_cpv_main"' in page
    assert 'aria-describedby="id_cpv_main_help id_cpv_main_errors"' in page
    assert not Notice.objects.exists()


def test_it_refuses_the_notice_form_to_suppliers(client, supplier_user):
    client.force_login(supplier_user)
    assert client.get("/workspace/notices/new/").status_code == 403
    assert client.post("/workspace/notices/new/", form_data()).status_code == 403
    assert not Notice.objects.exists()


def test_it_previews_a_draft_with_its_problems_and_a_disabled_publish_button(
        client, officer, make_notice):
    draft = make_notice(publish=False, description="", estimated_value=None)
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{draft.pk}/").content.decode()
    assert "Før du kan publisere" in page
    assert "Beskriv hva som skal kjøpes." in page
    assert re.search(r'id="publish-button"\s+disabled', page)


def test_it_publishes_from_the_preview_for_the_owner(client, officer, make_notice):
    draft = make_notice(publish=False)
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{draft.pk}/").content.decode()
    assert "Klar til publisering" in page
    response = client.post(f"/workspace/notices/{draft.pk}/publish/")
    assert response.status_code == 302 and response["Location"] == f"/notices/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.PUBLISHED


def test_it_shows_why_publishing_failed(client, officer, make_notice):
    draft = make_notice(publish=False, description="")
    client.force_login(officer)
    response = client.post(f"/workspace/notices/{draft.pk}/publish/")
    assert response.status_code == 400
    assert "Beskriv hva som skal kjøpes." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT


@pytest.mark.parametrize("actor", ["supplier_user", "other_officer"])
def test_it_does_not_let_others_publish_or_edit(client, make_notice, actor, request):
    draft = make_notice(publish=False)
    client.force_login(request.getfixturevalue(actor))
    for url in ("", "edit/", "documents/", "delete/"):
        assert client.get(f"/workspace/notices/{draft.pk}/{url}").status_code == 404
    assert client.post(f"/workspace/notices/{draft.pk}/publish/").status_code == 404
    assert client.post(f"/workspace/notices/{draft.pk}/edit/", form_data()).status_code == 404
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT


def test_it_sends_anonymous_publishers_to_sign_in(client, make_notice):
    draft = make_notice(publish=False)
    response = client.post(f"/workspace/notices/{draft.pk}/publish/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    draft.refresh_from_db()
    assert draft.status == NoticeStatus.DRAFT


def test_it_edits_a_draft(client, officer, make_notice):
    draft = make_notice(publish=False, lots=[{"title": "Del A", "cpv": "45000000"}])
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{draft.pk}/edit/").content.decode()
    assert 'value="Del A"' in page
    data = form_data(title="Nytt navn", next="edit")
    data.pop("kind")
    data.update({"lots-0-title": "Del A", "lots-0-cpv": "45000000", "lots-INITIAL_FORMS": "1"})
    response = client.post(f"/workspace/notices/{draft.pk}/edit/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Nytt navn" and draft.lots.count() == 1


def test_it_uploads_a_document_with_a_normal_form_post(client, officer, make_notice):
    notice = make_notice(publish=False)
    client.force_login(officer)
    upload = SimpleUploadedFile("krav.pdf", b"%PDF-1.4 krav", content_type="application/pdf")
    response = client.post(f"/workspace/notices/{notice.pk}/documents/",
                           {"file": upload, "document": "", "title": "Kravspesifikasjon"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Kravspesifikasjon" in page and "krav.pdf" in page


def test_it_uploads_a_new_version_by_xhr_and_answers_json(client, officer, make_notice):
    notice = make_notice(submission_deadline=timezone.now() + timedelta(days=22))
    client.force_login(officer)
    first = SimpleUploadedFile("krav.pdf", b"v1")
    client.post(f"/workspace/notices/{notice.pk}/documents/", {"file": first})
    document = notice.documents.get()
    second = SimpleUploadedFile("krav.pdf", b"v2")
    response = client.post(f"/workspace/notices/{notice.pk}/documents/",
                           {"file": second, "document": str(document.pk), "note": "Nytt vedlegg"},
                           HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True
    assert document.versions.count() == 2
    bad = SimpleUploadedFile("virus.exe", b"MZ")
    response = client.post(f"/workspace/notices/{notice.pk}/documents/", {"file": bad},
                           HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 400
    assert "kan ikke publiseres" in " ".join(response.json()["errors"])


def test_it_shows_the_change_diff_before_publishing_it(client, officer, make_notice):
    notice = make_notice()
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{notice.pk}/change/").content.decode()
    assert f'value="{notice.title}"' in page
    data = form_data(title="Nytt navn på oppdraget", reason="Tittelen var misvisende.",
                     submission_deadline=local_input(notice.submission_deadline),
                     question_deadline=local_input(notice.question_deadline))
    data.pop("kind")
    data.pop("next")
    data["estimated_value"] = "1800000"
    review = client.post(f"/workspace/notices/{notice.pk}/change/", data)
    page = review.content.decode()
    assert review.status_code == 200
    assert "Kontroller endringen før du publiserer den" in page
    assert "Nytt navn på oppdraget" in page and "<del>" in page
    diff_table = re.search(r'<table class="diff">.*?</table>', page, re.S).group(0)
    # Untouched deadlines keep their exact time although the input shows minutes only.
    assert "Tilbudsfrist" not in diff_table and "Tittel" in diff_table
    notice.refresh_from_db()
    assert notice.version == 1 and notice.title != "Nytt navn på oppdraget"
    response = client.post(f"/workspace/notices/{notice.pk}/change/", {**data, "confirm": "1"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.version == 2 and notice.title == "Nytt navn på oppdraget"


def test_it_refuses_a_change_notice_without_changes(client, officer, make_notice):
    deadline = (timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
    notice = make_notice(submission_deadline=deadline,
                         question_deadline=deadline - timedelta(days=10))
    client.force_login(officer)
    data = form_data(title=notice.title, description=notice.description, reason="Ingen",
                     estimated_value="1800000",
                     submission_deadline=local_input(notice.submission_deadline),
                     question_deadline=local_input(notice.question_deadline))
    data.pop("kind")
    response = client.post(f"/workspace/notices/{notice.pk}/change/", data)
    assert response.status_code == 400
    assert "Ingenting er endret" in response.content.decode()


def test_it_cancels_only_with_a_ground_reasons_and_confirmation(client, officer, make_notice):
    notice = make_notice()
    client.force_login(officer)
    page = client.get(f"/workspace/notices/{notice.pk}/")
    assert f"/evaluation/notices/{notice.pk}/cancel/" in page.content.decode()
    response = client.post(f"/evaluation/notices/{notice.pk}/cancel/",
                           {"reasons": "Behovet er falt bort.", "confirm": "on"})
    assert response.status_code == 400
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    response = client.post(f"/evaluation/notices/{notice.pk}/cancel/",
                           {"ground": "changed_needs", "reasons": "Behovet er falt bort.",
                            "confirm": "on"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CANCELLED


def test_it_deletes_a_draft_after_confirmation(client, officer, make_notice):
    draft = make_notice(publish=False)
    client.force_login(officer)
    assert client.get(f"/workspace/notices/{draft.pk}/delete/").status_code == 200
    response = client.post(f"/workspace/notices/{draft.pk}/delete/")
    assert response.status_code == 302
    assert not Notice.objects.filter(pk=draft.pk).exists()


def test_it_explains_a_lot_without_a_title_and_links_to_the_lots(client, officer):
    client.force_login(officer)
    response = client.post("/workspace/notices/new/", form_data(**{"lots-0-cpv": "45420000"}))
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#lots">Delkontrakt 1 må ha en tittel.</a>' in page
    assert 'id="lots-errors"' in page
    assert not Notice.objects.exists()


def test_it_asks_officers_of_several_authorities_which_one_buys(client, officer,
                                                                 other_authority):
    from accounts.models import Membership, Role

    Membership.objects.create(user=officer, organization=other_authority,
                              role=Role.PROCUREMENT_OFFICER)
    client.force_login(officer)
    page = client.get("/workspace/notices/new/").content.decode()
    assert '<select name="buyer"' in page and "Statens vegvesen" in page
    response = client.post("/workspace/notices/new/",
                           form_data(buyer=str(other_authority.pk)))
    assert response.status_code == 302
    assert Notice.objects.get().buyer == other_authority
