from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from backend.events import Event


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):  # type: ignore[django-manager-missing]  # knox's auth_token_set
    """A person. Signs in with an e-mail address; acts for organisations through memberships."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # The language of the person's e-mails and inbox messages (the pages follow the browser
    # and the language switch); blank: the site's language (LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc,assignment]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class OrganizationKind(models.TextChoices):
    AUTHORITY = "authority", _("Contracting authority")
    SUPPLIER = "supplier", _("Supplier")


class BuyerType(models.TextChoices):
    """Which EEA thresholds apply to an authority (anskaffelsesforskriften § 5-3)."""

    STATE = "state", _("State authority")
    OTHER = "other", _("Other contracting authority")
    UTILITIES = "utilities", _("Utilities (forsyningssektoren)")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro enterprise (fewer than 10 employees)")
    SMALL = "small", _("Small enterprise (fewer than 50 employees)")
    MEDIUM = "medium", _("Medium-sized enterprise (fewer than 250 employees)")
    LARGE = "large", _("Large enterprise")


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, default="NO",
                               help_text=_("ISO 3166-1 two-letter country code."))
    org_number = models.CharField(_("organisation number"), max_length=9, blank=True,
                                  help_text=_("Norwegian organisation number, 9 digits."))
    national_id = models.CharField(_("national registration number"), max_length=40, blank=True,
                                   help_text=_("For organisations registered outside Norway."))
    buyer_type = models.CharField(_("buyer type"), max_length=16, choices=BuyerType.choices,
                                  blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    nuts = models.CharField(_("NUTS region"), max_length=5, blank=True)
    # A supplier's size as eForms counts it (code list economic-operator-size, BT-165): the
    # award notice counts the offers from small and medium-sized enterprises.
    company_size = models.CharField(_("company size"), max_length=8, blank=True,
                                    choices=CompanySize.choices)
    # Contact details that eForms notices for TED require of a buyer (BT-503, BT-512, BT-510).
    phone = models.CharField(_("telephone"), max_length=40, blank=True,
                             help_text=_("With the country code, e.g. +47 55 56 55 60."))
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["org_number"], condition=~models.Q(org_number=""),
                                    name="organization_org_number_unique"),
            models.UniqueConstraint(fields=["country", "national_id"],
                                    condition=~models.Q(national_id=""),
                                    name="organization_national_id_unique"),
            models.CheckConstraint(
                condition=~models.Q(org_number="") | ~models.Q(national_id=""),
                name="organization_has_identifier",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="supplier") | ~models.Q(buyer_type=""),
                name="authority_has_buyer_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        return self.org_number or f"{self.country}-{self.national_id}"

    @property
    def is_authority(self) -> bool:
        return self.kind == OrganizationKind.AUTHORITY


class Role(models.TextChoices):
    AUTHORITY_ADMIN = "authority_admin", _("Authority administrator")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    SUPPLIER_ADMIN = "supplier_admin", _("Supplier administrator")
    SUPPLIER_USER = "supplier_user", _("Supplier user")


AUTHORITY_ROLES = frozenset({Role.AUTHORITY_ADMIN, Role.PROCUREMENT_OFFICER,
                             Role.COMMITTEE_MEMBER})
SUPPLIER_ROLES = frozenset({Role.SUPPLIER_ADMIN, Role.SUPPLIER_USER})
# Roles that may write notices and documents on behalf of an authority.
NOTICE_EDITOR_ROLES = frozenset({Role.AUTHORITY_ADMIN, Role.PROCUREMENT_OFFICER})


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"],
                                    name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class Invitation(models.Model):
    """An invitation to join an organisation. Only a hash of the token is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"


class AccountEventKind(models.TextChoices):
    """What happened to an organisation's account. The values are stored: never rename one."""

    ORGANIZATION_REGISTERED = "organization.registered", _("Organisation registered")
    ORGANIZATION_CREATED = "organization.created", _("Organisation created by the platform")
    INVITATION_CREATED = "invitation.created", _("Invitation sent")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    MEMBERSHIP_REMOVED = "membership.removed", _("Membership removed")
    ORGANIZATION_UPDATED = "organization.updated", _("Organisation details changed")


class AccountEvent(Event):
    """Append-only log of changes to organisations, memberships and invitations."""

    # Organisations are never deleted once they have a history.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="events")
    kind = models.CharField(max_length=64, choices=AccountEventKind.choices)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox). Only a SHA-512 digest of the secret is stored.

    One per device or script, each with its own name and expiry, revocable one by one. The
    `public_id` names a token in lists and revocation requests; the digest never leaves the
    server. `token_key` is knox's lookup prefix (the first 15 of 64 hex characters): it narrows
    the search, it does not authenticate.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("The device or script that uses the token."))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name or self.public_id} · {self.user}"
