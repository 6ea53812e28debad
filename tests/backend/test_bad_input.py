"""Bad input is a 4xx that names the field and stores nothing; text already stored never
turns an output into a 500 (issue 8, part 2)."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from lxml import etree

from backend.parsers import MAX_DEPTH, json_depth
from backend.text import forbidden_characters, xml_safe
from notices.models import DocumentVersion, Notice, NoticeVersion
from notices.questions.models import Question
from tests.conftest import notice_fields

pytestmark = pytest.mark.django_db

# In the middle of the text: serializers and forms trim leading and trailing whitespace.
BAD_TEXTS = ["Bygg\x00vei", "Bygg\x01vei", "Bygg\x0bvei", "Bygg\x7fvei", "Bygg\x85vei",
             "Bygg\ufffevei", "Bygg\U0010ffffvei", "Bygg\ufdd0vei"]


def _client(api: Any) -> Any:
    api.raise_request_exception = False
    return api


def _notice_body(**overrides: Any) -> dict[str, Any]:
    fields = notice_fields()
    body = {key: (value.isoformat() if hasattr(value, "isoformat") else str(value))
            for key, value in fields.items()}
    body.update(kind="national", **overrides)
    return body


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_it_refuses_control_and_non_characters_in_an_api_notice(api_for, officer, text):
    response = _client(api_for(officer)).post("/api/notices/", _notice_body(title=text),
                                              format="json")
    assert response.status_code == 400, response.content
    assert "title" in response.json()["error"]["fields"]
    assert not Notice.objects.filter(title__startswith="Bygg").exists()


def test_it_refuses_a_lone_surrogate_sent_as_a_json_escape(api_for, officer):
    raw = json.dumps(_notice_body(title="PLACEHOLDER")).replace("PLACEHOLDER", "Bygg \\ud800")
    response = _client(api_for(officer)).generic("POST", "/api/notices/", raw,
                                                 content_type="application/json")
    assert response.status_code == 400, response.content
    assert "title" in response.json()["error"]["fields"]
    assert Notice.objects.count() == 0


def test_it_keeps_tabs_and_line_breaks(api_for, officer):
    response = api_for(officer).post(
        "/api/notices/", _notice_body(description="Linje 1\r\nLinje 2\n\tinnrykk"), format="json")
    assert response.status_code == 201, response.content
    assert Notice.objects.get().description == "Linje 1\r\nLinje 2\n\tinnrykk"


def test_it_refuses_a_title_over_the_field_length_on_every_database(api_for, officer):
    response = _client(api_for(officer)).post("/api/notices/", _notice_body(title="x" * 301),
                                              format="json")
    assert response.status_code == 400
    assert "title" in response.json()["error"]["fields"]
    assert Notice.objects.count() == 0


def test_it_names_the_field_on_the_web_form_and_stores_nothing(client, officer):
    from tests.notices.test_web_workspace import form_data

    client.force_login(officer)
    response = client.post("/workspace/notices/new/", form_data(title="Vei\x01bygging"))
    assert response.status_code in (200, 400)
    # The page is in bokmål (the site's language), the message too.
    assert "tegn som ikke kan lagres" in response.content.decode()
    assert not Notice.objects.exists()


def test_it_refuses_control_characters_in_a_question(api_for, make_notice, supplier_user):
    notice = make_notice()
    response = _client(api_for(supplier_user)).post(
        f"/api/notices/{notice.pk}/questions/", {"text": "Hva\x07 gjelder?"}, format="json")
    assert response.status_code == 400, response.content
    assert "text" in response.json()["error"]["fields"]
    assert not Question.objects.exists()


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000, 100_000])
def test_it_refuses_deeply_nested_json_on_every_api_route(api_for, officer, supplier_user,
                                                          make_notice, depth):
    notice = make_notice()
    before = (Notice.objects.count(), NoticeVersion.objects.count(), Question.objects.count())
    for user, url in ((officer, "/api/notices/"), (officer, f"/api/notices/{notice.pk}/changes/"),
                      (officer, "/api/saved-searches/"),
                      (supplier_user, f"/api/notices/{notice.pk}/questions/")):
        response = _client(api_for(user)).generic("POST", url, _deep(depth),
                                                  content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)
        assert response.json()["error"]["code"] == "parse_error"
    after = (Notice.objects.count(), NoticeVersion.objects.count(), Question.objects.count())
    assert after == before


def test_it_counts_json_depth_without_recursion():
    assert json_depth(1) == 0
    assert json_depth({"a": [1, {"b": []}]}) == 4
    value: Any = []
    for _ in range(50_000):
        value = [value]
    assert json_depth(value) == 50_001


def test_it_answers_an_oversized_api_body_with_the_json_error_format(api_for, officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps(_notice_body(description="x" * 4096))
    response = _client(api_for(officer)).generic("POST", "/api/notices/", body,
                                                 content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "too_large"
    assert Notice.objects.count() == 0


def test_it_refuses_a_document_file_name_over_the_field_length(api_for, officer, make_notice):
    notice = make_notice(publish=False)
    name = "k" * 250 + ".pdf"
    upload = SimpleUploadedFile(name, b"%PDF-1.7 tender", content_type="application/pdf")
    response = _client(api_for(officer)).post(f"/api/notices/{notice.pk}/documents/",
                                              {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert "file" in response.json()["error"]["fields"]
    assert not DocumentVersion.objects.exists()


# Outputs survive text stored before the checks existed (written here with update(), which
# bypasses every check, as a migration or an old release could have).

def _poison(notice: Notice) -> None:
    bad = "Vei\x01bygg\x1b\ufffe"  # not NUL: PostgreSQL cannot store it at all
    Notice.objects.filter(pk=notice.pk).update(title=bad, description=bad)
    for version in NoticeVersion.objects.filter(notice=notice):
        snapshot = dict(version.snapshot)
        snapshot.update(title=bad, description=bad)
        NoticeVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)


def test_it_serves_the_atom_feeds_with_bad_text_already_stored(make_notice):
    notice = make_notice(cpv_main="45000000")
    _poison(notice)
    client = Client(raise_request_exception=False)
    for url in ("/feeds/notices/", "/feeds/cpv/45/"):
        response = client.get(url)
        assert response.status_code == 200, url
        root = etree.fromstring(response.content)  # well-formed XML 1.0
        titles = [t.text or "" for t in root.iter("{http://www.w3.org/2005/Atom}title")]
        assert any("Veibygg" in t for t in titles)


def test_it_exports_eforms_and_ocds_with_bad_text_already_stored(make_notice, api_for):
    notice = make_notice()
    _poison(notice)
    api = _client(api_for(None))
    eforms = api.get(f"/api/notices/{notice.pk}/eforms")
    assert eforms.status_code in (200, 409), eforms.content[:300]
    if eforms.status_code == 200:
        etree.fromstring(eforms.content)
    ocds = api.get(f"/api/notices/{notice.pk}/ocds")
    assert ocds.status_code == 200
    ocds.json()  # valid JSON: the control character travels escaped, as JSON allows
    assert "Vei\\u0001bygg" in ocds.content.decode()


def test_it_renders_the_protocol_pdf_with_bad_text(make_notice):
    from bids.opening.protocol import ProtocolData, protocol_pdf

    notice = make_notice()
    _poison(notice)
    notice.refresh_from_db()
    now = timezone.now()
    session = SimpleNamespace(pk=1, id="s", started_at=now, finished_at=now)
    data = ProtocolData(notice=notice, session=session,  # type: ignore[arg-type]
                        deadline=now - timedelta(hours=1), generated_at=now, bids=[],
                        not_received=[], withdrawn=0, superseded=0, openers=[],
                        started_by="Ola\x08 Nordmann", tree_head={})
    pdf = protocol_pdf(data, compress=False)
    assert pdf.startswith(b"%PDF")
    assert b"Veibygg" in pdf


def test_it_strips_exactly_what_xml_cannot_carry():
    assert xml_safe("a\tb\nc\rd") == "a\tb\nc\rd"
    assert xml_safe("æøå – 中文 😀") == "æøå – 中文 😀"
    assert xml_safe("a\x00b\x1fc\ufffed\ud800e") == "abcde"
    assert forbidden_characters("x\x01y\x01\ufdd0") == ["U+0001", "U+FDD0"]
