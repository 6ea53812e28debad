"""Debian Chromium for the browser journeys: where it is, how it is started, screenshots.

`playwright install` cannot download a browser here, so every journey drives the system
Chromium with the flags this closed network needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).parent / "screenshots"

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="needs Debian Chromium at /usr/bin/chromium")


def shot(page: Any, name: str) -> None:
    """A full-page screenshot in tests/e2e/screenshots/ (gitignored) to look at."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def browser_context(browser: Any, base: str, *, user: Any = None, locale: str = "en-GB",
                    width: int = 1100, timeout_ms: int = 120_000) -> Any:
    """A browser context, signed in as `user` through its session cookie if given (signing in
    itself is tested elsewhere). JavaScript errors on any page are collected in
    `context.errors`, which the journeys assert empty."""
    from django.test import Client  # Django is set up by pytest-django before any test runs

    context = browser.new_context(locale=locale, accept_downloads=True,
                                  viewport={"width": width, "height": 900})
    context.set_default_timeout(timeout_ms)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": base}])
    errors: list[str] = []
    context.errors = errors
    context.on("weberror", lambda e: errors.append(str(e.error)))
    return context


def signed_in(browser: Any, base: str, user: Any) -> Any:
    """An English desktop context signed in as `user`."""
    return browser_context(browser, base, user=user)


def new_page(context: Any) -> Any:
    """A page whose uncaught errors, and scripts or styles the CSP refuses or whose SRI hash
    does not match, land in `context.errors`; dialogs are accepted."""
    page = context.new_page()
    page.on("pageerror", lambda exc: context.errors.append(str(exc)))
    page.on("console", lambda msg: context.errors.append(msg.text)
            if "Content Security Policy" in msg.text or "integrity" in msg.text else None)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def fits(page: Any) -> None:
    """The page has no horizontal scroll (WCAG 1.4.10 reflow at phone width)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    client = page.evaluate("document.documentElement.clientWidth")
    assert width <= client + 1, f"{page.url}: {width} px wide at {client} px"


def fill_sheet(page: Any, suppliers: list[str], criteria: list[str],
               points: dict[tuple[int, int], str], reason: str) -> None:
    """Fill a member's scoring sheet: `points[(supplier, criterion)]` (6 where not given) and
    the same reason on every cell."""
    for j, criterion in enumerate(criteria):
        for i, supplier in enumerate(suppliers):
            page.get_by_label(f"Points for {supplier} on {criterion}", exact=True).fill(
                points.get((i, j), "6"))
            page.get_by_label(f"Reason for {supplier} on {criterion}", exact=True).fill(reason)
