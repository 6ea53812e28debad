"""API token authentication: django-rest-knox, plus when each token was last used."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.signals import token_expired

from accounts.models import ApiToken

# One write per token per interval at most, not one per request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <64 hex characters>`; expired tokens are refused and deleted."""

    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        """The presented token only: refused and deleted once expired. knox's own version
        also reads every other token of the user on every request (one query per API call)
        to delete the expired ones; those are refused and deleted when presented, listed
        nowhere, and swept when the user creates a token (accounts.services)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False

    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token header in the OpenAPI schema, under the name it had before knox."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(header_name="Authorization",
                                                   token_prefix="Token")  # noqa: S106
