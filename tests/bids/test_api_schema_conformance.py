# ruff: noqa: F811  (the fixtures are imported from test_opening)
"""The bid, log and opening routes answer as the OpenAPI schema says, in the states the fuzzer
cannot reach by itself: a tender with a committee, sealed bids with receipts, an opening."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import schemathesis
from rest_framework.test import APIClient
from schemathesis.core.transport import Response

from accounts.models import User
from bids import tlog
from bids.opening.models import OpeningSession
from tests.bids.conftest import base, put_part, seal_for
from tests.bids.test_opening import (  # noqa: F401 (fixtures)
    Tender,
    opened,
    tender,
)


@pytest.fixture
def openapi(api_for: Callable[[User | None], APIClient]) -> Any:
    return schemathesis.openapi.from_dict(
        api_for(None).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json())


def conforms(openapi: Any, method: str, template: str, answer: Any, expected: int) -> Any:
    """Validate a test-client answer (status, media type, headers, body) against the schema."""
    assert answer.status_code == expected, (template, answer.content[:500])
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    path = template.split("?")[0]
    response = Response(
        status_code=answer.status_code,
        headers={name: [value] for name, value in answer.items()}, content=content,
        request=requests.Request(method, f"http://testserver{path}").prepare(),
        elapsed=0.0, verify=False)
    openapi[path][method].validate_response(response)
    return answer.json() if answer["Content-Type"] == "application/json" else None


@pytest.fixture
def check(openapi: Any) -> Callable[..., Any]:
    def get(client: APIClient, template: str, expected: int = 200, **values: Any) -> Any:
        return conforms(openapi, "GET", template, client.get(template.format(**values)),
                        expected)

    return get


def test_it_answers_the_bid_and_opening_routes_as_the_schema_says(
        tender: Tender, opened: OpeningSession, api_for: Callable[[User | None], APIClient],
        supplier_user: User, check: Callable[..., Any]) -> None:
    tlog.sth_issue(reason="test")
    notice, sub = tender.notice.pk, tender.bids[0]
    officer, bidder, member = (api_for(tender.officer), api_for(supplier_user),
                               api_for(tender.members[0]))
    anyone = api_for(None)
    check(anyone, "/api/notices/{notice_id}/committee", notice_id=notice)
    assert check(anyone, "/api/notices/{notice_id}/manifests", notice_id=notice)
    check(officer, "/api/notices/{notice_id}/submissions/", notice_id=notice)
    mine = check(bidder, "/api/notices/{notice_id}/submissions/", notice_id=notice)
    assert mine["results"][0]["manifest_hash"]
    for tail in ("", "receipt", "inclusion-proof", "parts"):
        check(bidder, "/api/notices/{notice_id}/submissions/{submission_id}/" + tail,
              notice_id=notice, submission_id=sub.pk)
    check(bidder, "/api/notices/{notice_id}/submissions/{submission_id}/receipt.html",
          notice_id=notice, submission_id=sub.pk)
    check(anyone, "/api/keys/")
    head = check(anyone, "/api/log/sth")
    check(anyone, "/api/log/entries/{index}", index=0)
    check(anyone, "/api/log/consistency?first=1&second={size}",
          size=head["tree_head"]["size"])
    session = opened.pk
    check(officer, "/api/openings/{session_id}/", session_id=session)
    check(member, "/api/openings/{session_id}/my-shares", session_id=session)
    check(officer, "/api/openings/{session_id}/bids/{submission_id}/tar", session_id=session,
          submission_id=sub.pk)
    check(officer, "/api/openings/{session_id}/bids/{submission_id}/files/{index}",
          session_id=session, submission_id=sub.pk, index=0)


def test_it_answers_the_submission_writes_as_the_schema_says(
        make_tender: Callable[..., Any], supplier_api: APIClient, openapi: Any) -> None:
    notice = make_tender().notice
    sub = "/api/notices/{notice_id}/submissions/"
    one = sub + "{submission_id}/"
    started = conforms(openapi, "POST", sub, supplier_api.post(base(notice), {}, format="json"),
                       201)
    sid = started["id"]
    sealed = seal_for(started, b"Pris: 1 000 000 NOK")
    conforms(openapi, "PUT", one + "parts/{index}",
             put_part(supplier_api, notice, sid, 0, sealed.blob), 201)
    conforms(openapi, "POST", one + "sealed-shares", supplier_api.post(
        f"{base(notice)}{sid}/sealed-shares", sealed.shares, format="json"), 201)
    conforms(openapi, "POST", one + "finalize", supplier_api.post(
        f"{base(notice)}{sid}/finalize", sealed.digest, format="json"), 201)
    conforms(openapi, "POST", one + "withdraw", supplier_api.post(
        f"{base(notice)}{sid}/withdraw"), 200)
    conforms(openapi, "POST", sub + "server-sealed", supplier_api.post(
        f"{base(notice)}server-sealed", data=b"Pris: 990 000 NOK",
        content_type="application/octet-stream", HTTP_X_FILENAME="tilbud.txt"), 201)
    # A conflict has the documented error body too.
    conforms(openapi, "POST", one + "withdraw", supplier_api.post(
        f"{base(notice)}{sid}/withdraw"), 409)
