"""The OpenAPI document tells the truth: shapes, media types and the error answers.

tests/test_api_fuzz.py checks real answers against the document; these pin the findings it
made, so a regression shows up as a plain failure.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def schema(api_for: Any, db: Any) -> dict[str, Any]:
    response = api_for(None).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return dict(json.loads(response.content))


def _responses(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return dict(schema["paths"][path][method]["responses"])


def _ref(response: dict[str, Any], media_type: str = "application/json") -> str:
    return str(response["content"][media_type]["schema"]["$ref"])


def test_it_describes_the_error_body_once(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert set(components["Error"]["properties"]) == {"error"}
    detail = components["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "fields"}
    assert set(detail["required"]) == {"code", "message", "fields"}


def test_it_documents_every_error_answer_with_the_error_body(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    assert _ref(response) == ERROR_REF, (method, path, code)


def test_it_pages_the_inbox(schema: dict[str, Any]) -> None:
    page = _responses(schema, "/api/inbox/", "get")["200"]
    name = _ref(page).rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][name]["properties"]
    assert {"count", "next", "previous", "results"} <= set(properties)
    parameters = {p["name"] for p in schema["paths"]["/api/inbox/"]["get"]["parameters"]}
    assert {"page", "page_size", "unread"} <= parameters


def test_it_describes_the_manifests_as_a_list(schema: dict[str, Any]) -> None:
    body = _responses(schema, "/api/notices/{notice_id}/manifests", "get")["200"]
    assert body["content"]["application/json"]["schema"]["type"] == "array"


def test_it_names_the_real_content_types_of_downloads(schema: dict[str, Any]) -> None:
    document = _responses(
        schema, "/api/notices/{id}/documents/{document_id}/versions/{number}/download/",
        "get")["200"]
    assert document["content"]["*/*"]["schema"]["format"] == "binary"
    assert {"Repr-Digest", "ETag"} <= set(document["headers"])
    tar = _responses(schema, "/api/openings/{session_id}/bids/{submission_id}/tar", "get")
    assert "application/x-tar" in tar["200"]["content"]
    eforms = _responses(schema, "/api/notices/{id}/eforms", "get")
    assert list(eforms["200"]["content"]) == ["application/xml"]
    assert _ref(eforms["404"]) == ERROR_REF  # errors stay JSON
    ocds = _responses(schema, "/api/notices/{id}/ocds", "get")["200"]
    assert _ref(ocds).endswith("/OcdsReleasePackage")


def test_it_documents_conflicts_only_where_one_can_happen(schema: dict[str, Any]) -> None:
    assert "409" in _responses(schema, "/api/notices/{id}/publish/", "post")
    assert "409" in _responses(schema, "/api/notices/{id}/extend-deadline/", "post")
    assert "409" not in _responses(schema, "/api/me/", "get")
    assert "409" not in _responses(schema, "/api/notices/{id}/", "get")


def test_it_documents_the_answers_each_operation_implies(schema: dict[str, Any]) -> None:
    me = _responses(schema, "/api/me/", "get")
    assert "401" in me and "400" not in me and "404" not in me
    # Public, without any authentication: no 401 to document.
    assert "401" not in _responses(schema, "/api/codes/cpv/", "get")
    upload = _responses(schema, "/api/notices/{id}/documents/", "post")
    assert {"400", "401", "403", "404", "409", "413"} <= set(upload)
    search = _responses(schema, "/api/notices/", "get")
    assert "400" in search and "403" not in search


def test_it_documents_the_404_of_a_page_past_the_end(schema: dict[str, Any], api_for: Any,
                                                     supplier_user: Any) -> None:
    assert "404" in _responses(schema, "/api/inbox/", "get")
    response = api_for(supplier_user).get("/api/inbox/?page=0")
    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_it_answers_an_unknown_api_url_with_the_json_error(api_for: Any) -> None:
    # A path parameter that is not a number matches no route: still the API's error body.
    response = api_for(None).get("/api/inbox/null,null/read/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
    assert "text/html" in api_for(None).get("/no-such-page/")["Content-Type"]


def test_it_documents_the_sign_in_lockout(schema: dict[str, Any]) -> None:
    locked = _responses(schema, "/api/auth/token/", "post")["429"]
    assert _ref(locked) == ERROR_REF
    assert locked["headers"]["Retry-After"]["required"] is True
