"""Saved searches: CRUD with the four actors, and digests that are never sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from notices.following import saved_searches
from notices.following.models import DigestDelivery, SavedSearch
from notices.following.saved_searches import saved_search_create, saved_search_send_digests

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_site")]


URL = "/api/saved-searches/"


# --- the API with the four actors ---------------------------------------------------------

def test_it_saves_a_search_for_a_supplier(api_for, supplier_user):
    response = api_for(supplier_user).post(URL, {
        "name": "Bygg i Vestland", "query": {"cpv": "45000000", "nuts": "NO0A", "q": "tømrer",
                                             "page": "3", "bogus": "x"},
        "frequency": "weekly"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["query"] == {"cpv": "45000000", "nuts": "NO0A", "q": "tømrer"}
    assert body["frequency"] == "weekly"
    saved = SavedSearch.objects.get()
    assert body["feed_url"].endswith(f"/feeds/saved/{saved.feed_token}/")
    assert len(saved.feed_token) >= 40
    assert "cpv=45000000" in body["search_url"]


def test_it_refuses_bad_filters_with_a_message(api_for, supplier_user):
    response = api_for(supplier_user).post(URL, {"name": "x", "query": {"cpv": "bygg"}},
                                           format="json")
    assert response.status_code == 400
    assert "cpv" in response.json()["error"]["fields"]
    response = api_for(supplier_user).post(URL, {"name": "x", "frequency": "hourly"},
                                           format="json")
    assert response.status_code == 400
    response = api_for(supplier_user).post(URL, {"name": "", "query": []}, format="json")
    assert response.status_code == 400


def test_it_is_for_suppliers_only(api_for, officer, other_officer):
    for user in (officer, other_officer):
        response = api_for(user).post(URL, {"name": "x"}, format="json")
        assert response.status_code == 403
    assert api_for(None).post(URL, {"name": "x"}, format="json").status_code == 401
    assert api_for(None).get(URL).status_code == 401


def test_only_the_owner_sees_and_changes_a_saved_search(api_for, supplier_user,
                                                        other_supplier_user, other_officer,
                                                        now):
    saved = saved_search_create(user=supplier_user, name="Vask", params={"q": "vask"}, now=now)
    detail = f"{URL}{saved.pk}/"
    owner = api_for(supplier_user)
    assert [s["id"] for s in owner.get(URL).json()] == [saved.pk]
    for user in (other_supplier_user, other_officer):
        client = api_for(user)
        assert client.get(URL).json() == []
        assert client.get(detail).status_code == 404
        assert client.patch(detail, {"name": "mine"}, format="json").status_code == 404
        assert client.delete(detail).status_code == 404
    assert api_for(None).get(detail).status_code == 401
    response = owner.patch(detail, {"name": "Renhold", "frequency": "immediate",
                                    "query": {"q": "renhold", "kind": "national"}},
                           format="json")
    assert response.status_code == 200
    assert response.json()["query"] == {"q": "renhold", "kind": "national"}
    assert owner.delete(detail).status_code == 204
    assert not SavedSearch.objects.exists()


# --- digests ------------------------------------------------------------------------------

@pytest.fixture
def saved(supplier_user, now):
    return saved_search_create(user=supplier_user, name="Bygg", params={"cpv": "45000000"},
                               frequency="daily", now=now)


def test_the_digest_sends_new_matching_notices_once(saved, make_notice, now):
    matching = make_notice(at=now + timedelta(hours=1), title="Tømrerarbeider skole")
    other = make_notice(at=now + timedelta(hours=1), title="IT-drift", cpv_main="72000000")
    assert saved_search_send_digests(now=now + timedelta(hours=2)) == 1
    [digest] = mail.outbox
    assert digest.to == ["anna@fjordbygg.example"]
    assert matching.reference in digest.body and other.reference not in digest.body
    # Running the task again, at once or a day later, sends nothing twice.
    assert saved_search_send_digests(now=now + timedelta(hours=2)) == 0
    assert saved_search_send_digests(now=now + timedelta(days=1, hours=3)) == 0
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.filter(saved_search=saved).count() == 1


def test_the_next_digest_has_only_the_new_notices(saved, make_notice, now):
    first = make_notice(at=now + timedelta(hours=1))
    saved_search_send_digests(now=now + timedelta(hours=2))
    second = make_notice(at=now + timedelta(hours=5))
    # Not due yet: daily.
    assert saved_search_send_digests(now=now + timedelta(hours=6)) == 0
    assert saved_search_send_digests(now=now + timedelta(days=1, hours=2)) == 1
    assert len(mail.outbox) == 2
    assert second.reference in mail.outbox[1].body
    assert first.reference not in mail.outbox[1].body


def test_it_ignores_notices_published_before_the_search_was_saved(supplier_user, make_notice,
                                                                  now):
    make_notice(at=now - timedelta(hours=1))
    saved_search_create(user=supplier_user, name="Alt", params={}, frequency="immediate",
                        now=now)
    assert saved_search_send_digests(now=now + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_an_immediate_search_is_sent_on_the_next_tick(supplier_user, make_notice, now):
    saved_search_create(user=supplier_user, name="Alt", params={}, frequency="immediate",
                        now=now)
    saved_search_send_digests(now=now + timedelta(minutes=1))
    notice = make_notice(at=now + timedelta(minutes=2))
    assert saved_search_send_digests(now=now + timedelta(minutes=3)) == 1
    assert notice.reference in mail.outbox[0].body


def test_a_weekly_search_waits_a_week(supplier_user, make_notice, now):
    saved_search_create(user=supplier_user, name="Alt", params={}, frequency="weekly", now=now)
    saved_search_send_digests(now=now + timedelta(minutes=1))
    make_notice(at=now + timedelta(days=1))
    assert saved_search_send_digests(now=now + timedelta(days=3)) == 0
    assert saved_search_send_digests(now=now + timedelta(days=7, minutes=2)) == 1


def test_a_failed_send_is_retried_and_not_recorded(saved, make_notice, now, monkeypatch):
    make_notice(at=now + timedelta(hours=1))

    def boom(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", boom)
    assert saved_search_send_digests(now=now + timedelta(hours=2)) == 0
    assert not DigestDelivery.objects.exists()
    monkeypatch.undo()
    assert saved_search_send_digests(now=now + timedelta(hours=3)) == 1
    assert saved_search_send_digests(now=now + timedelta(hours=3)) == 0
    assert len(mail.outbox) == 1


def test_filters_the_search_no_longer_understands_are_ignored(supplier_user, make_notice, now):
    saved = saved_search_create(user=supplier_user, name="Bygg", params={"cpv": "45000000"},
                                now=now)
    SavedSearch.objects.filter(pk=saved.pk).update(
        params={"cpv": "45000000", "retired_filter": "x", "kind": "no-such-kind"})
    saved.refresh_from_db()
    filters = saved_searches.search_filters(saved.params)
    assert filters.cpv == "45000000"
    assert filters.kind == ""


def test_the_digest_task_is_idempotent(supplier_user, make_notice, now):
    from notices.following import tasks as following_tasks

    saved_search_create(user=supplier_user, name="Alt", params={"cpv": "45000000"},
                        frequency="immediate", now=now - timedelta(days=2))
    make_notice(at=now - timedelta(hours=1))
    assert following_tasks.send_digests.apply().get() == 1
    assert following_tasks.send_digests.apply().get() == 0
    assert len(mail.outbox) == 1


def test_run_scheduler_once_sends_due_digests(supplier_user, make_notice, now):
    saved = saved_search_create(user=supplier_user, name="Alt", params={}, frequency="daily",
                                now=now - timedelta(days=3))
    make_notice(at=now - timedelta(days=1))
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")
    assert len(mail.outbox) == 1
    saved.refresh_from_db()
    assert saved.last_sent_at is not None


# --- the web page -------------------------------------------------------------------------

def test_the_page_saves_the_current_search(client, supplier_user):
    client.force_login(supplier_user)
    page = client.get(reverse("following:saved-searches") + "?q=vask&cpv=45000000&page=2")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="q=vask&amp;cpv=45000000"' in html
    response = client.post(reverse("following:saved-searches"), {
        "name": "Vask", "frequency": "daily", "query": "q=vask&cpv=45000000"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=supplier_user)
    assert saved.params == {"q": "vask", "cpv": "45000000"}
    html = client.get(reverse("following:saved-searches")).content.decode()
    assert f"/feeds/saved/{saved.feed_token}/" in html
    client.post(reverse("following:saved-search-delete", kwargs={"pk": saved.pk}))
    assert not SavedSearch.objects.exists()


def test_the_page_shows_errors_next_to_the_field(client, supplier_user):
    client.force_login(supplier_user)
    response = client.post(reverse("following:saved-searches"), {
        "name": "", "frequency": "daily", "query": "cpv=bygg"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post(reverse("following:saved-searches"), {
        "name": "x", "frequency": "daily", "query": "cpv=bygg"})
    assert response.status_code == 400
    assert "invalid filters" in response.content.decode()


def test_another_user_cannot_delete_my_search(client, supplier_user, other_supplier_user, now):
    saved = saved_search_create(user=supplier_user, name="Vask", params={}, now=now)
    client.force_login(other_supplier_user)
    response = client.post(reverse("following:saved-search-delete", kwargs={"pk": saved.pk}))
    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_the_page_needs_sign_in(client):
    assert client.get(reverse("following:saved-searches")).status_code == 302


def test_the_digest_is_written_in_the_persons_own_language(supplier_user, make_notice,
                                                           settings):
    from django.core import mail

    settings.LANGUAGE_CODE = "nb"  # the site speaks bokmål; this person chose English
    from accounts.models import User
    from notices.following import saved_searches as ss

    User.objects.filter(pk=supplier_user.pk).update(language="en")
    supplier_user.refresh_from_db()
    saved = ss.saved_search_create(user=supplier_user, name="Bygg", params={"cpv": "45000000"},
                                   frequency="immediate")
    make_notice(cpv_main="45000000")
    ss.saved_search_send_digests()
    [sent] = [m for m in mail.outbox if m.to == [supplier_user.email]]
    assert "new notices for “Bygg”" in sent.subject and saved.name in sent.body
