"""Absolute links for everything read outside the site: e-mails first of all.

An e-mail client has no page to resolve a relative link against, and the request's Host
header is not to be trusted for links that carry tokens; so every link in every e-mail is
built here, from the configured ANBUD_SITE_URL.
"""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (e.g. "/notices/12/") as an absolute URL on the configured site."""
    if path.startswith(("http://", "https://")):
        return path
    base = str(getattr(settings, "ANBUD_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}/{path.lstrip('/')}"
