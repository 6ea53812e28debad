"""axe-core in the Chromium tests: `assert_no_serious_violations(page)` after any page load.

The engine is the vendored axe-core (tests/e2e/vendor/axe-core, checked against its pinned
SHA-256), injected through the DevTools protocol, which the page's Content-Security-Policy
does not govern; the page itself stays exactly as served. Serious and critical violations fail
the test with the rule, its help text and the first elements concerned; moderate and minor
ones are returned by `violations()` for a test that wants them.

    from tests.e2e.axe import assert_no_serious_violations
    page.goto(url)
    assert_no_serious_violations(page)
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
SERIOUS = frozenset({"serious", "critical"})
# WCAG 2.1 A and AA, and axe's best practices (landmarks, headings, region labels).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@functools.cache
def axe_source() -> str:
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        raise AssertionError(f"{AXE} is not axe-core {AXE_VERSION} (SHA-256 {digest}); see "
                             "tests/e2e/vendor/axe-core/README.md")
    return data.decode("utf-8")


RUN = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(" "),
                                            html: n.html.slice(0, 160)}))}));
}"""


def violations(page: Any, *, impacts: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (all impacts unless `impacts`)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # A plain expression (not a function) goes to Runtime.evaluate as it is: no eval()
        # inside the page, so the CSP that forbids eval does not stop it.
        page.evaluate(axe_source() + "\n;void 0")
    found: list[dict[str, Any]] = page.evaluate(RUN, TAGS)
    return [v for v in found if impacts is None or v["impact"] in impacts]


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        lines += [f"    {n['target']}: {n['html']}" for n in v["nodes"]]
    return "\n".join(lines)


def assert_no_serious_violations(page: Any, *, where: str = "") -> None:
    """Fail on any serious or critical axe-core violation of the page as it is now."""
    found = violations(page, impacts=SERIOUS)
    assert not found, (f"axe-core {AXE_VERSION}: serious or critical violations on "
                       f"{where or page.url}:\n{describe(found)}")
