# ruff: noqa: F811  (the fixtures are imported from test_opening)
"""Opened bids download with the content type the API schema names for each route."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.test import APIClient

from accounts.models import User
from bids.opening.models import OpeningSession
from tests.bids.test_opening import (  # noqa: F401 (fixtures)
    MARKER,
    Tender,
    opened,
    tender,
)


def test_it_serves_the_opened_tar_as_a_tar_and_its_files_as_opaque_bytes(
        tender: Tender, opened: OpeningSession,
        api_for: Callable[[User | None], APIClient]) -> None:
    client = api_for(tender.officer)
    base = f"/api/openings/{opened.pk}/bids/{tender.bids[0].pk}/"
    tar = client.get(base + "tar")
    assert tar.status_code == 200
    assert tar["Content-Type"] == "application/x-tar"
    assert MARKER in b"".join(tar.streaming_content)
    one = client.get(base + "files/0")
    assert one.status_code == 200
    assert one["Content-Type"] == "application/octet-stream"
    assert one["X-Content-Type-Options"] == "nosniff"
