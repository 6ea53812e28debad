"""Account endpoints: tokens, sign-up, invitations — with the four actors where it applies."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Invitation, Membership, Organization, Role, User
from accounts.services import authority_create, invitation_create

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_for_the_right_password(api_for, officer):
    client = api_for(None)
    response = client.post("/api/auth/token/", {"email": officer.email,
                                                "password": "correct horse battery staple"})
    assert response.status_code == 201
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/").json()
    assert me["email"] == officer.email
    assert me["memberships"][0]["role"] == Role.PROCUREMENT_OFFICER


def test_it_refuses_a_wrong_password_without_saying_which_part_is_wrong(api_for, officer):
    response = api_for(None).post("/api/auth/token/", {"email": officer.email, "password": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The e-mail address or password is wrong."


def test_me_needs_a_signed_in_user(api_for):
    assert api_for(None).get("/api/me/").status_code == 401


def test_a_revoked_token_stops_working(api_for, officer):
    client = api_for(officer)
    assert client.post("/api/auth/token/revoke/").status_code == 204
    assert client.get("/api/me/").status_code == 401


def _signup(**overrides):
    body = {"name": "Vestland Elektro AS", "org_number": "974760673", "full_name": "Kari Nordmann",
            "email": "kari@vestlandelektro.example", "password": "et langt passord 2026"}
    body.update(overrides)
    return body


def test_a_supplier_signs_up_itself(api_for):
    response = api_for(None).post("/api/suppliers/", _signup(), format="json")
    assert response.status_code == 201, response.content
    org = Organization.objects.get(org_number="974760673")
    assert org.kind == "supplier"
    assert Membership.objects.get(organization=org).role == Role.SUPPLIER_ADMIN
    assert org.events.filter(kind="organization.registered").exists()


def test_an_sme_says_its_company_size_at_sign_up(api_for):
    response = api_for(None).post("/api/suppliers/", _signup(company_size="small"),
                                  format="json")
    assert response.status_code == 201, response.content
    assert Organization.objects.get(org_number="974760673").company_size == "small"
    other = api_for(None).post("/api/suppliers/", _signup(
        name="Stor Entreprenør ASA", org_number="", country="SE", national_id="556677-8899",
        email="per@stor.example"), format="json")
    assert other.status_code == 201
    assert Organization.objects.get(country="SE").company_size == ""


def test_the_service_refuses_an_unknown_company_size():
    from accounts.services import supplier_signup
    from backend.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        supplier_signup(name="Vestland Elektro AS", org_number="974760673", full_name="Kari",
                        email="kari@vestlandelektro.example", password="et langt passord 2026",
                        company_size="huge")
    assert "company_size" in refused.value.fields
    assert not Organization.objects.exists() and not User.objects.exists()


def test_a_foreign_supplier_signs_up_with_country_and_national_id(api_for):
    response = api_for(None).post("/api/suppliers/", _signup(
        country="SE", org_number="", national_id="556677-8899"), format="json")
    assert response.status_code == 201
    assert Organization.objects.get(country="SE").national_id == "5566778899"


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"org_number": "974760674"}, "org_number", "check digit"),
    ({"org_number": "12345"}, "org_number", "9 digits"),
    ({"password": "123"}, "password", ""),
    ({"country": "SE", "org_number": "", "national_id": ""}, "national_id", "national"),
    ({"company_size": "huge"}, "company_size", ""),
])
def test_a_bad_signup_says_what_to_fix_and_creates_nothing(api_for, overrides, field, words):
    response = api_for(None).post("/api/suppliers/", _signup(**overrides), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"]
    assert words in error["message"]
    assert not Organization.objects.exists() and not User.objects.exists()


def test_a_duplicate_organisation_is_refused(api_for):
    assert api_for(None).post("/api/suppliers/", _signup(), format="json").status_code == 201
    again = api_for(None).post("/api/suppliers/", _signup(email="other@x.example"), format="json")
    assert again.status_code == 400
    assert "already registered" in again.json()["error"]["message"]


@pytest.mark.parametrize(("actor", "expected"), [
    ("owner", 201), ("officer", 403), ("supplier", 404), ("other_authority", 404),
    ("anonymous", 401)])
def test_inviting_to_an_authority(api_for, authority, authority_admin, officer, supplier_user,
                                  other_officer, actor, expected):
    users = {"owner": authority_admin, "officer": officer, "supplier": supplier_user,
             "other_authority": other_officer, "anonymous": None}
    response = api_for(users[actor]).post(f"/api/organizations/{authority.pk}/invitations/",
                                          {"email": "ny@bergen.example",
                                           "role": "committee_member"}, format="json")
    assert response.status_code == expected
    assert Invitation.objects.count() == (1 if expected == 201 else 0)


def test_an_invitation_is_mailed_and_accepted_once(api_for, authority, authority_admin,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invitation_create(organization=authority, email="Ny@Bergen.example",
                                              role=Role.COMMITTEE_MEMBER, by=authority_admin)
    assert len(mail.outbox) == 1 and token in mail.outbox[0].body
    assert invitation.token_hash != token  # only the hash is stored
    client = api_for(None)
    accepted = client.post("/api/invitations/accept/", {
        "token": token, "full_name": "Nils Ny", "password": "et langt passord 2026"})
    assert accepted.status_code == 201
    user = User.objects.get(email="ny@bergen.example")
    assert Membership.objects.filter(user=user, organization=authority,
                                     role=Role.COMMITTEE_MEMBER).exists()
    again = client.post("/api/invitations/accept/", {"token": token, "password": "x"})
    assert again.status_code == 409


def test_staff_create_an_authority_and_invite_its_administrator(db):
    staff = User.objects.create_superuser(email="drift@anbud.example", password="x")
    org, _token = authority_create(name="Askøy kommune", org_number="974760673",
                                  buyer_type="other", admin_email="admin@askoy.example", by=staff)
    assert org.kind == "authority" and org.buyer_type == "other"
    invitation = Invitation.objects.get(organization=org)
    assert invitation.role == Role.AUTHORITY_ADMIN and invitation.email == "admin@askoy.example"


def test_only_staff_create_authorities(officer):
    from backend.errors import Forbidden

    with pytest.raises(Forbidden):
        authority_create(name="X", org_number="974760673", buyer_type="other",
                         admin_email="a@b.example", by=officer)


def test_it_answers_a_stranger_the_same_for_a_known_and_an_unknown_organisation(
        api_for, authority, authority_admin, supplier_user):
    client = api_for(supplier_user)
    body = {"email": "ny@bergen.example", "role": "committee_member"}
    known = client.post(f"/api/organizations/{authority.pk}/invitations/", body, format="json")
    unknown = client.post(f"/api/organizations/{authority.pk + 999}/invitations/", body,
                          format="json")
    assert known.status_code == unknown.status_code == 404
    assert known.json() == unknown.json()
    assert authority.name not in known.content.decode()
    assert not Invitation.objects.exists()


def test_it_does_not_name_the_organisation_to_a_member_who_may_not_invite(api_for, authority,
                                                                          officer):
    response = api_for(officer).post(f"/api/organizations/{authority.pk}/invitations/",
                                     {"email": "ny@bergen.example", "role": "committee_member"},
                                     format="json")
    assert response.status_code == 403
    assert authority.name not in response.content.decode()
