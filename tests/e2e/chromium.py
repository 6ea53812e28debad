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
