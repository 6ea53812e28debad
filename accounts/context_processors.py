from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import Role
from accounts.selectors import authorities_editable_by, suppliers_of


def memberships(request: HttpRequest) -> dict[str, Any]:
    """Lets the layout show the workspace links a person actually has."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_authority_user": False, "is_supplier_user": False, "has_tasks": False}
    editor = authorities_editable_by(user=user).exists()
    return {
        "is_authority_user": editor,
        "is_supplier_user": suppliers_of(user=user).exists(),
        # "My tasks": committee members (by role or by a seat) and the officers who start
        # openings.
        "has_tasks": editor or user.memberships.filter(role=Role.COMMITTEE_MEMBER).exists()
        or user.committee_seats.filter(removed_at__isnull=True).exists(),
    }
