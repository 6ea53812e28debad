"""Account pages: sign-in, sign-out, password reset, sign-up, invitations, members, API token."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts import services
from accounts.models import ApiToken, Membership, Organization, Role, User

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_it_signs_in_with_email_and_password(client, officer):
    page = client.get("/accounts/login/").content.decode()
    assert 'for="id_username"' in page and 'autocomplete="email"' in page
    response = client.post("/accounts/login/", {"username": "Officer@Bergen.example",
                                                "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    assert "Arbeidsområde" in client.get("/").content.decode()


def test_it_explains_a_wrong_password(client, officer):
    response = client.post("/accounts/login/", {"username": officer.email, "password": "nope"})
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "E-postadressen eller passordet er feil." in page


def test_it_signs_out_with_post_only(client, officer):
    client.force_login(officer)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/workspace/").status_code == 302


def test_it_sends_a_password_reset_link(client, officer):
    response = client.post("/accounts/password-reset/", {"email": officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(form.redirect_chain[-1][0], {
        "new_password1": "a much newer passphrase", "new_password2": "a much newer passphrase"})
    assert response.status_code == 302
    signed_in = client.post("/accounts/login/", {"username": officer.email,
                                                  "password": "a much newer passphrase"})
    assert signed_in.status_code == 302


def test_it_registers_a_supplier_and_signs_them_in(client):
    response = client.post("/accounts/signup/", {
        "name": "Fjellsnekker AS", "country": "NO", "org_number": "974 760 673",
        "full_name": "Kari Nordmann", "email": "kari@fjellsnekker.example",
        "password": PASSWORD})
    assert response.status_code == 302
    org = Organization.objects.get(org_number="974760673")
    assert org.kind == "supplier"
    assert Membership.objects.filter(organization=org, role=Role.SUPPLIER_ADMIN,
                                     user__email="kari@fjellsnekker.example").exists()
    assert "Logg ut" in client.get("/").content.decode()


def test_it_shows_org_number_errors_next_to_the_field(client):
    response = client.post("/accounts/signup/", {
        "name": "Feil AS", "country": "NO", "org_number": "974760674",
        "full_name": "Kari", "email": "kari@feil.example", "password": PASSWORD})
    page = response.content.decode()
    assert "kontrollsifferet stemmer ikke" in page
    assert 'id="id_org_number_errors"' in page
    assert not User.objects.filter(email="kari@feil.example").exists()


def test_it_registers_a_foreign_supplier_by_national_id(client):
    response = client.post("/accounts/signup/", {
        "name": "Svensk Bygg AB", "country": "SE", "national_id": "556677-8899",
        "full_name": "Sven", "email": "sven@bygg.example", "password": PASSWORD})
    assert response.status_code == 302
    assert Organization.objects.filter(country="SE", national_id="5566778899").exists()


def test_it_accepts_an_invitation_with_a_new_account(client, authority, authority_admin):
    _, token = services.invitation_create(organization=authority, email="ny@bergen.example",
                                          role=Role.PROCUREMENT_OFFICER, by=authority_admin)
    page = client.get(f"/accounts/invitation/{token}/").content.decode()
    assert "Bli med i Bergen kommune" in page
    response = client.post(f"/accounts/invitation/{token}/", {"full_name": "Ny Innkjøper",
                                                              "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    assert Membership.objects.filter(user__email="ny@bergen.example",
                                     role=Role.PROCUREMENT_OFFICER).exists()
    # The invitation is used up.
    assert client.get(f"/accounts/invitation/{token}/").status_code == 409


def test_it_explains_an_unknown_invitation(client):
    response = client.get("/accounts/invitation/not-a-token/")
    assert response.status_code == 404
    assert "Invitasjonen finnes ikke" in response.content.decode()


def test_it_lets_admins_invite_members(client, authority, authority_admin, officer,
                                       django_capture_on_commit_callbacks):
    client.force_login(authority_admin)
    page = client.get(f"/accounts/organisations/{authority.pk}/members/").content.decode()
    assert officer.email in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accounts/organisations/{authority.pk}/members/",
                               {"email": "kollega@bergen.example",
                                "role": Role.PROCUREMENT_OFFICER})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["kollega@bergen.example"]
    page = client.get(f"/accounts/organisations/{authority.pk}/members/").content.decode()
    assert "kollega@bergen.example" in page


@pytest.mark.parametrize("actor", ["officer", "supplier_user", "other_officer"])
def test_it_hides_the_members_page_from_non_admins(client, authority, actor, request):
    client.force_login(request.getfixturevalue(actor))
    assert client.get(f"/accounts/organisations/{authority.pk}/members/").status_code == 404


def test_it_creates_lists_and_revokes_api_tokens(client, supplier_user):
    client.force_login(supplier_user)
    assert "Du har ingen API-nøkkel." in client.get("/accounts/api-token/").content.decode()
    page = client.post("/accounts/api-token/", {"action": "create", "name": "Laptop"},
                       follow=True).content.decode()
    key = re.search(r'<code class="hash" translate="no">([0-9a-f]{64})</code>', page).group(1)
    token = ApiToken.objects.get(user=supplier_user)
    assert token.name == "Laptop"
    assert key not in (token.digest, token.token_key)  # only a digest is stored
    # Reloading lists the token but never shows the secret again.
    again = client.get("/accounts/api-token/").content.decode()
    assert "Laptop" in again and key not in again
    client.post("/accounts/api-token/", {"action": "create", "name": "Build server"})
    assert ApiToken.objects.filter(user=supplier_user).count() == 2
    client.post("/accounts/api-token/", {"action": "revoke", "token": str(token.public_id)})
    assert list(ApiToken.objects.filter(user=supplier_user).values_list("name", flat=True)) == [
        "Build server"]
    client.post("/accounts/api-token/", {"action": "revoke-all"})
    assert not ApiToken.objects.filter(user=supplier_user).exists()


def test_it_requires_sign_in_for_the_api_token_page(client):
    response = client.get("/accounts/api-token/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_sends_suppliers_to_the_notice_board_after_sign_in(client, supplier_user):
    response = client.post("/accounts/login/", {"username": supplier_user.email,
                                                "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_it_honours_next_after_sign_in(client, supplier_user):
    response = client.post("/accounts/login/?next=/accounts/api-token/",
                           {"username": supplier_user.email, "password": PASSWORD,
                            "next": "/accounts/api-token/"})
    assert response["Location"] == "/accounts/api-token/"
