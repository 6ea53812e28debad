"""The CPV / NUTS code picker (notices/static/notices/codepicker.js) in real Chromium:
an ARIA 1.2 combobox over the type-ahead API, driven by the keyboard."""

from __future__ import annotations

import pytest

from tests.e2e.chromium import ARGS, CHROMIUM, needs_chromium

pytestmark = [
    pytest.mark.e2e,
    needs_chromium,
]

FORM = """<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>picker</title></head>
<body><form>
<label for="cpv">Hoved-CPV</label><input id="cpv" name="cpv_main" data-codepicker="cpv">
<label for="extra">Andre CPV</label>
<input id="extra" name="cpv_additional" data-codepicker="cpv" data-codepicker-multiple>
<label for="nuts">Sted</label><input id="nuts" name="nuts" data-codepicker="nuts">
</form></body></html>"""



@pytest.fixture
def page(live_server, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = chromium.new_page()
        page.goto(f"{live_server.url}/api/codes/cpv/?q=45")    # same origin as the API
        page.set_content(FORM)
        # From the server, as the pages load it: the CSP refuses inline scripts.
        page.add_script_tag(url=f"{live_server.url}/static/notices/codepicker.js")
        yield page
        chromium.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_picks_a_cpv_code_by_norwegian_words_with_the_keyboard(page):
    box = page.get_by_role("combobox", name="Hoved-CPV")
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("bygge")
    listbox = page.get_by_role("listbox", name="Hoved-CPV")
    listbox.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    options = listbox.get_by_role("option")
    assert "45000000" in options.first.inner_text()
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert options.first.get_attribute("aria-selected") == "true"
    box.press("Enter")
    assert box.input_value() == "45000000"
    assert box.get_attribute("aria-expanded") == "false"
    assert "45000000" in page.locator(".codepicker-status").first.inner_text()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_escape_closes_and_several_codes_can_be_entered(page):
    extra = page.get_by_role("combobox", name="Andre CPV")
    extra.fill("45000000 90")
    page.get_by_role("listbox", name="Andre CPV").wait_for()
    extra.press("ArrowDown")
    extra.press("Enter")
    assert extra.input_value().split() == ["45000000", "90000000"]

    nuts = page.get_by_role("combobox", name="Sted")
    nuts.fill("vestland")
    page.get_by_role("listbox", name="Sted").get_by_role("option").first.wait_for()
    nuts.press("Escape")
    assert nuts.get_attribute("aria-expanded") == "false"
    assert nuts.input_value() == "vestland"
    nuts.press("Escape")           # a second Escape clears
    assert nuts.input_value() == ""
    nuts.fill("NO0A")
    option = page.get_by_role("listbox", name="Sted").get_by_role("option", name="NO0A2 Vestland")
    option.click()
    assert nuts.input_value() == "NO0A2"
