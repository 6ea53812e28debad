"""Every scrollable table is reachable and scrollable by keyboard, with a label: its wrapper is
a focusable, named region (axe-core: scrollable-region-focusable). The browser check is in
tests/e2e/test_accessibility.py; this one covers every template, rendered or not."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = re.compile(r'<div class="table-scroll"([^>]*)>')


def test_every_table_scroll_wrapper_is_a_focusable_labelled_region() -> None:
    found, bad = 0, []
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        if path.relative_to(ROOT).parts[0] in {".venv", "tests"}:
            continue
        text = path.read_text(encoding="utf-8")
        for match in WRAPPER.finditer(text):
            found += 1
            attrs = match.group(1)
            if not ('tabindex="0"' in attrs and 'role="region"' in attrs
                    and re.search(r'aria-label="[^"]*\S', attrs)):
                line = text.count("\n", 0, match.start()) + 1
                bad.append(f"{path.relative_to(ROOT)}:{line}")
    assert found >= 10
    assert not bad, "table-scroll wrappers without tabindex/role/aria-label: " + ", ".join(bad)
    # Nothing else makes a table scroll: no overflow wrapper under another name.
    css = (ROOT / "backend" / "static" / "css" / "anbud.css").read_text(encoding="utf-8")
    assert re.findall(r"([.\w-]+)\s*\{[^}]*overflow-x:\s*auto", css) == [".table-scroll"]
