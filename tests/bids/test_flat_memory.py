"""Large bids go through at flat memory: parts are streamed to storage, finalising streams
the stored blob, and server sealing holds at most one storage part plus two chunks.

The request (with its body) is built before tracing starts, and the view is called
directly, so only what the server allocates is measured."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from typing import Any

from rest_framework.test import APIRequestFactory, force_authenticate

from bids import apis
from tests.bids.conftest import Tender, base, seal_for, start

MiB = 1 << 20
SIZE = 48 * MiB


def traced(call: Any) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def test_server_sealing_a_large_bid_keeps_memory_flat(tender: Tender, supplier_user: Any) -> None:
    request = APIRequestFactory().post(f"{base(tender.notice)}server-sealed",
                                       data=os.urandom(SIZE),
                                       content_type="application/octet-stream",
                                       HTTP_X_FILENAME="stor-fil.bin")
    force_authenticate(request, user=supplier_user)
    view = apis.SubmissionServerSealedApi.as_view()
    response, peak = traced(lambda: view(request, notice_id=tender.notice.pk))
    assert response.status_code == 201, response.data
    assert response.data["receipt"]["size"] > SIZE
    # One 8 MiB storage part buffer (+ its copy while saving) and two 1 MiB chunks.
    assert peak < 24 * MiB, f"peak {peak / MiB:.1f} MiB"


def test_a_large_part_is_streamed_to_storage_and_verified_in_pieces(
        tender: Tender, supplier_api: Any, supplier_user: Any) -> None:
    started = start(supplier_api, tender.notice)
    sealed = seal_for(started, os.urandom(SIZE))
    part = sealed.blob
    url = f"{base(tender.notice)}{started['id']}/parts/0"
    request = APIRequestFactory().put(url, data=part, content_type="application/octet-stream",
                                      HTTP_X_CONTENT_SHA256=hashlib.sha256(part).hexdigest())
    force_authenticate(request, user=supplier_user)
    view = apis.SubmissionPartApi.as_view()
    response, peak = traced(lambda: view(request, notice_id=tender.notice.pk,
                                         submission_id=started["id"], index=0))
    assert response.status_code == 201, response.data
    assert peak < 8 * MiB, f"upload peak {peak / MiB:.1f} MiB"
    supplier_api.post(f"{base(tender.notice)}{started['id']}/sealed-shares", sealed.shares,
                      format="json")
    request = APIRequestFactory().post(f"{base(tender.notice)}{started['id']}/finalize",
                                       sealed.digest, format="json")
    force_authenticate(request, user=supplier_user)
    view = apis.SubmissionFinalizeApi.as_view()
    response, peak = traced(lambda: view(request, notice_id=tender.notice.pk,
                                         submission_id=started["id"]))
    assert response.status_code == 201, response.data
    assert response.data["receipt"]["chunks"] == 49
    assert peak < 8 * MiB, f"finalise peak {peak / MiB:.1f} MiB"
