"""Who may act for an organisation: the named predicates every caller uses.

A predicate answers yes or no and never raises; the caller decides the status (see the
conventions in docs/architecture.md: 401 anonymous, 403 where the object is public, 404 where
it is not). Anonymous users are always "no".
"""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import NOTICE_EDITOR_ROLES, SUPPLIER_ROLES, Membership, Organization, Role
from accounts.selectors import AnyUser


def has_role(user: AnyUser, organization: Organization | int, roles: Iterable[str]) -> bool:
    """The user holds one of `roles` in the organisation (an id or the organisation)."""
    if not user.is_authenticated:
        return False
    org_id = organization if isinstance(organization, int) else organization.pk
    return Membership.objects.filter(user=user, organization_id=org_id,
                                     role__in=list(roles)).exists()


def is_member_of(user: AnyUser, organization: Organization | int) -> bool:
    """Any membership in the organisation, whatever the role."""
    if not user.is_authenticated:
        return False
    org_id = organization if isinstance(organization, int) else organization.pk
    return Membership.objects.filter(user=user, organization_id=org_id).exists()


def is_platform_staff(user: AnyUser) -> bool:
    """The operators of the platform (Django `is_staff`). Staff administer organisations;
    they see nothing of a bid that the public does not (principle 1), so no bids or
    notices predicate says yes because of this one."""
    return bool(user.is_authenticated and user.is_staff)


def is_authority_editor(user: AnyUser, organization: Organization | int) -> bool:
    """May write notices, documents, answers and the committee on behalf of an authority:
    its authority administrators and procurement officers (NOTICE_EDITOR_ROLES). The role
    "committee member" alone does not edit."""
    return has_role(user, organization, NOTICE_EDITOR_ROLES)


def is_supplier_user(user: AnyUser, organization: Organization | int | None = None) -> bool:
    """Acts for a supplier (administrator or user): for `organization`, or for any."""
    if organization is not None:
        return has_role(user, organization, SUPPLIER_ROLES)
    return bool(user.is_authenticated and Membership.objects.filter(
        user=user, role__in=list(SUPPLIER_ROLES)).exists())


def admin_role_of(organization: Organization) -> str:
    return Role.AUTHORITY_ADMIN if organization.is_authority else Role.SUPPLIER_ADMIN


def may_administer(user: AnyUser, organization: Organization) -> bool:
    """May invite people to, and remove members from, an organisation: its administrators
    (authority admin or supplier admin, by the kind of organisation) and platform staff."""
    return is_platform_staff(user) or has_role(user, organization, {admin_role_of(organization)})
