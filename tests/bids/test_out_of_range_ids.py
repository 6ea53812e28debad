"""Ids in the URL beyond what the database column holds are a 404, never a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

HUGE = 10**30


@pytest.mark.django_db
@pytest.mark.parametrize("tail", ["", "receipt", "receipt.html", "inclusion-proof", "parts"])
def test_it_answers_404_for_a_notice_id_out_of_range(api_for: Any, supplier_user: Any,
                                                     tail: str) -> None:
    response = api_for(supplier_user).get(
        f"/api/notices/{HUGE}/submissions/{uuid.uuid4()}/{tail}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
