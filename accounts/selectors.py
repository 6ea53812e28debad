"""Reads about who may act for which organisation."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import (
    NOTICE_EDITOR_ROLES,
    ApiToken,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    User,
)

AnyUser = User | AnonymousUser


def membership_list(*, user: AnyUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organization")


def user_has_role(user: AnyUser, organization: Organization, roles: Iterable[str]) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, organization=organization,
                                     role__in=list(roles)).exists()


def authorities_editable_by(*, user: AnyUser) -> QuerySet[Organization]:
    """Authorities on whose behalf the user may write notices."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        kind=OrganizationKind.AUTHORITY, memberships__user=user,
        memberships__role__in=list(NOTICE_EDITOR_ROLES)).distinct()


def authorities_of(*, user: AnyUser) -> QuerySet[Organization]:
    """Authorities the user belongs to in any role (drafts are visible to all of them)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(kind=OrganizationKind.AUTHORITY,
                                       memberships__user=user).distinct()


def suppliers_of(*, user: AnyUser) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(kind=OrganizationKind.SUPPLIER,
                                       memberships__user=user).distinct()


def organization_get_for_member(*, user: AnyUser, org_id: int) -> Organization | None:
    """The organisation if the user belongs to it (platform staff: any), else None.

    Callers answer None with the same 404 as for an unknown id, so a stranger learns neither
    that the organisation exists nor its name.
    """
    if not user.is_authenticated:
        return None
    organizations = Organization.objects.filter(pk=org_id)
    if not user.is_staff:
        organizations = organizations.filter(memberships__user=user)
    return organizations.distinct().first()


def organization_members(*, organization: Organization) -> QuerySet[Membership]:
    """The memberships of one organisation, for its members page."""
    return (Membership.objects.filter(organization=organization).select_related("user")
            .order_by("user__email", "role"))


def organizations_administered_by(*, user: AnyUser) -> QuerySet[Organization]:
    """Organisations where the user is an administrator (may invite and remove members)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user=user,
        memberships__role__in=["authority_admin", "supplier_admin"]).distinct()


def invitation_list_open(*, organization: Organization) -> QuerySet[Invitation]:
    """Invitations of an organisation that nobody has accepted or withdrawn yet."""
    from django.utils import timezone

    return Invitation.objects.filter(organization=organization, accepted_at__isnull=True,
                                     revoked_at__isnull=True, expires_at__gt=timezone.now())


def api_token_list(*, user: AnyUser) -> QuerySet[ApiToken]:
    """The user's API tokens that have not expired, newest first."""
    from django.utils import timezone

    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")
