"""Serve the ETB-1 ES modules and the browser harness over http://127.0.0.1 and launch Debian
Chromium through Playwright. Shared by tests/e2e/test_crypto_browser.py and
bench/crypto_browser.py (not a test module)."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.e2e.chromium import ARGS as CHROMIUM_ARGS
from tests.e2e.chromium import CHROMIUM

REPO = Path(__file__).resolve().parents[2]

ROUTES = {
    "/crypto_harness.html": REPO / "tests/e2e/crypto_harness.html",
    "/crypto_harness.js": REPO / "tests/e2e/crypto_harness.js",
    "/vectors.json": REPO / "tests/crypto/vectors/etb1-vectors.json",
}
STATIC_PREFIX = "/static/etb1/"
STATIC_DIR = REPO / "crypto/static/etb1"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        target: Path | None = ROUTES.get(path)
        if target is None and path.startswith(STATIC_PREFIX):
            name = path[len(STATIC_PREFIX) :]
            if name and "/" not in name and ".." not in name:
                target = STATIC_DIR / name
        if target is None or not target.is_file():
            self.send_error(404)
            return
        body = target.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(target.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@contextlib.contextmanager
def serve() -> Iterator[str]:
    """Yield the base URL of a local server for the harness and the ETB-1 modules."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def harness_page(timeout_ms: int = 600_000) -> Iterator[Any]:
    """A Playwright page (Debian Chromium) with the harness loaded and ready."""
    from playwright.sync_api import sync_playwright

    with serve() as base, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.set_default_timeout(timeout_ms)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{base}/crypto_harness.html")
            page.wait_for_selector("#status[data-ready='1']", timeout=30_000)
            page.errors = errors  # type: ignore[attr-defined]
            yield page
        finally:
            browser.close()
