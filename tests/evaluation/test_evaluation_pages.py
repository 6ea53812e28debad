"""The evaluation pages in bokmål and English, with accessible markup: labelled fields,
tables with captions and header cells."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import page_as
from tests.evaluation.conftest import Opened


@pytest.mark.parametrize(("language", "words"), [
    ("nb", ["Habilitet", "Eksterne rådgivere", "Kvalifisering", "Erklæringer"]),
    ("en", ["Impartiality", "External advisers", "Qualification", "Declarations"]),
])
def test_the_pages_speak_both_languages(cleared: Opened, language: str,
                                        words: list[str]) -> None:
    html = page_as(cleared.officer, f"/evaluation/notices/{cleared.notice.pk}/", language)
    for word in words:
        assert word in html
    bid = page_as(cleared.member,
                  f"/evaluation/notices/{cleared.notice.pk}/bids/{cleared.bids[0].pk}/", language)
    assert ("Kvalifikasjonskrav" if language == "nb" else "Qualification requirements") in bid


def test_forms_are_labelled_and_tables_have_headers(cleared: Opened) -> None:
    notice = cleared.notice.pk
    for url in (f"/evaluation/notices/{notice}/", f"/evaluation/notices/{notice}/lots/0/",
                f"/evaluation/notices/{notice}/bids/{cleared.bids[0].pk}/"):
        html = page_as(cleared.officer, url, "en")
        for table in re.findall(r"<table.*?</table>", html, re.S):
            assert "<caption>" in table and 'scope="col"' in table, url
        inputs = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
        for input_id in inputs:
            assert (f'for="{input_id}"' in html
                    or re.search(rf'id="{input_id}"[^>]*type="hidden"', html)
                    or re.search(rf'type="hidden"[^>]*id="{input_id}"', html)), (url, input_id)


def test_the_overview_includes_the_scoring_links_when_the_scoring_provides_them(
        cleared: Opened, settings: Any, tmp_path: Path) -> None:
    url = f"/evaluation/notices/{cleared.notice.pk}/"
    assert 'id="scoring-link-0"' not in page_as(cleared.member, url, "en")
    (tmp_path / "scores").mkdir()
    (tmp_path / "scores" / "_lot_links.html").write_text(
        '<li id="scoring-link-{{ evaluation.lot_number }}">{{ notice.reference }}</li>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), str(tmp_path)]}]
    assert 'id="scoring-link-0"' in page_as(cleared.member, url, "en")
    conflicted = cleared.members[2]  # not declared: no links to bid content or scores
    assert 'id="scoring-link-0"' not in page_as(conflicted, url, "en")
