"""Sign-in throttling: the hooks django-axes calls (settings AXES_*_CALLABLE).

Axes counts failed sign-ins per account (the e-mail address) and per client address, each on
its own, and refuses further attempts for a cool-off period once either reaches the limit, on
every path that calls `django.contrib.auth.authenticate` with the request: the web sign-in
form, the admin's and the API token endpoint. These functions tell axes who is signing in,
from where, and how the refusal looks (HTTP 429 with the time to try again).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext


def client_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account being tried, normalised like the sign-in itself (case-insensitive e-mail).

    The web form passes `username`, the API `email`; both count for the same account.
    """
    source: Any = credentials or getattr(request, "data", None) or request.POST
    value = source.get("email") or source.get("username")
    if not isinstance(value, str) or not value.strip():
        return None
    # NUL cannot be stored in a PostgreSQL text column; axes keeps the name in its own table.
    return value.replace("\x00", "").strip().lower()[:254]


def client_ip(request: HttpRequest) -> str | None:
    """The client address: REMOTE_ADDR, or the address the trusted proxy in front saw.

    Behind a TLS proxy every request comes from the proxy, so counting REMOTE_ADDR would lock
    everybody out at once. ANBUD_PROXY_COUNT (settings.ANBUD_PROXY_COUNT) says how many proxies
    append to X-Forwarded-For; the client is the entry that many places from the right. Entries
    further left are whatever the client sent and are never trusted.
    """
    count: int = getattr(settings, "ANBUD_PROXY_COUNT", 0)
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_message(wait: timedelta) -> tuple[str, int]:
    """The sentence that says when to try again, and the wait in whole seconds."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    retry_at = timezone.localtime(timezone.now() + timedelta(seconds=seconds))
    minutes = math.ceil(seconds / 60)
    message = ngettext(
        "Too many failed sign-ins for this account or from this address. Try again in "
        "%(minutes)s minute, after %(time)s.",
        "Too many failed sign-ins for this account or from this address. Try again in "
        "%(minutes)s minutes, after %(time)s.", minutes) % {
            "minutes": minutes, "time": retry_at.strftime("%H:%M")}
    return message, seconds


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """HTTP 429: the JSON error format on API routes, a page on the web; Retry-After on both.

    Every refused attempt counts again and restarts the cool-off (axes'
    AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so "now + cool-off" is when the account
    and the address are free again if nobody keeps trying.
    """
    message, seconds = lockout_message(get_cool_off(request) or timedelta(0))
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"code": "too_many_attempts", "message": message,
                                           "fields": {}}}, status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message},
                          status=429)
    response["Retry-After"] = str(seconds)
    return response
