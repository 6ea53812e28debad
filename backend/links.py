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


DEFAULT_ADDRESS = "127.0.0.1:8000"
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", "[::]", "*"})  # noqa: S104 (names, not binds)


def split_address(address: str) -> tuple[str, str]:
    """("host", "port") of a runserver address: "0.0.0.0:8080", "8080", "[::1]:8000"."""
    address = (address or DEFAULT_ADDRESS).strip()
    if address.isdigit():
        return "127.0.0.1", address
    host, _sep, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"not a host:port address: {address!r}")
    return host, port


def site_url_for_address(address: str) -> str:
    """The site address for links when the server runs on `address` (`make run ADDR=…`).

    A wildcard host (0.0.0.0, ::) is not an address a browser can open, so links name this
    machine as 127.0.0.1; set ANBUD_SITE_URL to the name others reach it by.
    """
    host, port = split_address(address)
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    return f"http://{host}:{port}"
