"""The public statistics page in real Chromium: charts drawn from the tables, no script
refused (CSP, SRI), no serious axe violation, at desktop and phone size.
Screenshots: docs/screenshots/statistics_desktop.png and statistics_phone.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.chromium import needs_chromium
from tests.evaluation.statistics.test_statistics import world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, needs_chromium]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def messages_append(messages: list[str], text: Any) -> Any:
    return lambda item: messages.append(text(item))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_statistics_page_draws_its_charts_and_passes_axe(live_server, browser, world):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in SIZES.items():
        context = browser.new_context(locale="nb-NO", viewport=viewport)
        page = context.new_page()
        messages: list[str] = []
        page.on("console", messages_append(messages, lambda msg: msg.text))
        page.on("pageerror", messages_append(messages, str))
        page.goto(f"{live_server.url}/statistics/")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == "Statistikk"
        # Chart.js ran (SRI and CSP accepted it) and drew every chart from its table.
        drawn = page.evaluate("() => [...document.querySelectorAll('canvas[data-table]')]"
                              ".map(c => !!window.Chart.getChart(c))")
        assert drawn and all(drawn), drawn
        assert not [m for m in messages if "integrity" in m or "Content Security" in m], messages
        assert page.locator("#t-cpv tbody tr").count() == 3
        # Each chart draws a bar, with its label, for each row of its table with a value.
        charted = page.evaluate(
            "() => [...document.querySelectorAll('canvas[data-table]')].map(c => ["
            "window.Chart.getChart(c).data.labels.length, [...document.getElementById("
            "c.dataset.table).querySelectorAll('tbody td[data-value]')]"
            ".filter(td => Number(td.dataset.value)).length])")
        assert all(labels == rows for labels, rows in charted), charted
        assert_no_serious_violations(page)
        page.screenshot(path=str(SHOTS / f"statistics_{name}.png"), full_page=False)
        # The filter form: a bad CPV value is named next to its field.
        page.fill("#id_cpv", "4x")
        page.click("#statistics-filters button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "CPV" in page.locator("#err_cpv").inner_text()
        context.close()
