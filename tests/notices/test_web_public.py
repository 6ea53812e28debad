"""The public notice pages: list, search, notice page, drafts, languages, Oslo time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from notices import services
from notices.documents import services as documents

pytestmark = pytest.mark.django_db

DEADLINE = datetime(2027, 1, 12, 11, 0, tzinfo=UTC)  # 12:00 in Oslo (winter time)


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def test_it_lists_published_notices_with_a_hit_count(client, make_notice):
    make_notice(title="Snøbrøyting i sentrum")
    make_notice(title="Renhold av skoler")
    make_notice(title="Uferdig utkast", publish=False)
    page = client.get("/").content.decode()
    assert "Snøbrøyting i sentrum" in page
    assert "Renhold av skoler" in page
    assert "Uferdig utkast" not in page
    assert "2 kunngjøringer" in page


def test_it_filters_with_shareable_get_parameters(client, make_notice):
    make_notice(title="Snøbrøyting i sentrum", cpv_main="90620000")
    make_notice(title="Renhold av skoler", cpv_main="90910000")
    page = client.get("/", {"q": "snøbrøyting"}).content.decode()
    assert "Snøbrøyting i sentrum" in page and "Renhold av skoler" not in page
    assert "1 kunngjøring" in page
    page = client.get("/", {"cpv": "90910000", "kind": "national"}).content.decode()
    assert "Renhold av skoler" in page and "Snøbrøyting i sentrum" not in page
    page = client.get("/", {"kind": "cn"}).content.decode()
    assert "0 kunngjøringer" in page


def test_it_paginates(client, make_notice):
    for n in range(23):
        make_notice(title=f"Kunngjøring nummer {n}")
    first = client.get("/").content.decode()
    assert "Side 1 av 2" in first
    second = client.get("/", {"page": 2}).content.decode()
    assert second.count('class="notice-card"') == 3


def test_it_shows_the_deadline_and_regime_before_the_description(client, make_notice):
    notice = make_notice(description="Dette er beskrivelsen av oppdraget.")
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    deadline = page.index("Tilbudsfrist")
    regime = page.index("del II")
    description = page.index("Dette er beskrivelsen av oppdraget.")
    assert deadline < description and regime < description
    assert "under EØS-terskelverdien" in page


def test_it_renders_times_in_oslo_time_with_the_zone_marked(client, make_notice):
    notice = make_notice(submission_deadline=DEADLINE,
                         question_deadline=DEADLINE - timedelta(days=5))
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "12. januar 2027 kl. 12:00 (norsk tid)" in page
    page = english(client).get(f"/notices/{notice.pk}/").content.decode()
    assert "12 January 2027 at 12:00 (Norwegian time)" in page


def test_it_switches_language_and_the_lang_attribute(client):
    page = client.get("/").content.decode()
    assert '<html lang="nb">' in page
    assert "Offentlige anskaffelser" in page or "Kunngjøringer" in page
    page = english(client).get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Public procurement notices" in page
    client.post("/i18n/setlang/", {"language": "nb", "next": "/"})
    assert '<html lang="nb">' in client.get("/").content.decode()


@pytest.mark.parametrize("actor", ["anonymous", "supplier_user", "other_officer"])
def test_it_hides_drafts_from_everyone_outside_the_buyer(client, make_notice, actor, request):
    draft = make_notice(publish=False)
    if actor != "anonymous":
        client.force_login(request.getfixturevalue(actor))
    assert client.get(f"/notices/{draft.pk}/").status_code == 404


def test_it_shows_a_draft_to_the_buyer_with_a_banner(client, make_notice, officer):
    draft = make_notice(publish=False)
    client.force_login(officer)
    page = client.get(f"/notices/{draft.pk}/").content.decode()
    assert "Utkast \N{EN DASH} ikke offentlig" in page


def test_it_shows_a_cancellation_banner_with_the_reason(client, make_notice, officer):
    notice = make_notice()
    services.notice_cancel(notice=notice, by=officer, reason="Behovet er falt bort.")
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Anskaffelsen er avlyst" in page
    assert "Behovet er falt bort." in page


def test_it_shows_documents_with_hash_and_download_link(client, make_notice, officer):
    notice = make_notice()
    version, _ = documents.document_upload(notice=notice, by=officer,
                                           stream=ContentFile(b"%PDF-1.4 test"),
                                           filename="konkurransegrunnlag.pdf")
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "konkurransegrunnlag.pdf" in page
    assert version.sha256 in page
    url = f"/notices/{notice.pk}/documents/{version.document_id}/v1/"
    assert url in page
    response = client.get(url)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_it_shows_the_change_history_as_a_readable_diff(client, make_notice, officer):
    notice = make_notice(submission_deadline=DEADLINE)
    services.notice_change_publish(notice=notice, by=officer, reason="Fristen forlenges.",
                                   fields={"submission_deadline": DEADLINE + timedelta(days=7)})
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Fristen forlenges." in page
    assert "Versjon 2: Endringskunngjøring" in page
    assert "12. januar 2027 12:00" in page or "12. januar 2027 kl. 12:00" in page
    assert "19. januar 2027" in page


def test_it_answers_404_for_unknown_notices(client):
    assert client.get("/notices/999999/").status_code == 404


def test_it_marks_a_passed_deadline(client, make_notice, officer):
    start = timezone.now() - timedelta(days=40)
    notice = make_notice(at=start)
    services.notice_close_due()
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Fristen er ute." in page


def test_it_offers_suppliers_to_bid_and_to_save_a_search(client, make_notice, supplier_user):
    notice = make_notice(title="Snøbrøyting i sentrum")
    assert "Lever tilbud" not in client.get(f"/notices/{notice.pk}/").content.decode()
    client.force_login(supplier_user)
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert f'href="/bids/notices/{notice.pk}/bid/"' in page
    page = client.get("/", {"q": "snøbrøyting"}).content.decode()
    assert "/saved-searches/?q=" in page
    assert "Innboks" in page


def test_it_has_a_skip_link_landmarks_and_labelled_search_fields(client):
    page = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">Hopp til hovedinnholdet</a>' in page
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in page
    for name in ("q", "kind", "status", "cpv", "nuts"):
        assert f'for="id_{name}"' in page and f'id="id_{name}"' in page
    assert 'aria-describedby="id_cpv_help"' in page
