"""Every write to accounts: organisations, memberships, invitations."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import (
    AUTHORITY_ROLES,
    SUPPLIER_ROLES,
    AccountEvent,
    AccountEventKind,
    ApiToken,
    BuyerType,
    CompanySize,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    User,
)
from accounts.orgnumber import canonical_id, normalize_national_id, normalize_org_number
from accounts.permissions import is_platform_staff, may_administer
from backend.errors import ApplicationError, Conflict, Forbidden, NotFound
from backend.links import absolute_url


def _event(org: Organization, kind: AccountEventKind, *, by: User | None, at: datetime,
           **data: Any) -> None:
    AccountEvent.objects.create(organization=org, kind=kind, by=by, at=at, data=data)


def _identifier_fields(*, country: str, org_number: str, national_id: str) -> dict[str, str]:
    country = (country or "NO").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ApplicationError(_("Give the country as a two-letter code, such as NO or SE."),
                               fields={"country": [_("Two letters, e.g. NO.")]})
    if country == "NO":
        try:
            number = normalize_org_number(org_number)
        except ValidationError as exc:
            raise ApplicationError(exc.messages, code="org_number",
                                   fields={"org_number": exc.messages}) from exc
        if Organization.objects.filter(org_number=number).exists():
            raise ApplicationError(
                _("An organisation with number %(number)s is already registered. "
                  "Ask its administrator to invite you.") % {"number": number},
                code="duplicate", fields={"org_number": [_("Already registered.")]})
        return {"country": "NO", "org_number": number, "national_id": ""}
    if not canonical_id(national_id):
        raise ApplicationError(
            _("Organisations outside Norway register with their national registration number."),
            fields={"national_id": [_("Required for organisations outside Norway.")]})
    try:
        national_id = normalize_national_id(country, national_id)
    except ValidationError as exc:
        raise ApplicationError(exc.messages, code="national_id",
                               fields={"national_id": exc.messages}) from exc
    if Organization.objects.filter(country=country, national_id=national_id).exists():
        raise ApplicationError(_("This organisation is already registered."), code="duplicate",
                               fields={"national_id": [_("Already registered.")]})
    return {"country": country, "org_number": "", "national_id": national_id}


def _new_user(*, email: str, password: str, full_name: str) -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email=email).exists():
        raise ApplicationError(_("An account with this e-mail address already exists. "
                                 "Sign in, or reset your password."), code="duplicate",
                               fields={"email": [_("Already registered.")]})
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ApplicationError(exc.messages, code="weak_password",
                               fields={"password": exc.messages}) from exc
    # E-mails and the inbox start in the language the person signed up in.
    language = (translation.get_language() or "").split("-")[0]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return User.objects.create_user(email=email, password=password, full_name=full_name,
                                    language=language)


@transaction.atomic
def supplier_signup(*, name: str, email: str, password: str, full_name: str,
                    country: str = "NO", org_number: str = "", national_id: str = "",
                    city: str = "", company_size: str = "",
                    now: datetime | None = None) -> Membership:
    """A supplier registers itself; the person who signs up becomes its administrator."""
    now = now or timezone.now()
    if not name.strip():
        raise ApplicationError(_("Give the organisation's name."),
                               fields={"name": [_("Required.")]})
    ids = _identifier_fields(country=country, org_number=org_number, national_id=national_id)
    company_size = _company_size(company_size)
    user = _new_user(email=email, password=password, full_name=full_name)
    org = Organization.objects.create(kind=OrganizationKind.SUPPLIER, name=name.strip(),
                                      email=user.email, city=city, company_size=company_size,
                                      **ids)
    membership = Membership.objects.create(user=user, organization=org,
                                           role=Role.SUPPLIER_ADMIN)
    _event(org, AccountEventKind.ORGANIZATION_REGISTERED, by=user, at=now, org_kind=org.kind)
    return membership


@transaction.atomic
def authority_create(*, name: str, org_number: str, buyer_type: str, admin_email: str,
                     by: User, city: str = "", nuts: str = "",
                     now: datetime | None = None) -> tuple[Organization, str]:
    """Platform staff create an authority and invite its first administrator.

    Returns the organisation and the invitation token, which is e-mailed and never stored.
    """
    now = now or timezone.now()
    if not is_platform_staff(by):
        raise Forbidden(_("Only platform staff can create contracting authorities."))
    if buyer_type not in BuyerType.values:
        raise ApplicationError(_("Choose whether the authority is a state authority, another "
                                 "authority or a utility."),
                               fields={"buyer_type": [_("Required.")]})
    ids = _identifier_fields(country="NO", org_number=org_number, national_id="")
    org = Organization.objects.create(kind=OrganizationKind.AUTHORITY, name=name.strip(),
                                      buyer_type=buyer_type, city=city, nuts=nuts, **ids)
    _event(org, AccountEventKind.ORGANIZATION_CREATED, by=by, at=now, org_kind=org.kind)
    _invitation, token = invitation_create(organization=org, email=admin_email,
                                 role=Role.AUTHORITY_ADMIN, by=by, now=now)
    return org, token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(*, organization: Organization, email: str, role: str, by: User,
                      now: datetime | None = None) -> tuple[Invitation, str]:
    now = now or timezone.now()
    if not may_administer(by, organization):
        raise Forbidden(_("Only an administrator of the organisation can invite people."))
    allowed = AUTHORITY_ROLES if organization.is_authority else SUPPLIER_ROLES
    if role not in allowed:
        raise ApplicationError(_("That role does not exist for this kind of organisation."),
                               fields={"role": [_("Choose one of the listed roles.")]})
    email = User.objects.normalize_email(email).strip().lower()
    if "@" not in email:
        raise ApplicationError(_("Give a valid e-mail address."),
                               fields={"email": [_("Not an e-mail address.")]})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, token_hash=_token_hash(token),
        invited_by=by, expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS))
    _event(organization, AccountEventKind.INVITATION_CREATED, by=by, at=now, email=email,
           role=role)
    link = absolute_url(reverse("accounts:invitation", kwargs={"token": token}))
    transaction.on_commit(lambda: send_mail(
        subject=_("You are invited to %(org)s on Anbud") % {"org": organization.name},
        message=_("%(by)s has invited you to join %(org)s as %(role)s.\n\n"
                  "Accept the invitation here: %(link)s\n\nThe link is valid for %(days)s days.")
        % {"by": by.get_full_name(), "org": organization.name,
           "role": Role(role).label, "link": link, "days": settings.INVITATION_VALID_DAYS},
        from_email=None, recipient_list=[email]))
    return invitation, token


def invitation_get_open(*, token: str, now: datetime | None = None) -> Invitation:
    now = now or timezone.now()
    invitation = (Invitation.objects.select_related("organization")
                  .filter(token_hash=_token_hash(token)).first())
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound(_("This invitation does not exist or has been withdrawn."))
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been accepted. Sign in instead."))
    if invitation.expires_at <= now:
        raise ApplicationError(_("This invitation expired. Ask for a new one."), code="expired")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User | None = None, password: str = "",
                      full_name: str = "", now: datetime | None = None) -> Membership:
    """Accept as the signed-in user, or create the invited person's account."""
    now = now or timezone.now()
    invitation = invitation_get_open(token=token, now=now)
    if user is None or not user.is_authenticated:
        user = _new_user(email=invitation.email, password=password, full_name=full_name)
    elif user.email.lower() != invitation.email:
        raise Forbidden(_("This invitation was sent to %(email)s. Sign in as that person.")
                        % {"email": invitation.email})
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=now, accepted_by=user)
    if claimed != 1:
        raise Conflict(_("This invitation has already been accepted."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, organization=invitation.organization,
                                                   role=invitation.role)
    except IntegrityError:
        membership = Membership.objects.get(user=user, organization=invitation.organization,
                                            role=invitation.role)
    _event(invitation.organization, AccountEventKind.INVITATION_ACCEPTED, by=user, at=now,
           email=invitation.email, role=invitation.role)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User, now: datetime | None = None) -> None:
    now = now or timezone.now()
    org = membership.organization
    admin_role = Role.AUTHORITY_ADMIN if org.is_authority else Role.SUPPLIER_ADMIN
    if not may_administer(by, org):
        raise Forbidden(_("Only an administrator can remove members."))
    if membership.role == admin_role and not Membership.objects.filter(
            organization=org, role=admin_role).exclude(pk=membership.pk).exists():
        raise ApplicationError(_("An organisation must keep at least one administrator."))
    membership.delete()
    _event(org, AccountEventKind.MEMBERSHIP_REMOVED, by=by, at=now, user=membership.user.email,
           role=membership.role)


def _token_ttl() -> timedelta:
    return timedelta(days=settings.ANBUD_API_TOKEN_DAYS)


@transaction.atomic
def api_token_create(*, user: User, name: str = "",
                     now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new API token for one device or script. Returns the token and its secret.

    The secret is shown once, to the caller; only its digest is stored (django-rest-knox).
    """
    now = now or timezone.now()
    name = " ".join(name.split())
    if len(name) > 100:
        raise ApplicationError(_("A token name has at most 100 characters."),
                               fields={"name": [_("At most 100 characters.")]})
    limit = settings.ANBUD_API_TOKENS_PER_USER
    # Expired tokens are refused when presented (accounts.authentication); here they go.
    ApiToken.objects.filter(user=user, expiry__lte=now).delete()
    if ApiToken.objects.filter(user=user, expiry__gt=now).count() >= limit:
        raise ApplicationError(
            _("You already have %(limit)s API tokens. Revoke one you no longer use first.")
            % {"limit": limit}, code="too_many_tokens")
    token, secret = ApiToken.objects.create(user=user, expiry=_token_ttl(), name=name)
    # knox dates the token by the wall clock; `now` keeps it consistent for callers and tests.
    ApiToken.objects.filter(pk=token.pk).update(created=now, expiry=now + _token_ttl())
    token.refresh_from_db()
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, public_id: uuid.UUID | str) -> None:
    """Revoke one of the user's tokens. Another user's token is "not found", never revoked."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such API token.")) from None
    deleted, _rows = ApiToken.objects.filter(user=user, public_id=key).delete()
    if not deleted:
        raise NotFound(_("No such API token."))


@transaction.atomic
def api_token_revoke_all(*, user: User) -> int:
    """Revoke every API token of the user; returns how many there were."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """Change or reset a password. Every API token of the user stops working with it.

    A token is a standing sign-in: whoever changes a password because it may be known to
    someone else expects that person to be locked out everywhere.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    api_token_revoke_all(user=user)
    return user


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The language of the person's e-mails and inbox messages."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Choose one of the languages offered."),
                               fields={"language": [_("Unknown language.")]})
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


# --- company size (eForms BT-165; award notices count offers from SMEs) ---------------------


def _company_size(value: str) -> str:
    value = str(value or "").strip()
    if value and value not in CompanySize.values:
        raise ApplicationError(_("Choose micro, small, medium-sized or large."),
                               fields={"company_size": [_("Unknown size.")]})
    return value


@transaction.atomic
def organization_company_size_set(*, organization: Organization, by: User, company_size: str,
                                  now: datetime | None = None) -> Organization:
    """A supplier's administrator states its company size ("" = not stated)."""
    now = now or timezone.now()
    if not may_administer(by, organization):
        raise Forbidden(_("Only the organisation's administrators change its details."))
    if organization.kind != OrganizationKind.SUPPLIER:
        raise ApplicationError(_("Only suppliers state a company size."),
                               fields={"company_size": [_("Suppliers only.")]})
    size = _company_size(company_size)
    old = Organization.objects.select_for_update().get(pk=organization.pk).company_size
    if old == size:
        return organization
    Organization.objects.filter(pk=organization.pk).update(company_size=size)
    organization.company_size = size
    _event(organization, AccountEventKind.ORGANIZATION_UPDATED, by=by, at=now,
           fields=["company_size"], company_size={"from": old, "to": size})
    return organization
