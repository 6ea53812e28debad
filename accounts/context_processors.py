from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.selectors import authorities_editable_by, suppliers_of


def memberships(request: HttpRequest) -> dict[str, Any]:
    """Lets the layout show the workspace links a person actually has."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_authority_user": False, "is_supplier_user": False}
    return {
        "is_authority_user": authorities_editable_by(user=user).exists(),
        "is_supplier_user": suppliers_of(user=user).exists(),
    }
