"""API tokens (django-rest-knox): hashed at rest, expiring, several per user, revocable."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, User
from tests.conftest import api_token_for

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _sign_in(api_for, user: User, name: str = ""):
    return api_for(None).post("/api/auth/token/", {"email": user.email, "password": PASSWORD,
                                                   "name": name}, format="json")


def _client_with(api_for, secret: str):
    client = api_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_it_stores_only_a_digest_of_the_token(api_for, officer):
    body = _sign_in(api_for, officer, "Laptop").json()
    secret = body["token"]
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    row = ApiToken.objects.get(user=officer)
    assert secret not in {row.digest, row.token_key, str(row.public_id)}
    assert len(row.digest) == 128  # SHA-512 hex
    values = [str(v) for v in ApiToken.objects.values_list(flat=False).get()]
    assert not any(secret in value for value in values)


def test_it_gives_several_tokens_that_work_side_by_side(api_for, officer):
    laptop = _sign_in(api_for, officer, "Laptop").json()
    script = _sign_in(api_for, officer, "Nightly export").json()
    assert laptop["token"] != script["token"]
    for body in (laptop, script):
        assert _client_with(api_for, body["token"]).get("/api/me/").json()["email"] == \
            officer.email


def test_it_lists_my_tokens_without_secrets(api_for, officer, other_officer):
    first = _sign_in(api_for, officer, "Laptop").json()
    _sign_in(api_for, officer, "Nightly export")
    api_token_for(other_officer, "not mine")
    client = _client_with(api_for, first["token"])
    listed = client.get("/api/auth/tokens/")
    assert listed.status_code == 200
    names = sorted(t["name"] for t in listed.json())
    assert names == ["Laptop", "Nightly export"]
    assert first["token"] not in listed.content.decode()
    row = next(t for t in listed.json() if t["name"] == "Laptop")
    assert set(row) == {"id", "name", "created", "expires_at", "last_used_at"}
    assert row["last_used_at"] is not None  # this very request used it


def test_it_revokes_one_token_and_leaves_the_others(api_for, officer):
    laptop = _sign_in(api_for, officer, "Laptop").json()
    script = _sign_in(api_for, officer, "Script").json()
    client = _client_with(api_for, script["token"])
    assert client.delete(f"/api/auth/tokens/{laptop['id']}/").status_code == 204
    assert _client_with(api_for, laptop["token"]).get("/api/me/").status_code == 401
    assert client.get("/api/me/").status_code == 200


def test_it_cannot_revoke_another_users_token(api_for, officer, other_officer):
    theirs = _sign_in(api_for, other_officer, "Theirs").json()
    response = api_for(officer).delete(f"/api/auth/tokens/{theirs['id']}/")
    assert response.status_code == 404
    assert _client_with(api_for, theirs["token"]).get("/api/me/").status_code == 200


def test_it_revokes_the_token_in_use_or_all(api_for, officer):
    one = _sign_in(api_for, officer, "One").json()
    two = _sign_in(api_for, officer, "Two").json()
    three = _sign_in(api_for, officer, "Three").json()
    assert _client_with(api_for, one["token"]).post("/api/auth/token/revoke/").status_code == 204
    assert _client_with(api_for, one["token"]).get("/api/me/").status_code == 401
    assert _client_with(api_for, two["token"]).get("/api/me/").status_code == 200
    response = _client_with(api_for, two["token"]).post("/api/auth/tokens/revoke-all/")
    assert response.status_code == 204
    for body in (two, three):
        assert _client_with(api_for, body["token"]).get("/api/me/").status_code == 401
    assert not ApiToken.objects.filter(user=officer).exists()


def test_it_refuses_an_expired_token(api_for, officer, settings):
    body = _sign_in(api_for, officer).json()
    token = ApiToken.objects.get(user=officer)
    assert token.expiry - token.created == timedelta(days=settings.ANBUD_API_TOKEN_DAYS)
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _client_with(api_for, body["token"]).get("/api/me/").status_code == 401


def test_an_expired_token_is_deleted_when_presented_and_the_rest_when_a_token_is_made(
        api_for: Any, officer: User) -> None:
    first = _sign_in(api_for, officer, "Laptop").json()
    second = _sign_in(api_for, officer, "Script").json()
    ApiToken.objects.filter(user=officer).update(expiry=timezone.now() - timedelta(seconds=1))
    # Presented: refused and deleted; the other expired one is not read on this request.
    assert _client_with(api_for, first["token"]).get("/api/me/").status_code == 401
    assert list(ApiToken.objects.filter(user=officer).values_list("name", flat=True)) == [
        "Script"]
    # Swept when the user makes a new token; the new one works.
    third = _sign_in(api_for, officer, "New laptop").json()
    assert list(ApiToken.objects.filter(user=officer).values_list("name", flat=True)) == [
        "New laptop"]
    assert _client_with(api_for, second["token"]).get("/api/me/").status_code == 401
    assert _client_with(api_for, third["token"]).get("/api/me/").status_code == 200


def test_a_token_costs_one_query_to_check(api_for: Any, officer: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = _sign_in(api_for, officer, "Laptop").json()
    _sign_in(api_for, officer, "Other")
    client = _client_with(api_for, body["token"])
    client.get("/api/me/")  # records its last use (once an interval)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/me/").status_code == 200
    assert sum('"accounts_apitoken"' in q["sql"] for q in queries.captured_queries) == 1


def test_it_revokes_all_tokens_when_the_password_is_reset(client, api_for, officer):
    secret = _sign_in(api_for, officer, "Laptop").json()["token"]
    from django.core import mail

    client.post("/accounts/password-reset/", {"email": officer.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    done = client.post(form.redirect_chain[-1][0], {
        "new_password1": "a much newer passphrase", "new_password2": "a much newer passphrase"})
    assert done.status_code == 302
    assert _client_with(api_for, secret).get("/api/me/").status_code == 401
    assert not ApiToken.objects.filter(user=officer).exists()


def test_it_revokes_all_tokens_when_staff_change_the_password_in_the_admin(client, api_for,
                                                                           officer):
    secret = _sign_in(api_for, officer).json()["token"]
    staff = User.objects.create_superuser(email="staff@anbud.example", password=PASSWORD)
    client.force_login(staff)
    response = client.post(f"/admin/accounts/user/{officer.pk}/password/", {
        "password1": "a much newer passphrase", "password2": "a much newer passphrase",
        "usable_password": "true"})
    assert response.status_code == 302, response.content
    officer.refresh_from_db()
    assert officer.check_password("a much newer passphrase")
    assert _client_with(api_for, secret).get("/api/me/").status_code == 401


def test_it_revokes_all_tokens_in_the_password_service(officer):
    api_token_for(officer)
    services.user_password_set(user=officer, password="a much newer passphrase")
    assert not ApiToken.objects.filter(user=officer).exists()


def test_it_shows_no_secret_in_the_admin(client, api_for, officer):
    secret = _sign_in(api_for, officer, "Laptop").json()["token"]
    staff = User.objects.create_superuser(email="staff@anbud.example", password=PASSWORD)
    client.force_login(staff)
    token = ApiToken.objects.get(user=officer)
    for url in ("/admin/", "/admin/accounts/apitoken/",
                f"/admin/accounts/apitoken/{token.pk}/change/",
                f"/admin/accounts/user/{officer.pk}/change/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert secret not in page.content.decode()


def test_it_caps_the_number_of_tokens_per_user(officer, settings):
    settings.ANBUD_API_TOKENS_PER_USER = 2
    services.api_token_create(user=officer, name="a")
    services.api_token_create(user=officer, name="b")
    from backend.errors import ApplicationError

    with pytest.raises(ApplicationError, match="Revoke one"):
        services.api_token_create(user=officer, name="c")
