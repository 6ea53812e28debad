"""Who is asking: the one helper that turns a request into a user.

API views sit behind IsAuthenticated by default (settings REST_FRAMEWORK) and web views behind
login_required, so `request_user` is what they call; `user_or_none` is for the public routes
that also serve signed-in users differently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    from accounts.models import User


def user_or_none(request: HttpRequest | Request) -> User | None:
    """The signed-in user of the request, or None for an anonymous request."""
    user = request.user
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    return user  # type: ignore[return-value]


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user of the request; anonymous is NotAuthenticated (API: 401, with the
    WWW-Authenticate header; web: a redirect to sign-in, see backend.middleware)."""
    user = user_or_none(request)
    if user is None:
        raise NotAuthenticated()
    return user


class ReadPublicWriteAuthenticated(BasePermission):
    """Anyone reads (GET, HEAD, OPTIONS); writes need a signed-in user, and the services
    decide what that user may do. Anonymous writes are 401, like every API route."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)
